"""Annotate a survey export without the store: the same rows, in the same order, plus textmine's columns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from textmine.atomic import write_table
from textmine.ingest.columns import resolve_columns
from textmine.ingest.readers import RawTable, read_raw
from textmine.langid import tag_languages
from textmine.normalise import normalise_text

if TYPE_CHECKING:
    from textmine.embed import Embedder

NOTE_COLUMN = "textmine_note"
ADDED = ["lang", "lang_confidence", "themes", "theme_scores", "theme_uncertain", "theme_evidence", "polarity"]
THEMED = ADDED[2:]


@dataclass
class AnnotationInput:
    """An input file's rows as read: the raw table, its cells as a frame, and each row's text ('' when the
    row is unreadable or has no text); personal data already masked unless the user kept it."""

    raw: RawTable
    original: pd.DataFrame
    texts: list[str]


def read_input(input_file: Path, text_column: str | None = None, keep_raw: bool = False) -> AnnotationInput:
    """Read ``input_file`` and find its text column; mask personal data in that column (what the models see)
    unless ``keep_raw``."""
    from textmine.privacy import without_personal_data

    raw = read_raw(Path(input_file))
    column = resolve_columns(Path(input_file), raw.columns, text_column=text_column)["text"]
    original = pd.DataFrame([row.cells for row in raw.rows], columns=raw.columns)
    if not keep_raw:
        original = without_personal_data(original, columns=[column])
    texts = [str(text) if row.problem is None and isinstance(text, str) else ""
             for row, text in zip(raw.rows, original[column], strict=True)]
    return AnnotationInput(raw, original, texts)


def annotation_columns(texts: list[str], mode: str = "auto", embedder: Embedder | None = None,
                       annotator: object | None = None) -> pd.DataFrame:
    """The columns textmine adds for each text (:data:`ADDED`): themes from the trained heads (or the
    zero-shot mode with ``mode="zero_shot"``); each distinct normalised text embedded and classified once;
    empty texts get no themes. ``embedder``/``annotator`` default to the built model and shipped heads."""
    from textmine.classify.annotator import ThemeAnnotator
    from textmine.embed import default_embedder

    normalised = [normalise_text(text) if text else "" for text in texts]
    out = tag_languages(normalised).reset_index(drop=True)
    present = [i for i, text in enumerate(normalised) if text.strip()]
    distinct = list(dict.fromkeys(normalised[i] for i in present))
    for column in THEMED:
        out[column] = pd.Series([None] * len(texts), dtype=object)
    if distinct:
        embedder = embedder or default_embedder()
        annotator = annotator or ThemeAnnotator(embedder, mode=mode)
        themed = annotator.annotate(distinct, embedder.embed(distinct, show_progress=False))  # type: ignore[attr-defined]
        position = [{text: i for i, text in enumerate(distinct)}[normalised[i]] for i in present]
        for column in THEMED:
            out.loc[present, column] = themed[column].to_numpy()[position]
    return out


def assemble(source: AnnotationInput, added: pd.DataFrame) -> pd.DataFrame:
    """The output table: the input's rows and columns (textmine's own replaced), the added columns
    (empty for unreadable rows) and ``textmine_note`` with the reason a row could not be read."""
    added = added[ADDED].astype(object)
    added = added.where(added.notna(), None)
    added.loc[[row.problem is not None for row in source.raw.rows], ADDED] = None
    result = pd.concat([source.original.drop(columns=[c for c in ADDED if c in source.original.columns]),
                        added.reset_index(drop=True)], axis=1)
    result[NOTE_COLUMN] = [row.problem or "" for row in source.raw.rows]
    return result


def annotate_file(input_file: Path, out: Path, text_column: str | None = None, mode: str = "auto",
                  keep_raw: bool = False, embedder: Embedder | None = None, annotator: object | None = None) -> int:
    """Read ``input_file``, add annotation columns to every row, write ``out`` atomically; return the row count.

    Rows the reader could not parse (a wrong field count, a broken JSON line) are kept, with empty
    annotations and the reason in ``textmine_note``, so the output has exactly the input's rows. Personal
    data in every text cell is masked unless ``keep_raw``.
    """
    source = read_input(input_file, text_column, keep_raw)
    result = assemble(source, annotation_columns(source.texts, mode, embedder, annotator))
    write_table(result, Path(out), mask=not keep_raw)
    return len(result)
