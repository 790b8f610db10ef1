"""The "what changed since last time" section of a service's brief: the report's own previous-year figures
(``services.prev_satisfaction_pct``, ``prev_avg_score``) and, when the store holds two waves, the themes
whose share moved (the interval excludes no change), appeared or vanished (``textmine.qda.waves``)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from textmine.qda.waves import between, wave_counts
from textmine.store import Store

PHRASES = {
    "title": {"kk": "Өткен жолдан бері не өзгерді", "ru": "Что изменилось с прошлого раза",
              "en": "What changed since last time"},
    "report": {"kk": "Есеп бойынша: қанағаттану {prev}% → {now}%, орташа балл {prev_score} → {score}",
               "ru": "По отчёту: удовлетворённость {prev}% → {now}%, средний балл {prev_score} → {score}",
               "en": "In the report: satisfaction {prev}% → {now}%, average score {prev_score} → {score}"},
    "up": {"kk": "жиілеген", "ru": "чаще", "en": "more often"},
    "down": {"kk": "сирексіген", "ru": "реже", "en": "less often"},
    "new": {"kk": "жаңа тақырып", "ru": "новая тема", "en": "new theme"},
    "vanished": {"kk": "жоғалған тақырып", "ru": "исчезнувшая тема", "en": "vanished theme"},
    "share": {"kk": "{theme} ({status}): {before}% → {after}% ({change:+.1f} п.т., 95% аралық {low:+.1f}…{high:+.1f})",
              "ru": "{theme} ({status}): {before}% → {after}% ({change:+.1f} п.п., 95% интервал {low:+.1f}…{high:+.1f})",
              "en": "{theme} ({status}): {before}% → {after}% ({change:+.1f} pp, 95% interval {low:+.1f}…{high:+.1f})"},
    "waves": {"kk": "Толқындар {before} → {after}, пікірлер {n_before} → {n_after}",
              "ru": "Волны {before} → {after}, отзывов {n_before} → {n_after}",
              "en": "Waves {before} → {after}, comments {n_before} → {n_after}"},
    "nothing": {"kk": "Тақырып үлестерінде айқын өзгеріс жоқ.", "ru": "Заметных изменений в долях тем нет.",
                "en": "No theme's share changed clearly."},
    "synthetic": {"kk": "(синтетикалық толқын: тек сынақ үшін)", "ru": "(синтетическая волна: только для проверки)",
                  "en": "(synthetic wave: for testing only)"},
}


def _pct(share: float) -> str:
    return f"{100 * share:.1f}"


def _share_line(row: object, lang: str, theme_name: Callable[[str], str]) -> str:
    return PHRASES["share"][lang].format(
        theme=theme_name(row.theme), status=PHRASES[row.status][lang], before=_pct(row.share_before),
        after=_pct(row.share_after), change=100 * row.change, low=100 * row.ci_low, high=100 * row.ci_high)


def brief_section(service_no: int, lang: str, services: pd.DataFrame, changed: pd.DataFrame | None = None,
                  before: str = "", after: str = "", theme_name: Callable[[str], str] = str,
                  synthetic: bool = False) -> list[str]:
    """Markdown lines of the section for one service (``[]`` when there is nothing to say): the report's
    previous-year line, then the service's themes with status new, vanished, up or down between waves."""
    if lang not in ("kk", "ru", "en"):
        raise ValueError(f"brief language must be kk, ru or en, got {lang!r}")
    lines = []
    row = services[services["service_no"] == service_no]
    if len(row) and pd.notna(row.iloc[0]["prev_satisfaction_pct"]):
        found = row.iloc[0]
        shown = {key: "—" if pd.isna(found[column]) else f"{found[column]:g}" for key, column in (
            ("prev", "prev_satisfaction_pct"), ("now", "satisfaction_pct"), ("prev_score", "prev_avg_score"),
            ("score", "avg_score"))}
        lines.append(f"- {PHRASES['report'][lang].format(**shown)}")
    mine = changed[changed["service_no"] == service_no] if changed is not None else pd.DataFrame()
    if len(mine):
        sizes = {"n_before": int(mine["n_before"].iloc[0]), "n_after": int(mine["n_after"].iloc[0])}
        note = f" {PHRASES['synthetic'][lang]}" if synthetic else ""
        lines.append(f"- {PHRASES['waves'][lang].format(before=before, after=after, **sizes)}{note}")
        moved = mine[mine["status"] != "same"].sort_values("change", key=abs, ascending=False, kind="stable")
        lines += [f"  - {_share_line(theme_row, lang, theme_name)}" for theme_row in moved.itertuples()] \
            or [f"  - {PHRASES['nothing'][lang]}"]
    return ["", f"## {PHRASES['title'][lang]}", "", *lines, ""] if lines else []


def store_sections(store: Store, lang: str) -> Callable[[int], list[str]]:
    """The section of any service of ``store`` in ``lang``: the report's previous-year figures and, when the
    store holds two waves, the change between its last two (marked when either wave is synthetic)."""
    from textmine.classify.taxonomy import load_taxonomy
    from textmine.qda.published import read_store, store_frame

    assignments = read_store(store, "waves")
    try:
        changed, before, after = between(wave_counts(store_frame(store), assignments))
    except ValueError:
        changed, before, after = None, "", ""
    synthetic = bool(assignments.loc[assignments["synthetic"], "wave"].isin([before, after]).any())
    taxonomy = load_taxonomy()

    def theme_name(theme: str) -> str:
        return getattr(taxonomy.theme(theme).name, lang) if theme in taxonomy.theme_ids else theme

    services = store.read("services")
    return lambda service_no: brief_section(service_no, lang, services, changed, before, after, theme_name, synthetic)
