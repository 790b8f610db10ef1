"""Atomic file writes: write to a temporary file beside the target, then rename over it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from textmine.spreadsheet import safe_frame


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``target`` in one rename, on error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; give the file the permissions open() would
    try:
        yield Path(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """One sheet with a frozen header row, landscape printing and column widths fitted to the content (at most 60)."""
    from openpyxl.utils import get_column_letter

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="comments")
        sheet = writer.sheets["comments"]
        sheet.freeze_panes = "A2"
        sheet.page_setup.orientation = "landscape"
        for number, column in enumerate(frame.columns, start=1):
            longest = max([len(str(column)), *(len(str(v)) for v in frame[column].head(500))])
            sheet.column_dimensions[get_column_letter(number)].width = min(60, longest + 2)


# Spreadsheet formats get the formula-injection guard; data formats (JSONL, Parquet) keep cells as they are.
_WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    ".csv": lambda frame, path: safe_frame(frame).to_csv(path, index=False, encoding="utf-8"),
    ".tsv": lambda frame, path: safe_frame(frame).to_csv(path, index=False, sep="\t", encoding="utf-8"),
    ".jsonl": lambda frame, path: frame.to_json(path, orient="records", lines=True, force_ascii=False),
    ".parquet": lambda frame, path: frame.to_parquet(path, index=False),
    ".xlsx": lambda frame, path: _write_xlsx(safe_frame(frame), path),
}


def write_table(frame: pd.DataFrame, target: Path | str, mask: bool = True) -> Path:
    """Write ``frame`` atomically in the format named by ``target``'s extension (csv, tsv, jsonl, parquet,
    xlsx) and return ``target``. Every table textmine writes goes through here.

    Personal data is masked in every text cell (:func:`textmine.privacy.without_personal_data`);
    ``mask=False`` only where the user asked for the originals (``--keep-raw``). CSV/TSV/XLSX cells that a
    spreadsheet would run as formulas are neutralised.
    """
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in _WRITERS:
        raise ValueError(f"cannot write {target}: unknown table format {suffix or '(no extension)'!r}; "
                         f"use one of {', '.join(_WRITERS)}")
    if mask:
        from textmine.privacy import without_personal_data

        frame = without_personal_data(frame)
    with atomic_path(target) as temporary:
        _WRITERS[suffix](frame, temporary)
    return target
