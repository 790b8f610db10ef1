"""Atomic file writes: write to a temporary file beside the target, then rename over it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

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


# Spreadsheet formats get the formula-injection guard; data formats (JSONL, Parquet) keep cells as they are.
_WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    ".csv": lambda frame, path: safe_frame(frame).to_csv(path, index=False, encoding="utf-8"),
    ".tsv": lambda frame, path: safe_frame(frame).to_csv(path, index=False, sep="\t", encoding="utf-8"),
    ".jsonl": lambda frame, path: frame.to_json(path, orient="records", lines=True, force_ascii=False),
    ".parquet": lambda frame, path: frame.to_parquet(path, index=False),
    ".xlsx": lambda frame, path: safe_frame(frame).to_excel(path, index=False, engine="openpyxl"),
}


def write_table(frame: pd.DataFrame, target: Path) -> None:
    """Write ``frame`` atomically in the format named by ``target``'s extension (csv, tsv, jsonl, parquet, xlsx)."""
    suffix = Path(target).suffix.lower()
    if suffix not in _WRITERS:
        raise ValueError(f"cannot write {target}: unknown extension {suffix!r}; use one of {', '.join(_WRITERS)}")
    with atomic_path(Path(target)) as temporary:
        _WRITERS[suffix](frame, temporary)
