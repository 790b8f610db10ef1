"""The app's frame: interface language, page navigation (one URL per page), the shared sidebar filters, then
one page.

Filters hold ids (theme, polarity, service name, region as stored…) and only their labels follow the
interface language; they are mirrored in the URL's query parameters so a shared link restores the view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import duckdb
import streamlit as st

from textmine.app import data
from textmine.app.context import Context
from textmine.app.i18n import LANGUAGE_NAMES, LANGUAGES, t
from textmine.app.pages import (
    agreement,
    codebook,
    crosstab,
    discovery,
    overview,
    quotes,
    recommendations,
    review,
    services,
    themes,
    waves,
    words,
)
from textmine.app.query import Corpus, Filters, Selection, count, select

# The one page registry: url path (also the i18n key "page_<id>") and the function drawing the page.
PAGES: list[tuple[str, Callable[[Context], None]]] = [
    ("overview", overview.render),
    ("themes", themes.render),
    ("services", services.render),
    ("recommendations", recommendations.render),
    ("quotes", quotes.render),
    ("review", review.render),
    ("crosstab", crosstab.render),
    ("discovery", discovery.render),
    ("agreement", agreement.render),
    ("words", words.render),
    ("waves", waves.render),
    ("codebook", codebook.render),
]


@dataclass(frozen=True)
class FilterSpec:
    """One sidebar filter: its widget key, URL query parameter, label key, and the store column it reads."""

    key: str
    param: str
    label: str
    column: str


FILTERS = (
    FilterSpec("f_service", "service", "service", "service_name"),
    FilterSpec("f_agency", "agency", "agency", "agency"),
    FilterSpec("f_region", "region", "region", "region"),
    FilterSpec("f_lang", "lang", "language", "lang"),
    FilterSpec("f_theme", "theme", "theme", "theme"),
    FilterSpec("f_polarity", "polarity", "polarity", "polarity"),
    FilterSpec("f_rating", "rating", "rating", "rating"),
)
FILTER_KEYS = tuple(spec.key for spec in FILTERS)
# Widgets whose option labels follow the interface language (the filters and the pages' theme/value pickers).
LANGUAGE_BOUND = (*FILTER_KEYS, "th_theme", "ov_theme", "xt_attribute", "xt_theme", "xt_value", "xt_mode", "q_cluster",
                  "dc_cluster", "wd_compare", "ag_settle_value",
                  "cb_merge_source", "cb_merge_target", "cb_rename_theme")
# Names typed on one page's widget (the Review page's reviewer), kept when another page is drawn: Streamlit
# drops a widget's state on a run that does not draw it, unless the script stores it anew first.
KEPT_ACROSS_PAGES = ("reviewer",)
UI_LANG = "ui_lang"
UI_PARAM = "ui"
URL_READ = "_url_read"


def _keep_across_pages() -> None:
    for key in KEPT_ACROSS_PAGES:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _reset_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state[key] = []


def _keep_choices() -> None:
    """On a language switch, hold each language-bound widget's chosen ids as values, so the widgets redraw
    them with the new language's labels (the browser would send back the old language's labels, which
    match nothing)."""
    for key in LANGUAGE_BOUND:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]  # now a value set in Python, not the browser's label


def _choices(spec: FilterSpec, corpus: Corpus, path: str, version: float) -> list:
    """The ids a filter offers."""
    return corpus.theme_ids if spec.column == "theme" else data.options(path, version, spec.column)


def _read_url(corpus: Corpus, path: str, version: float) -> None:
    """Once per session, before the widgets exist: the interface language and the filters from the URL
    (values the store does not offer are ignored)."""
    if st.session_state.get(URL_READ):
        return
    st.session_state[URL_READ] = True
    params = st.query_params
    if params.get(UI_PARAM) in LANGUAGES:
        st.session_state[UI_LANG] = params[UI_PARAM]
    for spec in FILTERS:
        wanted = params.get_all(spec.param)
        if wanted:
            offered = {str(value): value for value in _choices(spec, corpus, path, version)}
            st.session_state[spec.key] = [offered[value] for value in wanted if value in offered]


def _write_url(lang: str, chosen: dict[str, list]) -> None:
    """The interface language and the chosen filter ids as the URL's query parameters."""
    wanted = {UI_PARAM: [lang]} | {param: [str(value) for value in values] for param, values in chosen.items() if values}
    if {key: st.query_params.get_all(key) for key in st.query_params} != wanted:
        st.query_params.from_dict(wanted)


def filter_widgets(ctx: Context) -> Filters:
    """The sidebar filters, shared by every page (their choices are read once per store version)."""
    side = st.sidebar
    side.subheader(ctx.t("filters"))
    chosen: dict[str, list] = {}
    for spec in FILTERS:
        values = _choices(spec, ctx.corpus, str(ctx.path), ctx.version)
        chosen[spec.param] = side.multiselect(
            ctx.t(spec.label), values, key=spec.key, placeholder=ctx.t("choose"),
            format_func=partial(ctx.value_name, spec.column)) if values else []
    side.button(ctx.t("reset_filters"), on_click=_reset_filters, key="f_reset")
    _write_url(ctx.lang, chosen)
    return Filters(services=tuple(chosen["service"]), agencies=tuple(chosen["agency"]),
                   regions=tuple(chosen["region"]), langs=tuple(chosen["lang"]), themes=tuple(chosen["theme"]),
                   polarities=tuple(chosen["polarity"]), ratings=tuple(chosen["rating"]))


def main() -> None:
    """Draw the app once (Streamlit reruns this on every interaction)."""
    st.set_page_config(page_title="textmine", page_icon="🗂️", layout="wide")
    path = data.store_path()
    lang = st.session_state.get(UI_LANG) if st.session_state.get(UI_LANG) in LANGUAGES else LANGUAGES[0]
    if not path.exists():
        st.error(t("store_missing", lang, path=path))
        st.stop()
    try:
        version = data.store_version(path)
        corpus = data.corpus(str(path), version)
    except duckdb.IOException as error:
        st.error(t("store_busy", lang, error=error))
        st.stop()
    _read_url(corpus, str(path), version)
    _keep_across_pages()
    lang = st.sidebar.radio("Тіл / Язык / Language", LANGUAGES, format_func=LANGUAGE_NAMES.get, key=UI_LANG,
                            horizontal=True, on_change=_keep_choices)
    unfiltered = Context(path=path, version=version, corpus=corpus, taxonomy=data.taxonomy(), lang=lang,
                         selection=Selection())
    ctx = replace(unfiltered, selection=select(corpus, filter_widgets(unfiltered)))
    st.sidebar.caption(ctx.t("selected_comments", n=count(corpus, ctx.selection), total=corpus.size))
    page = st.navigation([st.Page(partial(render, ctx), title=ctx.t(f"page_{name}"), url_path=name, default=i == 0)
                          for i, (name, render) in enumerate(PAGES)])
    st.title(ctx.t("app_title"))
    st.header(page.title)
    page.run()
    data.warm_imports()
