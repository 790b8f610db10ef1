"""Waves: per service and theme, the change in share between two survey waves of the current selection
with its 95% interval (Newcombe), new and vanished themes; a synthetic wave is flagged as such."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from textmine.app.context import Context
from textmine.qda import waves
from textmine.qda.published import read_table


def _report_figures(ctx: Context) -> None:
    """The report's own previous-year satisfaction and score per service, where it gives them."""
    services = ctx.corpus.services
    if services.empty or "prev_satisfaction_pct" not in services or services["prev_satisfaction_pct"].isna().all():
        return
    known = services[services["prev_satisfaction_pct"].notna()]
    st.subheader(ctx.t("report_previous"))
    st.dataframe(pd.DataFrame({
        ctx.t("service"): known["service_name"].to_numpy(),
        ctx.t("satisfaction_before"): known["prev_satisfaction_pct"].to_numpy(),
        ctx.t("satisfaction_now"): known["satisfaction_pct"].to_numpy(),
        ctx.t("change_pp"): (known["satisfaction_pct"] - known["prev_satisfaction_pct"]).round(1).to_numpy(),
    }), hide_index=True, key="wv_report")


def render(ctx: Context) -> None:
    """Draw the waves page: the change between two waves of the store, then the report's previous-year figures."""
    _changes(ctx)
    _report_figures(ctx)


def _changes(ctx: Context) -> None:
    assignments = read_table(ctx.path, "waves")
    counts = waves.wave_counts(ctx.corpus.frame, assignments, waves.APP_SOURCE, ctx.selection.where, ctx.selection.params)
    found = waves.ordered_waves(counts["wave"])
    if len(found) < 2:
        st.info(ctx.t("one_wave", waves=", ".join(found) or "—"))
        return
    pick = st.columns(2)
    before = pick[0].selectbox(ctx.t("wave_before"), found, index=len(found) - 2, key="wv_before")
    after = pick[1].selectbox(ctx.t("wave_after"), found, index=len(found) - 1, key="wv_after")
    try:
        table, _, _ = waves.between(counts, before, after)
    except ValueError as error:
        st.warning(str(error))
        return
    synthetic = sorted(set(assignments.loc[assignments["synthetic"] & assignments["wave"].isin([before, after]), "wave"]))
    if synthetic:
        st.warning(ctx.t("synthetic_wave", waves=", ".join(synthetic)))
    if not st.checkbox(ctx.t("show_unchanged"), key="wv_all"):
        table = table[table["status"] != "same"]
    status = {s: ctx.t(f"wave_{s}") for s in ("new", "vanished", "up", "down", "same")}
    shown = table.assign(
        service_name=table["service_name"].replace({waves.ALL_SERVICES: ctx.t("all_services")}),
        theme=table["theme"].map(ctx.theme_name), status=table["status"].map(status),
        **{column: (100 * table[column]).round(1) for column in ("share_before", "share_after", "change", "ci_low", "ci_high")})
    st.dataframe(shown.rename(columns={"service_name": ctx.t("service"), "theme": ctx.t("theme"),
                                       "share_before": f"% {before}", "share_after": f"% {after}",
                                       "change": ctx.t("change_pp"), "ci_low": "95% −", "ci_high": "95% +",
                                       "status": ctx.t("change_status")}),
                 hide_index=True, key="wv_table")
