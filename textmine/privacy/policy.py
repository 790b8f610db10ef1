"""Which cells get personal data masked: the one decision behind the store and every table textmine writes.

- In the store, the columns that hold what a respondent wrote (:data:`STORED_TEXT`) are masked at ingest;
  keys (ids, file names) are left as they are. ``--keep-raw`` keeps the originals (:data:`ORIGINALS`:
  ``comments.raw_text``, ``rejects.raw``) unmasked there, and only there.
- A table leaving textmine has every text cell masked (:func:`textmine.atomic.write_table`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from textmine.privacy.detect import mask_frame

STORED_TEXT = ("text", "raw_text", "extra", "reason", "raw")
ORIGINALS = ("raw_text", "raw")


def text_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` that can hold text (object or string dtype)."""
    return list(frame.select_dtypes(include=["object", "string"]).columns)


def without_personal_data(frame: pd.DataFrame, keep_raw: bool = False,
                          columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with IIN/BIN, phones, e-mails, cards and self-introduced names masked (``[ИИН]``,
    ``[ТЕЛ]``...) in ``columns`` (those present; default: every text column). With ``keep_raw`` the
    originals (:data:`ORIGINALS`) stay as they are."""
    chosen = text_columns(frame) if columns is None else [column for column in columns if column in frame.columns]
    return mask_frame(frame, [column for column in chosen if not (keep_raw and column in ORIGINALS)])
