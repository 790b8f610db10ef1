"""Annotate a survey export without the store: the same rows, in the same order, plus textmine's columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from textmine.atomic import write_table
from textmine.ingest.columns import resolve_columns
from textmine.ingest.readers import read_raw
from textmine.langid import tag_languages
from textmine.normalise import normalise_text

NOTE_COLUMN = "textmine_note"


def annotation_columns(texts: list[str], mode: str = "auto") -> pd.DataFrame:
    """The columns textmine adds for each text: ``lang``, ``lang_confidence``, ``themes``, ``theme_scores``,
    ``polarity`` (themes from the trained heads, or the zero-shot mode with ``mode="zero_shot"``)."""
    from textmine.classify.annotator import ThemeAnnotator
    from textmine.embed import default_embedder

    normalised = [normalise_text(text) for text in texts]
    languages = tag_languages(normalised).reset_index(drop=True)
    present = [i for i, text in enumerate(normalised) if text.strip()]
    embedder = default_embedder()
    themed = ThemeAnnotator(embedder.model_id, mode=mode).annotate(
        [normalised[i] for i in present], embedder.embed([normalised[i] for i in present]))
    themes = pd.DataFrame(index=range(len(texts)), columns=["themes", "theme_scores", "polarity"], dtype=object)
    themes.loc[present, ["themes", "theme_scores", "polarity"]] = themed[["themes", "theme_scores", "polarity"]].to_numpy()
    return pd.concat([languages, themes], axis=1)


def annotate_file(input_file: Path, out: Path, text_column: str | None = None, mode: str = "auto") -> int:
    """Read ``input_file``, add annotation columns to every row, write ``out`` atomically; return the row count.

    Rows the reader could not parse (a wrong field count, a broken JSON line) are kept, with empty
    annotations and the reason in ``textmine_note``, so the output has exactly the input's rows.
    """
    raw = read_raw(Path(input_file))
    fields = resolve_columns(Path(input_file), raw.columns, text_column=text_column)
    original = pd.DataFrame([row.cells for row in raw.rows], columns=raw.columns)
    readable = [row.problem is None for row in raw.rows]
    texts = [row.cells.get(fields["text"], "") if ok else "" for row, ok in zip(raw.rows, readable)]
    added = annotation_columns(texts, mode)
    added.loc[[not ok for ok in readable], list(added.columns)] = None
    clashes = [column for column in added.columns if column in original.columns]
    result = pd.concat([original.drop(columns=clashes), added], axis=1)
    result[NOTE_COLUMN] = [row.problem or "" for row in raw.rows]
    write_table(result, Path(out))
    return len(result)
