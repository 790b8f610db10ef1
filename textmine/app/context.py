"""What every page receives (store, corpus, taxonomy, interface language, current filter selection) and the
small widgets pages share: quote cards, theme chips, the citation basket, paging.

Comment text is only ever shown with ``st.text``, inside dataframes, or (search hits highlighted) as
Markdown with every character escaped; attribution goes through ``escape_markdown`` before it reaches
``st.caption``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from textmine.app.i18n import LANGUAGE_NAMES
from textmine.app.i18n import t as translate
from textmine.app.insights_adapter import escape_markdown
from textmine.app.query import NOT_STATED, STATABLE, Corpus, Selection, rows
from textmine.app.search import highlight
from textmine.classify.taxonomy import Taxonomy

BASKET = "basket"


@dataclass
class Context:
    """The store being shown and the user's current choices."""

    path: Path
    version: float
    corpus: Corpus
    taxonomy: Taxonomy
    lang: str
    selection: Selection

    def t(self, key: str, **values: object) -> str:
        """An interface label in the chosen language."""
        return translate(key, self.lang, **values)

    def theme_name(self, theme_id: str) -> str:
        """A theme's name in the interface language (its id when the taxonomy lacks it)."""
        try:
            return getattr(self.taxonomy.theme(theme_id).name, self.lang)
        except KeyError:
            return theme_id

    def polarity_name(self, polarity_id: str) -> str:
        """A polarity's name in the interface language."""
        for polarity in self.taxonomy.polarities:
            if polarity.id == polarity_id:
                return getattr(polarity.name, self.lang)
        return str(polarity_id)

    def value_name(self, column: str, value: object) -> str:
        """A filter or table value in the interface language: theme and polarity names, language names,
        "not stated" for an empty region, agency or service."""
        if column == "theme":
            return self.theme_name(str(value))
        if column == "polarity":
            return self.polarity_name(str(value))
        if column in STATABLE and (value is None or value == NOT_STATED or pd.isna(value)):
            return self.t(f"{column}_not_stated")
        if column == "lang":
            return LANGUAGE_NAMES.get(str(value), str(value))
        return str(value)

    def attribution(self, row: pd.Series) -> str:
        """Where a quote comes from: service, region (or that they are not stated), language, source line."""
        parts = [self.value_name("service_name", row.get("service_name")),
                 self.value_name("region", row.get("region")), row.get("lang"),
                 f"{row.get('source_file')}:{row.get('source_line')}"]
        return " · ".join(str(p) for p in parts if p is not None and not pd.isna(p))

    def correction(self, comment_id: str) -> str:
        """``corrected <when> (reviewer: <name>): themes · polarity`` for a comment an analyst corrected (no
        reviewer for a correction saved before reviewers were recorded), else ``''``."""
        from textmine.app import data

        found = data.corrected(self.path, self.version).get(comment_id)
        if found is None:
            return ""
        themes, polarity, at, reviewer = found
        fixed = [self.chips(themes) or "—", self.polarity_name(polarity) if polarity else ""]
        by = f" ({self.t('reviewer')}: {reviewer})" if reviewer else ""
        return f"✎ {self.t('corrected', at=at)}{by}: {' · '.join(part for part in fixed if part)}"

    def definition(self, theme_id: str) -> str:
        """A theme's definition in the interface language when the taxonomy has one, else English."""
        theme = self.taxonomy.theme(theme_id)
        return {"kk": theme.definition_kk, "ru": theme.definition_ru}.get(self.lang) or theme.definition

    def chips(self, themes: str, uncertain: bool = False) -> str:
        """Theme names of a ``'a;b'`` theme string, joined for a caption; an uncertain (best-guess) theme
        is marked as such."""
        names = [self.theme_name(theme) for theme in themes.split(";") if theme]
        if uncertain and names:
            names[0] = f"{names[0]} ({self.t('uncertain')})"
        return " · ".join(names)

    def evidence(self, evidence: object) -> str:
        """``theme: word, word`` for each assigned theme's evidence words (JSON from the store), or ``''``."""
        try:
            found = json.loads(evidence) if isinstance(evidence, str) and evidence else {}
        except ValueError:
            return ""
        parts = [f"{self.theme_name(theme)}: {', '.join(words)}" for theme, words in found.items() if words]
        return f"{self.t('evidence')} — {'; '.join(parts)}" if parts else ""


def cluster_labels(ctx: Context, clusters: pd.DataFrame) -> list[str]:
    """Each topic cluster's label in the interface language (Russian outside Kazakh), falling back to the
    other language's label, then to its keywords; a label whose words repeat another's gets the cluster's
    next keywords added, so no two read alike."""
    first, second = ("kk", "ru") if ctx.lang == "kk" else ("ru", "kk")
    labels: list[str] = []
    for _, cluster in clusters.iterrows():
        keywords = [*cluster[f"keywords_{first}"], *cluster[f"keywords_{second}"]]
        named = [cluster[f"label_{lang}"] for lang in (first, second)]
        label = next((name.strip() for name in named if isinstance(name, str) and name.strip()), ", ".join(keywords[:3]))
        seen = {_words(existing) for existing in labels}
        extra = iter(word for word in keywords if word.casefold() not in _words(label))
        while _words(label) in seen and (word := next(extra, None)):
            label = f"{label} · {word}"
        labels.append(label)
    return labels


def keywords(ctx: Context, clusters: pd.DataFrame, n: int = 8) -> list[str]:
    """Each cluster's first ``n`` keywords, the interface language's (Russian outside Kazakh) first."""
    first, second = ("kk", "ru") if ctx.lang == "kk" else ("ru", "kk")
    return [", ".join([*a, *b][:n]) for a, b in zip(clusters[f"keywords_{first}"], clusters[f"keywords_{second}"], strict=True)]


def _words(label: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", label.casefold()))


def topics_or_notice(ctx: Context, rows: tuple[int, ...]):
    """Topics of the given comment rows, or ``None`` after telling the user why there are none."""
    from textmine.app import data

    try:
        found = data.topics(str(ctx.path), ctx.version, rows)
    except FileNotFoundError as error:
        st.warning(f"{ctx.t('no_vectors')} ({error})")
        return None
    if found is None:
        st.info(ctx.t("too_few") + " " + ctx.t("no_vectors"))
    return found


def basket() -> list[str]:
    """Comment ids collected in the citation basket (session state)."""
    return st.session_state.setdefault(BASKET, [])


def _add(comment_id: str) -> None:
    if comment_id not in basket():
        basket().append(comment_id)


def quote_card(ctx: Context, row: pd.Series, key: str, extra: str = "", hits: frozenset[str] = frozenset()) -> None:
    """One quote: its text (never parsed as Markdown/HTML; the word forms ``hits`` highlighted),
    attribution, theme chips, the words each theme was assigned on, basket button, memos."""
    with st.container(border=True):
        if hits:
            st.markdown(highlight(row["text"], hits))
        else:
            st.text(row["text"])
        polarity = ctx.polarity_name(row["polarity"]) if isinstance(row["polarity"], str) else ""
        chips = ctx.chips(row["themes"], bool(row.get("theme_uncertain", False)))
        meta = " · ".join(x for x in (ctx.attribution(row), polarity, chips, extra) if x)
        st.caption(escape_markdown(meta))
        evidence = ctx.evidence(row.get("theme_evidence"))
        if evidence:
            st.caption(escape_markdown(evidence))
        correction = ctx.correction(row["id"])
        if correction:
            st.caption(escape_markdown(correction))
        inside = row["id"] in basket()
        st.button(ctx.t("in_basket") if inside else ctx.t("add_to_basket"), key=f"{key}-{row['id']}",
                  disabled=inside, on_click=_add, args=(row["id"],))
        from textmine.app.memos import memo_box

        memo_box(ctx, "quote", row["id"], key)


def _page_start(ctx: Context, total: int, key: str, page_size: int) -> int:
    """The first row of the page chosen in a page selector (shown when there is more than one page)."""
    pages = max(1, -(-total // page_size))
    page = st.number_input(ctx.t("page_no"), 1, pages, 1, key=f"{key}-page") if pages > 1 else 1
    return (int(page) - 1) * page_size


def quote_list(ctx: Context, shown: pd.DataFrame, key: str, page_size: int = 20,
               extra: pd.Series | None = None, hits: frozenset[str] = frozenset()) -> None:
    """Quote cards for the rows of ``shown``, ``page_size`` at a time with a page selector."""
    start = _page_start(ctx, len(shown), key, page_size)
    for position, (_, row) in enumerate(shown.iloc[start : start + page_size].iterrows()):
        note = "" if extra is None else str(extra.iloc[start + position])
        quote_card(ctx, row, key, note, hits)


def paged_quotes(ctx: Context, selection: Selection, total: int, key: str, page_size: int = 20,
                 hits: frozenset[str] = frozenset()) -> None:
    """Quote cards for the ``total`` comments of ``selection`` in corpus order, fetching only the page shown."""
    start = _page_start(ctx, total, key, page_size)
    for _, row in rows(ctx.corpus, selection, limit=page_size, offset=start).iterrows():
        quote_card(ctx, row, key, hits=hits)


def quotes_table(ctx: Context, rows: pd.DataFrame, key: str, score: pd.Series | None = None) -> None:
    """Quotes as an interactive table (text is data, never markup)."""
    view = pd.DataFrame({
        ctx.t("text"): rows["text"].to_numpy(),
        ctx.t("service"): [ctx.value_name("service_name", value) for value in rows["service_name"]],
        ctx.t("region"): [ctx.value_name("region", value) for value in rows["region"]],
        ctx.t("themes"): [ctx.chips(x) for x in rows["themes"]],
    })
    if score is not None:
        view[ctx.t("score")] = score.to_numpy()
    st.dataframe(view, hide_index=True, key=key)
