"""The per-service evidence brief: a draft of the report's "conclusions and recommendations" in Kazakh or
Russian — the top problems in priority order, each with its numbers, representative quotes (verbatim,
attributed) and an editable recommendation sentence, then the strengths.

Built from :func:`textmine.insights.priority.priorities` (``by='service_no'``); quotes come from
:func:`textmine.insights.quotes.representative_quotes` restricted to the service, the theme and the
evidence polarity (complaints and suggestions for problems, praise for strengths). Renderers:
:func:`brief_markdown`, :func:`brief_json`, :func:`briefs_docx`; :func:`recommendations_table` is the
bundled ``recommendations.csv``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from textmine import atomic
from textmine.classify.taxonomy import Taxonomy, load_taxonomy
from textmine.insights.priority import COMPONENTS, POLARITIES
from textmine.insights.profile import split_themes
from textmine.insights.quotes import representative_quotes
from textmine.insights.recommendation_templates import (
    Templates,
    default_templates_path,
    load_templates,
)

TABLE_COLUMNS = ["service_no", "kind", "rank", "theme", "n_comments", "share", "impact", "aspect_score", "score",
                 "quote_ids"]
QUOTE_COLUMNS = ["service_no", "kind", "theme", "quote_rank", "id", "text", "region", "lang", "source_file",
                 "source_line"]
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~])")


@dataclass
class Quote:
    """A comment quoted verbatim, with its source."""

    id: str
    text: str
    attribution: str
    region: str | None = None
    lang: str | None = None
    source_line: int | None = None


@dataclass
class BriefItem:
    """One problem or strength: its numbers, the score's working, quotes and the template sentence."""

    kind: str
    rank: int
    theme: str
    theme_name: str
    n_comments: int
    share: float
    prior_share: float
    shrunk_share: float
    few_comments: bool
    impact: float | None
    aspect_score: float | None
    aspect_own: float | None
    aspect_lines: list[int]
    score: float
    points: dict[str, float | None]
    weights: dict[str, float | None]
    missing: list[str]
    sentence: str
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class Brief:
    """A service's draft conclusions and recommendations in one language."""

    service_no: int
    service_name: str | None
    agency: str | None
    lang: str
    n_respondents: int | None
    avg_score: float | None
    satisfaction_pct: float | None
    n_comments: int
    small_n: bool
    problems: list[BriefItem]
    strengths: list[BriefItem]


def _default_templates() -> Templates:
    """The packaged templates, re-read when the file changes (an analyst may edit them while the app runs)."""
    return _templates_at(default_templates_path().stat().st_mtime_ns)


@lru_cache(maxsize=1)
def _templates_at(mtime_ns: int) -> Templates:
    return load_templates()


@lru_cache(maxsize=1)
def _default_taxonomy() -> Taxonomy:
    return load_taxonomy()


def theme_quotes(coded: pd.DataFrame, vectors: np.ndarray, group: object, theme: str, kind: str, k: int = 3,
                 by: str = "service_no") -> pd.DataFrame:
    """The ``k`` representative evidence comments of ``group`` on ``theme`` (complaints and suggestions
    for a problem, praise for a strength); ``vectors`` align with ``coded`` row by row."""
    if len(vectors) != len(coded):
        raise ValueError(f"{len(vectors)} vectors for {len(coded)} comments: they must align row by row")
    mask = (coded[by] == group).fillna(False).astype(bool) & coded["polarity"].isin(POLARITIES[kind])
    mask &= coded["themes"].map(lambda value: theme in split_themes(value))
    positions = np.flatnonzero(mask.to_numpy())
    if not len(positions):
        return pd.DataFrame(columns=["rank", "id", "text"])
    return representative_quotes(coded.iloc[positions].reset_index(drop=True), np.asarray(vectors)[positions],
                                 k=k, theme=theme)


def priority_quotes(priorities: pd.DataFrame, coded: pd.DataFrame, vectors: np.ndarray, k: int = 3,
                    top: int | None = None) -> pd.DataFrame:
    """Quotes for every ranked row of ``priorities`` (or its ``top`` rows per group and kind): one row
    per quote with the group, kind, theme, ``quote_rank``, id, verbatim text and source columns."""
    by = priorities.attrs.get("by") or "service_no"
    rows = priorities if top is None else priorities[priorities["rank"] <= top]
    parts = []
    for group, members in coded.groupby(by, sort=False).indices.items():
        wanted = rows[rows[by] == group]
        if wanted.empty:
            continue
        subset, subvectors = coded.iloc[members].reset_index(drop=True), np.asarray(vectors)[members]
        for row in wanted.itertuples(index=False):
            if row.n_comments == 0:
                continue
            quotes = theme_quotes(subset, subvectors, group, row.theme, row.kind, k=k, by=by)
            if len(quotes):
                parts.append(quotes.rename(columns={"rank": "quote_rank"}).assign(
                    **{by: group}, kind=row.kind, theme=row.theme))
    columns = [by, *QUOTE_COLUMNS[1:]]
    if not parts:
        return pd.DataFrame(columns=columns)
    quotes = pd.concat(parts, ignore_index=True)
    return quotes[[c for c in columns if c in quotes.columns] + [c for c in quotes.columns if c not in columns]]


def recommendations_table(priorities: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per service × ranked theme with exactly :data:`TABLE_COLUMNS`; ``quote_ids`` joins the ids
    of :func:`priority_quotes` in quote order with ``;``."""
    if priorities.attrs.get("by", "service_no") != "service_no" or "service_no" not in priorities.columns:
        raise ValueError("recommendations_table needs priorities computed with by='service_no'")
    keys = ["service_no", "kind", "theme"]
    if len(quotes):
        ordered = quotes.sort_values([*keys, "quote_rank"])
        ids = ordered.groupby(keys, sort=False)["id"].agg(";".join).rename("quote_ids").reset_index()
        ids["service_no"] = ids["service_no"].astype(priorities["service_no"].dtype)
    else:
        ids = pd.DataFrame(columns=[*keys, "quote_ids"])
    table = priorities.merge(ids, on=keys, how="left")
    table["quote_ids"] = table["quote_ids"].fillna("")
    table = table.sort_values(["service_no", "kind", "rank"], ignore_index=True)[TABLE_COLUMNS]
    return table.round({"share": 4, "impact": 4, "aspect_score": 3, "score": 4})


def service_brief(service_no: int, priorities: pd.DataFrame, coded: pd.DataFrame, vectors: np.ndarray | None,
                  services: pd.DataFrame | None = None, aspects: pd.DataFrame | None = None, lang: str = "kk",
                  n_problems: int = 3, n_strengths: int = 2, n_quotes: int = 3, quotes: pd.DataFrame | None = None,
                  templates: Templates | None = None, taxonomy: Taxonomy | None = None) -> Brief:
    """The brief of one service. ``quotes`` (from :func:`priority_quotes`) reuses quotes already picked,
    so the brief and ``recommendations.csv`` cite the same comments; otherwise they are picked here from
    ``vectors`` (aligned with ``coded``; may be None when ``quotes`` is given). A
    comment quoted under one item is not repeated under a later one. ``aspects`` adds the report lines
    the aspect scores come from."""
    templates = templates or _default_templates()
    templates.phrase("title", lang)
    taxonomy = taxonomy or _default_taxonomy()
    rows = priorities[priorities["service_no"] == service_no]
    info = _service_info(service_no, rows, coded, services)
    if quotes is not None and len(quotes):
        quotes = quotes[quotes["service_no"] == service_no]
    if aspects is not None and len(aspects):
        aspects = aspects[aspects["service_no"] == service_no]
    items: dict[str, list[BriefItem]] = {"problem": [], "strength": []}
    used: set[str] = set()
    for kind, limit in (("problem", n_problems), ("strength", n_strengths)):
        chosen = rows[(rows["kind"] == kind) & (rows["rank"] <= limit)].sort_values("rank")
        for _, row in chosen.iterrows():
            picked = _quotes(row, service_no, coded, vectors, quotes, n_quotes, used, lang, templates)
            used |= {quote.id for quote in picked}
            items[kind].append(_item(row, lang, templates, taxonomy, picked,
                                     _aspect_lines(aspects, service_no, row["theme"])))
    return Brief(**info, lang=lang, problems=items["problem"], strengths=items["strength"])


def _service_info(service_no: int, rows: pd.DataFrame, coded: pd.DataFrame,
                  services: pd.DataFrame | None) -> dict:
    own = coded[coded["service_no"] == service_no]
    record = {}
    if services is not None and len(services):
        found = services[services["service_no"] == service_no]
        record = found.iloc[0].to_dict() if len(found) else {}
    if not record and own.empty and rows.empty:
        raise ValueError(f"service {service_no} is in neither the services table nor the comments")
    first = own.iloc[0] if len(own) else {}
    return {
        "service_no": int(service_no),
        "service_name": _value(record.get("service_name")) or _value(first.get("service_name") if len(own) else None),
        "agency": _value(record.get("agency")) or _value(first.get("agency") if len(own) else None),
        "n_respondents": _int(record.get("n")),
        "avg_score": _float(record.get("avg_score")),
        "satisfaction_pct": _float(record.get("satisfaction_pct")),
        "n_comments": int(rows["n_group"].iloc[0]) if len(rows) else len(own),
        "small_n": bool(rows["small_n"].iloc[0]) if len(rows) else True,
    }


def _quotes(row: pd.Series, service_no: int, coded: pd.DataFrame, vectors: np.ndarray | None, picked: pd.DataFrame | None,
            k: int, used: set[str], lang: str, templates: Templates) -> list[Quote]:
    """Up to ``k`` quotes for the row, skipping comments an earlier item of the brief already quotes."""
    if picked is not None and len(picked):
        chosen = picked[(picked["service_no"] == service_no) & (picked["kind"] == row["kind"])
                        & (picked["theme"] == row["theme"])].sort_values("quote_rank")
    elif picked is None and row["n_comments"] > 0:
        if vectors is None:
            raise ValueError("service_brief needs the comment vectors to pick quotes, or quotes= from priority_quotes")
        chosen = theme_quotes(coded, vectors, service_no, row["theme"], row["kind"], k=k + len(used))
    else:
        chosen = pd.DataFrame(columns=["id"])
    chosen = chosen[~chosen["id"].isin(used)].head(k)
    return [Quote(id=str(q["id"]), text=str(q["text"]), attribution=_attribution(q, lang, templates),
                  region=_value(q.get("region")), lang=_value(q.get("lang")), source_line=_int(q.get("source_line")))
            for _, q in chosen.iterrows()]


def _attribution(quote: pd.Series, lang: str, templates: Templates) -> str:
    """Region and source (file, line) in the brief's language."""
    parts = [str(quote["region"])] if _value(quote.get("region")) else []
    line = _int(quote.get("source_line"))
    source = _value(quote.get("source_file"))
    if line is not None:
        parts.append(", ".join(p for p in (Path(source).name if source else None,
                                           templates.phrase("line", lang, line=line)) if p))
    return "; ".join(parts)


def _aspect_lines(aspects: pd.DataFrame | None, service_no: int, theme: str) -> list[int]:
    if aspects is None or aspects.empty or "source_line" not in aspects.columns:
        return []
    rows = aspects[(aspects["service_no"] == service_no) & (aspects["theme"] == theme) & aspects["score"].notna()]
    return sorted({int(line) for line in rows["source_line"].dropna()})


def _item(row: pd.Series, lang: str, templates: Templates, taxonomy: Taxonomy, quotes: list[Quote],
          aspect_lines: list[int]) -> BriefItem:
    theme = row["theme"]
    return BriefItem(
        kind=row["kind"], rank=int(row["rank"]), theme=theme,
        theme_name=getattr(taxonomy.theme(theme).name, lang) if theme in taxonomy.theme_ids else theme,
        n_comments=int(row["n_comments"]), share=float(row["share"]), prior_share=float(row["prior_share"]),
        shrunk_share=float(row["shrunk_share"]), few_comments=bool(row["few_comments"]),
        impact=_float(row["impact"]), aspect_score=_float(row["aspect_score"]),
        aspect_own=_float(row["aspect_own"]), aspect_lines=aspect_lines, score=float(row["score"]),
        points={c: _float(row[f"pts_{c}"]) for c in COMPONENTS},
        weights={c: _float(row[f"w_{c}"]) for c in COMPONENTS},
        missing=[c for c in str(row["missing"]).split(",") if c],
        sentence=templates.sentence(theme, row["kind"], lang), quotes=quotes)


def _value(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or str(value) == "":
        return None
    return str(value)


def _float(value: object) -> float | None:
    return None if _value(value) is None else float(value)


def _int(value: object) -> int | None:
    return None if _value(value) is None else int(value)


def _number(value: float, digits: int = 2, signed: bool = False) -> str:
    """Report style: decimal comma, typographic minus."""
    value = round(value, digits) + 0.0  # no "−0,00"
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return text.replace(".", ",").replace("-", "−")


def _percent(share: float) -> str:
    return f"{round(100 * share)}%"


def item_lines(item: BriefItem, lang: str, templates: Templates) -> list[str]:
    """The numbers of a problem or strength as sentences, in order (plain text)."""
    phrase = templates.phrase
    lines = [phrase(f"evidence_{item.kind}", lang, n=item.n_comments, share=_percent(item.share))
             if item.n_comments else phrase(f"evidence_{item.kind}_none", lang)]
    lines.append(phrase("shrunk_share", lang, prior=_percent(item.prior_share), shrunk=_percent(item.shrunk_share)))
    if item.few_comments and item.n_comments:
        lines.append(phrase("few_comments", lang, n=item.n_comments))
    lines.append(phrase("impact", lang, impact=_number(item.impact, signed=True)) if item.impact is not None
                 else phrase("impact_missing", lang))
    if item.aspect_score is None:
        lines.append(phrase("aspect_missing", lang))
    else:
        values = {"score": _number(item.aspect_score), "own": _number(item.aspect_own)}
        lines.append(phrase("aspect_cited", lang, **values,
                            lines=", ".join(phrase("line", lang, line=n) for n in item.aspect_lines))
                     if item.aspect_lines else phrase("aspect", lang, **values))
    terms = " + ".join(f"{_number(item.weights[c])} × {_number(item.points[c])} ({phrase(f'component_{c}', lang)})"
                       for c in COMPONENTS if item.weights[c] is not None)
    lines.append(phrase("score", lang, score=_number(item.score), terms=terms))
    return lines


def _summary(brief: Brief, templates: Templates) -> str:
    def shown(value: object, text: str) -> str:
        return text if value is not None else "—"
    return templates.phrase(
        "summary", brief.lang, n=shown(brief.n_respondents, str(brief.n_respondents)),
        avg=shown(brief.avg_score, _number(brief.avg_score or 0)),
        satisfaction=shown(brief.satisfaction_pct, _number(brief.satisfaction_pct or 0, 1) + "%"),
        n_comments=brief.n_comments)


def _md(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def brief_markdown(brief: Brief, templates: Templates | None = None) -> str:
    """The brief as Markdown; quotes, names and sentences are escaped so they render verbatim."""
    templates = templates or _default_templates()
    lang, phrase = brief.lang, templates.phrase
    name = f" {_md(brief.service_name)}" if brief.service_name else ""
    lines = [f"# {brief.service_no}.{name}", "", f"*{phrase('title', lang)}*", "", _md(_summary(brief, templates))]
    if brief.small_n:
        lines += ["", f"> {phrase('small_n', lang, n=brief.n_comments)}"]
    for kind, items in (("problem", brief.problems), ("strength", brief.strengths)):
        lines += ["", f"## {phrase(kind + 's', lang)}", ""]
        if not items:
            lines += [phrase(f"no_{kind}s", lang)]
        for item in items:
            lines += [f"### {item.rank}. {_md(item.theme_name)}", ""]
            lines += [f"- {_md(line)}" for line in item_lines(item, lang, templates)]
            label = phrase("recommendation" if kind == "problem" else "strength_note", lang)
            lines += ["", f"**{label}.** {_md(item.sentence)}", ""]
            if item.n_comments:
                lines += [f"*{phrase('quotes', lang)}:*", ""]
            if item.n_comments and not item.quotes:
                lines += [phrase("no_quotes", lang)]
            for quote in item.quotes:
                lines += [f"> «{_md(quote.text)}» — {_md(quote.attribution)} `{quote.id}`", ">"]
            if item.quotes:
                lines.pop()
            lines.append("")
    lines += ["", f"<sub>{phrase('draft_note', lang)}</sub>", ""]
    return "\n".join(lines)


def brief_json(brief: Brief) -> str:
    """The brief as JSON (UTF-8 text, NaN as null)."""
    def clean(value: object) -> object:
        if isinstance(value, float) and math.isnan(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return json.dumps(clean(asdict(brief)), ensure_ascii=False, indent=2)


def _xml(text: object) -> str:
    """Text without the control characters XML (and so DOCX) cannot hold."""
    return _XML_UNSAFE.sub("", str(text))


def briefs_docx(briefs: list[Brief], path: Path | str, templates: Templates | None = None) -> Path:
    """One DOCX with every brief (a page each), written atomically; quotes in «» as block quotes."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt, RGBColor

    templates = templates or _default_templates()
    document = Document()
    document.core_properties.title = _xml(templates.phrase("title", briefs[0].lang)) if briefs else "briefs"
    for number, brief in enumerate(briefs):
        lang, phrase = brief.lang, templates.phrase
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(_xml(f"{brief.service_no}. {brief.service_name or ''}".strip()), level=1)
        document.add_paragraph().add_run(_xml(phrase("title", lang))).italic = True
        document.add_paragraph(_xml(_summary(brief, templates)))
        if brief.small_n:
            document.add_paragraph().add_run(_xml(phrase("small_n", lang, n=brief.n_comments))).bold = True
        for kind, items in (("problem", brief.problems), ("strength", brief.strengths)):
            document.add_heading(_xml(phrase(kind + "s", lang)), level=2)
            if not items:
                document.add_paragraph(_xml(phrase(f"no_{kind}s", lang)))
            for item in items:
                document.add_heading(_xml(f"{item.rank}. {item.theme_name}"), level=3)
                for line in item_lines(item, lang, templates):
                    document.add_paragraph(_xml(line), style="List Bullet")
                paragraph = document.add_paragraph()
                label = phrase("recommendation" if kind == "problem" else "strength_note", lang)
                paragraph.add_run(_xml(f"{label}. ")).bold = True
                paragraph.add_run(_xml(item.sentence))
                for quote in item.quotes:
                    document.add_paragraph(_xml(f"«{quote.text}»"), style="Intense Quote")
                    source = document.add_paragraph().add_run(_xml(f"— {quote.attribution}"))
                    source.font.size, source.font.color.rgb = Pt(9), RGBColor(0x55, 0x55, 0x55)
        note = document.add_paragraph().add_run(_xml(phrase("draft_note", lang)))
        note.font.size, note.italic = Pt(8), True
    path = Path(path)
    with atomic.atomic_path(path) as temporary:
        document.save(str(temporary))
    return path
