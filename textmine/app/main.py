"""The app's frame: interface language, page choice, the shared sidebar filters, then one page."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import streamlit as st

from textmine.app import data
from textmine.app.context import Context
from textmine.app.i18n import LANGUAGE_NAMES, LANGUAGES, t
from textmine.app.pages import (
    codebook,
    crosstab,
    discovery,
    overview,
    quotes,
    recommendations,
    review,
    services,
    themes,
)
from textmine.app.query import Corpus, Filters, count, select
from textmine.classify.taxonomy import Taxonomy

PAGES: dict[str, Callable[[Context], None]] = {
    "overview": overview.render,
    "themes": themes.render,
    "services": services.render,
    "recommendations": recommendations.render,
    "quotes": quotes.render,
    "review": review.render,
    "crosstab": crosstab.render,
    "discovery": discovery.render,
    "codebook": codebook.render,
}
FILTER_KEYS = ("f_service", "f_agency", "f_region", "f_lang", "f_theme", "f_polarity", "f_rating")


def _reset_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state[key] = []


def filter_widgets(corpus: Corpus, path: str, version: float, taxonomy: Taxonomy, lang: str) -> Filters:
    """The sidebar filters, shared by every page (their choices are read once per store version)."""
    side = st.sidebar
    side.subheader(t("filters", lang))
    polarity_names = {p.id: getattr(p.name, lang) for p in taxonomy.polarities}

    def theme_name(theme_id: str) -> str:
        return getattr(taxonomy.theme(theme_id).name, lang) if theme_id in taxonomy.theme_ids else theme_id

    choose = t("choose", lang)

    def pick(label: str, values: list, key: str, **kwargs) -> tuple:
        return tuple(side.multiselect(t(label, lang), values, key=key, placeholder=choose, **kwargs)) if values else ()

    def values(column: str) -> list:
        return data.options(path, version, column)

    chosen = Filters(
        services=pick("service", values("service_name"), "f_service"),
        agencies=pick("agency", values("agency"), "f_agency"),
        regions=pick("region", values("region"), "f_region"),
        langs=pick("language", values("lang"), "f_lang"),
        themes=pick("theme", corpus.theme_ids, "f_theme", format_func=theme_name),
        polarities=pick("polarity", values("polarity"), "f_polarity", format_func=lambda p: polarity_names.get(p, p)),
        ratings=pick("rating", values("rating"), "f_rating"),
    )
    side.button(t("reset_filters", lang), on_click=_reset_filters, key="f_reset")
    return chosen


def main() -> None:
    """Draw the app once (Streamlit reruns this on every interaction)."""
    st.set_page_config(page_title="textmine", page_icon="🗂️", layout="wide")
    lang = st.sidebar.radio("Тіл / Язык", LANGUAGES, format_func=LANGUAGE_NAMES.get, key="ui_lang", horizontal=True)
    page = st.sidebar.radio(t("page", lang), list(PAGES), format_func=lambda p: t(f"page_{p}", lang), key="page")
    st.title(t("app_title", lang))
    path = data.store_path()
    if not path.exists():
        st.error(t("store_missing", lang, path=path))
        st.stop()
    try:
        version = data.store_version(path)
        corpus = data.corpus(str(path), version)
    except duckdb.IOException as error:
        st.error(t("store_busy", lang, error=error))
        st.stop()
    taxonomy = data.taxonomy()
    selection = select(corpus, filter_widgets(corpus, str(path), version, taxonomy, lang))
    st.sidebar.caption(t("selected_comments", lang, n=count(corpus, selection), total=corpus.size))
    st.header(t(f"page_{page}", lang))
    PAGES[page](Context(path=path, version=version, corpus=corpus, taxonomy=taxonomy, lang=lang, selection=selection))
