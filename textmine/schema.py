"""Typed tables passed between pipeline stages.

Every comment, whatever its source (a monitoring report, a survey export), is one row of
``COMMENTS``. Every input row that could not become a comment is one row of ``REJECTS``.
Services parsed from a report are rows of ``SERVICES``. Stages validate what they emit with
:func:`validate` so a bad table fails loudly at the stage that made it.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pandera.pandas as pa

LANGUAGES = ("kk", "ru", "mixed", "en", "uk", "unknown")

COMMENTS = pa.DataFrameSchema(
    {
        "id": pa.Column(str, unique=True, description="stable id: hash of source file name, line and raw text"),
        "text": pa.Column(str, pa.Check.str_length(min_value=1), description="normalised text"),
        "raw_text": pa.Column(str, description="text exactly as found in the source"),
        "lang": pa.Column(str, nullable=True, description="kk | ru | mixed | other ISO 639-1 | unknown"),
        "lang_confidence": pa.Column(float, pa.Check.in_range(0.0, 1.0), nullable=True),
        "service_no": pa.Column("Int64", nullable=True, description="service number in the report (1..60)"),
        "service_name": pa.Column(str, nullable=True),
        "agency": pa.Column(str, nullable=True, description="agency code, e.g. ӘМ, ІІМ"),
        "region": pa.Column(str, nullable=True, description="canonical region name"),
        "rating": pa.Column("Int64", pa.Check.in_range(1, 5), nullable=True, description="respondent's 1-5 score"),
        "aspect_context": pa.Column(str, nullable=True, description="report paragraph the quote illustrates"),
        "date": pa.Column(str, nullable=True, description="ISO date when known"),
        "channel": pa.Column(str, nullable=True, description="how the service was received, when known"),
        "source_file": pa.Column(str),
        "source_line": pa.Column("Int64", nullable=True, description="1-based line (report) or row (table)"),
        "extra": pa.Column(str, nullable=True, description="JSON object of source columns not mapped above"),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

REJECTS = pa.DataFrameSchema(
    {
        "source_file": pa.Column(str),
        "source_line": pa.Column("Int64", nullable=True),
        "reason": pa.Column(str, pa.Check.str_length(min_value=1)),
        "raw": pa.Column(str, nullable=True, description="the offending content, truncated to 500 chars"),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

SERVICES = pa.DataFrameSchema(
    {
        "service_no": pa.Column("Int64", unique=True),
        "service_name": pa.Column(str),
        "agency": pa.Column(str, nullable=True),
        "provider_level": pa.Column(str, nullable=True, description="ОМО (central) or ЖАО (local)"),
        "n": pa.Column("Int64", nullable=True, description="respondents in the sample"),
        **{f"n_{k}": pa.Column("Int64", nullable=True) for k in range(1, 6)},
        **{f"share_{k}": pa.Column(float, nullable=True, description="percent") for k in range(1, 6)},
        "avg_score": pa.Column(float, pa.Check.in_range(1.0, 5.0), nullable=True),
        "satisfaction_pct": pa.Column(float, pa.Check.in_range(0.0, 100.0), nullable=True),
        "prev_avg_score": pa.Column(float, nullable=True),
        "prev_satisfaction_pct": pa.Column(float, nullable=True),
        "rank": pa.Column("Int64", nullable=True, description="place in the report's ranking table"),
        "ranking_name": pa.Column(str, nullable=True, description="the service's name in the ranking table"),
        "ranking_avg_score": pa.Column(float, nullable=True),
        "ranking_satisfaction_pct": pa.Column(float, nullable=True),
        "reconciled": pa.Column(bool, description="section figures agree with the ranking table"),
        "reconcile_note": pa.Column(str, nullable=True),
        "source_line": pa.Column("Int64", nullable=True, description="line of the section heading"),
        "delivery_form": pa.Column(str, pa.Check.isin(["paper", "electronic", "paper_and_electronic"]), nullable=True,
                                   description="the delivery form the section states"),
        "delivery_form_line": pa.Column("Int64", nullable=True, description="line it was read from"),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

COMMENT_THEMES = pa.DataFrameSchema(
    {
        "id": pa.Column(str, unique=True, description="comment id"),
        "themes": pa.Column(str, description="assigned theme ids joined by ';', highest score first"),
        "theme_scores": pa.Column(str, description="JSON object theme id -> score; 0.5 is the decision threshold"),
        "theme_uncertain": pa.Column(bool, description="themes holds a complaint's or suggestion's best theme "
                                                       "under its threshold (no theme cleared it)"),
        "theme_evidence": pa.Column(str, description="JSON object assigned theme -> the words that triggered it"),
        "polarity": pa.Column(str, description="complaint | praise | suggestion | neutral"),
        "theme_mode": pa.Column(str, description="trained | zero_shot"),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

LABEL_FEEDBACK = pa.DataFrameSchema(
    {
        "comment_id": pa.Column(str),
        "theme": pa.Column(str, nullable=True, description="theme accepted or rejected; null for a polarity fix"),
        "decision": pa.Column(str, pa.Check.isin(["accept", "reject", "polarity"])),
        "polarity": pa.Column(str, nullable=True, description="the analyst's polarity, for decision 'polarity'"),
        "at": pa.Column(str, description="ISO timestamp of the decision"),
        "reviewer": pa.Column(str, nullable=True, description="who decided: the reviewer's name, the coder who "
                              "settled a disagreement, or a .qdpx project's coder; null in rows saved before "
                              "store schema version 3"),
    },
    strict=True,
    ordered=True,
    coerce=True,
)


CODER_LABELS = pa.DataFrameSchema(
    {
        "comment_id": pa.Column(str),
        "coder": pa.Column(str, pa.Check.str_length(min_value=1), description="coder's name; 'settled' marks a settled label"),
        "theme": pa.Column(str),
        "present": pa.Column(bool, description="the coder says the theme is present in the comment"),
        "at": pa.Column(str, description="ISO timestamp; a coder's latest label of a comment and theme counts"),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

STOP_WORD_EDITS = pa.DataFrameSchema(
    {
        "word": pa.Column(str, pa.Check.str_length(min_value=1), description="lower-case word or lemma"),
        "lang": pa.Column(str, pa.Check.isin(["kk", "ru"])),
        "stop": pa.Column(bool, description="true: added to the stop words; false: removed from them"),
        "at": pa.Column(str, description="ISO timestamp; the latest edit of a word counts"),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

WAVES = pa.DataFrameSchema(
    {
        "source_file": pa.Column(str, description="the file the wave's comments came from"),
        "wave": pa.Column(str, pa.Check.str_length(min_value=1), description="survey wave, e.g. a year"),
        "synthetic": pa.Column(bool, description="the file's comments are synthetic (made for tests), not real"),
        "at": pa.Column(str, description="ISO timestamp; the latest assignment of a file counts"),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

MEMOS = pa.DataFrameSchema(
    {
        "target_kind": pa.Column(str, pa.Check.isin(["quote", "theme", "service"]), description="what the memo is on"),
        "target_id": pa.Column(str, description="comment id, theme id or service number"),
        "author": pa.Column(str),
        "text": pa.Column(str),
        "at": pa.Column(str, description="ISO timestamp of the last edit"),
    },
    strict=True,
    ordered=True,
    coerce=True,
)


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Return ``frame`` coerced to ``schema``; raise ``pandera.errors.SchemaErrors`` listing every problem."""
    return schema.validate(frame, lazy=True)


def empty(schema: pa.DataFrameSchema) -> pd.DataFrame:
    """An empty, correctly typed table of ``schema``."""
    return schema.coerce_dtype(pd.DataFrame({name: pd.Series(dtype=object) for name in schema.columns}))


def comment_id(source_file: str, source_line: int | None, raw_text: str) -> str:
    """Stable id of a comment: the same file name, position and text always give the same id."""
    key = f"{source_file}\x1f{source_line}\x1f{raw_text}".encode()
    return hashlib.sha1(key).hexdigest()[:16]


ASPECT_CHANNELS = ("state_body", "pso", "online")

ASPECT_SCORES = pa.DataFrameSchema(
    {
        "service_no": pa.Column("Int64", pa.Check.in_range(1, 60), description="service number in the report"),
        "aspect": pa.Column(str, description="canonical aspect id (textmine/ingest/layouts/aspects_2018_kk.yaml)"),
        "aspect_text": pa.Column(str, nullable=True, description="the report's words for the aspect; null for a table"),
        "satisfaction_pct": pa.Column(float, pa.Check.in_range(0.0, 100.0), nullable=True,
                                      description="percent of respondents fully satisfied with the aspect"),
        "score": pa.Column(float, pa.Check.in_range(1.0, 5.0), nullable=True, description="average 1-5 score"),
        "channel": pa.Column(str, pa.Check.isin(ASPECT_CHANNELS), nullable=True,
                             description="state_body | pso | online when the figure is about one channel"),
        "theme": pa.Column(str, nullable=True, description="taxonomy theme id when the aspect maps to exactly one"),
        "source_line": pa.Column("Int64", description="1-based report line of the figure (or table row)"),
        "source": pa.Column(str, pa.Check.str_matches(r"^(section|table_\d+|section\+table_\d+)$"),
                            description="section | table_75 | section+table_75 (prose row, score from the table)"),
    },
    checks=pa.Check(lambda df: df["satisfaction_pct"].notna() | df["score"].notna(),
                    error="a row needs a percent or a score"),
    unique=["service_no", "aspect", "channel"],
    strict=True,
    ordered=True,
    coerce=True,
)
