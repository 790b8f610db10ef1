"""Read a survey export (CSV/TSV, XLSX, Parquet, JSONL) into rows of text cells, detecting encoding and delimiter.

Nothing here interprets cells: every value becomes a string exactly as stored (empty cells ``""``),
and each row keeps the position a user would look it up by (``RawRow.line``):

- CSV/TSV: the record number as a spreadsheet shows it (header = 1, first data row = 2; a record
  with a quoted line break still counts as one row);
- XLSX: the sheet's row number;
- Parquet: the 1-based row number (the format has no header row);
- JSONL: the line number.

Trailing blank rows (editor and spreadsheet artefacts) are not data rows; blank rows before the
last data row are returned so the caller can reject them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from textmine.ingest.errors import IngestError

DELIMITERS = (",", ";", "\t", "|")
TEXT_FORMATS = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
FORMATS = {**TEXT_FORMATS, ".xlsx": "xlsx", ".parquet": "parquet"}
_SNIFF_ROWS = 50


@dataclass(frozen=True)
class RawRow:
    """One data row: its position, its cells by column name, or why it could not be read."""

    line: int
    cells: dict[str, str]
    problem: str | None = None
    raw: str | None = None


@dataclass(frozen=True)
class RawTable:
    """A file's columns and data rows, plus how it was read."""

    columns: list[str]
    rows: list[RawRow]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def file_format(path: Path) -> str:
    """``csv``, ``xlsx``, ``parquet`` or ``jsonl`` from the file's extension; IngestError otherwise."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        expected = ", ".join(sorted(FORMATS))
        raise IngestError(path, f"unsupported file type '{suffix or '(none)'}': expected one of {expected}")
    return FORMATS[suffix]


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Text of ``data`` and the encoding used: UTF-8 (with or without BOM), UTF-16 with BOM, or cp1251.

    BOMs are decisive; otherwise strict UTF-8 is tried, and cp1251 is accepted only when
    charset-normalizer finds the bytes read as coherent cp1251 text (cp1251 maps almost any byte,
    so a plain decode would accept binary files).
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            if encoding != "utf-8":
                raise IngestError(path, f"starts with a {encoding} byte-order mark but is not valid {encoding}: "
                                        f"{error.reason} at byte {error.start}") from error
    match = charset_normalizer.from_bytes(data, cp_isolation=["cp1251"]).best()
    if match is None:
        raise IngestError(path, "cannot decode the file: it is not UTF-8, UTF-16 with a byte-order mark, "
                                "or cp1251 text; save it as UTF-8")
    return str(match), "cp1251"


def read_raw(path: Path, sheet: str | None = None) -> RawTable:
    """Read ``path`` into a :class:`RawTable`; IngestError for a missing, unreadable or headerless file."""
    kind = file_format(path)
    if sheet is not None and kind != "xlsx":
        raise IngestError(path, f"a sheet name ('{sheet}') only applies to .xlsx files")
    if not path.is_file():
        raise IngestError(path, f"file not found: {path}")
    if kind == "xlsx":
        return _read_xlsx(path, sheet)
    if kind == "parquet":
        return _read_parquet(path)
    text, encoding = decode(path, path.read_bytes())
    if "\x00" in text:
        raise IngestError(path, f"contains NUL characters after decoding as {encoding}: it is not a text table")
    if kind == "jsonl":
        return _read_jsonl(path, text, encoding)
    return _read_csv(path, text, encoding)


def cell_text(value: object) -> str:
    """A cell value as text: empty for missing values, ISO for dates, JSON for nested values."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _is_blank(values: list[str]) -> bool:
    return all(not value.strip() for value in values)


def _header(path: Path, names: list[str]) -> list[str]:
    """Stripped column names; blank ones become ``column_<position>``; duplicates are an IngestError."""
    columns = [name.strip() or f"column_{position}" for position, name in enumerate(names, start=1)]
    seen: dict[str, int] = {}
    duplicates = []
    for position, name in enumerate(columns, start=1):
        if name in seen:
            duplicates.append(f"'{name}' (columns {seen[name]} and {position})")
        seen.setdefault(name, position)
    if duplicates:
        raise IngestError(path, f"duplicate column names: {', '.join(duplicates)}; rename them so each is unique")
    return columns


def _drop_empty_unnamed(columns: list[str], names: list[str], rows: list[RawRow]) -> list[str]:
    """Columns without a header and without any value (e.g. from trailing delimiters) are dropped."""
    keep = []
    for column, name in zip(columns, names):
        if name.strip() or any(row.cells.get(column, "").strip() for row in rows):
            keep.append(column)
        else:
            for row in rows:
                row.cells.pop(column, None)
    return keep


def _table(path: Path, records: list[tuple[int, list[str]]], **how: str | None) -> RawTable:
    """Build a table from ``(line, values)`` records: first non-blank record is the header."""
    records = list(records)
    while records and _is_blank(records[-1][1]):
        records.pop()
    start = next((i for i, (_, values) in enumerate(records) if not _is_blank(values)), None)
    if start is None:
        raise IngestError(path, "the file is empty: no header row")
    names = records[start][1]
    columns = _header(path, names)
    rows = []
    for line, values in records[start + 1:]:
        if len(values) > len(columns) and _is_blank(values[len(columns):]):
            values = values[:len(columns)]
        if values and len(values) != len(columns):
            rows.append(RawRow(line, {}, f"row has {len(values)} fields, the header has {len(columns)}",
                               json.dumps(values, ensure_ascii=False)))
        else:
            rows.append(RawRow(line, dict(zip(columns, values or [""] * len(columns)))))
    return RawTable(_drop_empty_unnamed(columns, names, rows), rows, **how)


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the most leading rows into as many fields as the header.

    Score = rows matching the header's field count x that count, so a consistent multi-column split
    wins, and a one-column file gets the delimiter that splits its free text least. ``csv.Sniffer``
    is not used: it fails on one-column files and is misled by commas inside free-text answers.
    """
    sample = text[:65536]
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            rows = [row for _, row in zip(range(_SNIFF_ROWS), reader) if row]
        except csv.Error:
            continue
        score = sum(len(row) == len(rows[0]) for row in rows) * len(rows[0]) if rows else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path, text: str, encoding: str) -> RawTable:
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for number, values in enumerate(reader, start=1):
            records.append((number, values))
    except csv.Error as error:
        raise IngestError(path, f"malformed CSV ({error}); check the quoting", row=len(records) + 1) from error
    return _table(path, records, encoding=encoding, delimiter=delimiter)


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as error:  # openpyxl raises zip, XML and value errors for non-workbooks
        raise IngestError(path, f"not a readable .xlsx workbook: {error}") from error
    with book:
        names = [str(name) for name in book.sheet_names]
        if sheet is not None and sheet not in names:
            raise IngestError(path, f"no sheet named '{sheet}'; sheets: {', '.join(repr(n) for n in names)}")
        chosen = sheet if sheet is not None else names[0]
        frame = pd.read_excel(book, sheet_name=chosen, header=None, dtype=object, keep_default_na=False)
    records = [(index + 1, [cell_text(value) for value in values])
               for index, values in enumerate(frame.itertuples(index=False, name=None))]
    try:
        return _table(path, records, sheet=chosen)
    except IngestError as error:
        raise IngestError(path, f"sheet '{chosen}': {error.problem}") from error


def _read_parquet(path: Path) -> RawTable:
    try:
        columns = _header(path, list(pq.read_schema(path).names))
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise IngestError(path, f"not a readable Parquet file: {error}") from error
    if not columns:
        raise IngestError(path, "the file is empty: no columns")
    rows = [RawRow(number, {column: cell_text(value) for column, value in zip(columns, values)})
            for number, values in enumerate(zip(*(table.column(i).to_pylist() for i in range(table.num_columns))),
                                            start=1)]
    while rows and _is_blank(list(rows[-1].cells.values())):
        rows.pop()
    return RawTable(columns, rows)


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"duplicate key '{key}'")
        result[key] = value
    return result


def _read_jsonl(path: Path, text: str, encoding: str) -> RawTable:
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise IngestError(path, "the file is empty: no JSON lines")
    columns: dict[str, None] = {}
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            rows.append(RawRow(number, {}))
            continue
        try:
            value = json.loads(line, object_pairs_hook=_unique_keys)
        except _DuplicateKey as error:
            rows.append(RawRow(number, {}, str(error), line))
            continue
        except json.JSONDecodeError as error:
            rows.append(RawRow(number, {}, f"invalid JSON ({error.msg}, column {error.colno})", line))
            continue
        if not isinstance(value, dict):
            rows.append(RawRow(number, {}, f"expected a JSON object, got {type(value).__name__}", line))
            continue
        cells = {key.strip(): cell_text(item) for key, item in value.items()}
        columns.update(dict.fromkeys(cells))
        rows.append(RawRow(number, cells))
    names = list(columns)
    filled = [RawRow(row.line, {name: row.cells.get(name, "") for name in names} if row.problem is None else {},
                     row.problem, row.raw) for row in rows]
    return RawTable(names, filled, encoding=encoding)
