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

Damage is contained to the rows it touches: a row with a NUL character, bytes that are not valid
UTF-8 (or a lone ``\\ud800`` escape), or a cell longer than Excel's 32,767-character limit comes back
with a ``problem`` instead of cells, and the rest of the file is read. Whole files are refused
(IngestError) only when they cannot be a table: binary or BOM-less UTF-16 data, a workbook that
expands to more than :data:`XLSX_MAX_BYTES` or by more than :data:`XLSX_MAX_RATIO` : 1 (a zip bomb).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import charset_normalizer
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from textmine.ingest.errors import IngestError

DELIMITERS = (",", ";", "\t", "|")
TEXT_FORMATS = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
FORMATS = {**TEXT_FORMATS, ".xlsx": "xlsx", ".parquet": "parquet"}
_SNIFF_ROWS = 50
MAX_CELL_CHARS = 32_767  # Excel's own cell limit: a longer cell is a broken export, not an answer
XLSX_MAX_BYTES = 256 * 2**20  # uncompressed size of all workbook parts: ~10M cells, about 1 GB in Python
XLSX_MAX_RATIO = 200  # real workbooks compress 5-50 : 1; zip bombs about 1000 : 1
_RATIO_CHECKED_FROM = 16 * 2**20  # small parts may compress well; they cannot exhaust memory
_MAX_NUL_SHARE = 0.01  # more NUL bytes than this (and than a few): binary or BOM-less UTF-16, not a damaged text
_MAX_STRAY_NULS = 8
_UNREADABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, undecodable bytes (surrogateescape), lone surrogates


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

    BOMs are decisive. Without one, UTF-8 is taken when the bytes are UTF-8 except for a few invalid
    ones (valid multi-byte characters outnumber invalid bytes 10 : 1); the invalid bytes stay in the
    text as surrogates (``surrogateescape``) so that only their rows are rejected. Otherwise cp1251
    is accepted only when charset-normalizer finds the bytes read as coherent cp1251 text (cp1251 maps
    almost any byte, so a plain decode would accept binary files).
    """
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8):].decode("utf-8", "surrogateescape")
        if _mostly_utf8(text):
            return text, "utf-8-sig"
        try:
            data.decode("utf-8-sig")  # not mostly UTF-8, so this raises and names the first bad byte
        except UnicodeDecodeError as error:
            raise IngestError(path, f"starts with a utf-8-sig byte-order mark but is not valid utf-8-sig: "
                                    f"{error.reason} at byte {error.start}") from error
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16", "surrogatepass"), "utf-16"
        except UnicodeDecodeError as error:
            raise IngestError(path, f"starts with a UTF-16 byte-order mark but is not valid UTF-16: "
                                    f"{error.reason} at byte {error.start}") from error
    if data.count(0) > max(_MAX_NUL_SHARE * len(data), _MAX_STRAY_NULS):
        raise IngestError(path, f"{data.count(0):,} of its {len(data):,} bytes are NUL: it is a binary file or "
                                "UTF-16 without a byte-order mark, not a text table; save it as UTF-8")
    text = data.decode("utf-8", "surrogateescape")
    if _mostly_utf8(text):
        return text, "utf-8"
    match = charset_normalizer.from_bytes(data, cp_isolation=["cp1251"]).best()
    if match is None:
        raise IngestError(path, "cannot decode the file: it is not UTF-8, UTF-16 with a byte-order mark, "
                                "or cp1251 text; save it as UTF-8")
    return str(match), "cp1251"


def _mostly_utf8(text: str) -> bool:
    """True when decoded multi-byte characters outnumber undecodable bytes (surrogates) at least 10 : 1."""
    invalid = len(re.findall("[\udc80-\udcff]", text))
    return not invalid or 10 * invalid <= len(re.findall("[^\x00-\x7f\ud800-\udfff]", text))


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
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _is_blank(values: list[str]) -> bool:
    return all(not value.strip() for value in values)


def displayable(text: str) -> str:
    """``text`` with NUL characters, undecodable bytes and lone surrogates replaced by U+FFFD."""
    return _UNREADABLE.sub("\ufffd", text)


def clean_name(name: str) -> str:
    """A column name without invisible format characters (BOMs, zero-width, bidi controls), stripped."""
    return displayable("".join(char for char in name if unicodedata.category(char) != "Cf")).strip()


def _cell_problem(value: str) -> str | None:
    if len(value) > MAX_CELL_CHARS:
        return f"is {len(value):,} characters long, more than a spreadsheet cell holds ({MAX_CELL_CHARS:,})"
    found = _UNREADABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (a corrupt or binary cell)"
    if "\udc80" <= found.group() <= "\udcff":
        return f"contains a byte that is not valid UTF-8 (0x{ord(found.group()) - 0xdc00:02x})"
    return f"contains an invalid Unicode code point (lone surrogate U+{ord(found.group()):04X})"


def checked_row(line: int, cells: dict[str, str]) -> RawRow:
    """The row, or a problem row (cells dropped, content kept as JSON) when a cell cannot be trusted."""
    for column, value in cells.items():
        problem = _cell_problem(value)
        if problem is not None:
            raw = json.dumps(cells, ensure_ascii=False)[:1000]
            return RawRow(line, {}, f"column '{displayable(column)}' {problem}", displayable(raw))
    return RawRow(line, cells)


def _header(path: Path, names: list[str]) -> list[str]:
    """Cleaned column names; blank ones become ``column_<position>``; duplicates are an IngestError."""
    columns = [clean_name(name) or f"column_{position}" for position, name in enumerate(names, start=1)]
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
    filled = {column for row in rows for column, value in row.cells.items() if value.strip()}
    keep = [column for column, name in zip(columns, names, strict=True) if clean_name(name) or column in filled]
    dropped = set(columns) - set(keep)
    for row in rows:
        for column in row.cells.keys() & dropped:
            del row.cells[column]
    return keep


def _table(path: Path, records: list[tuple[int, list[str]]], ragged: bool = False, **how: str | None) -> RawTable:
    """Build a table from ``(line, values)`` records: first non-blank record is the header.

    ``ragged`` (spreadsheets): records hold only the cells up to their last non-empty one; the header
    is widened to the longest record (extra columns get ``column_<position>`` names) and each row
    keeps only its own cells (absent = empty), so a sheet with one far-away cell costs one cell,
    not rows x columns.
    """
    records = list(records)
    while records and _is_blank(records[-1][1]):
        records.pop()
    start = next((i for i, (_, values) in enumerate(records) if not _is_blank(values)), None)
    if start is None:
        raise IngestError(path, "the file is empty: no header row")
    names = records[start][1]
    if ragged:
        names = names + [""] * (max(len(values) for _, values in records[start:]) - len(names))
    columns = _header(path, names)
    rows = []
    for line, values in records[start + 1:]:
        if len(values) > len(columns) and _is_blank(values[len(columns):]):
            values = values[:len(columns)]
        if ragged:
            rows.append(checked_row(line, dict(zip(columns, values, strict=False))))  # short rows: missing cells
        elif values and len(values) != len(columns):
            rows.append(RawRow(line, {}, f"row has {len(values)} fields, the header has {len(columns)}",
                               displayable(json.dumps(values, ensure_ascii=False)[:1000])))
        else:
            rows.append(checked_row(line, dict(zip(columns, values or [""] * len(columns), strict=True))))
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
            rows = [row for row in islice(reader, _SNIFF_ROWS) if row]
        except csv.Error:
            continue
        score = sum(len(row) == len(rows[0]) for row in rows) * len(rows[0]) if rows else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path, text: str, encoding: str) -> RawTable:
    delimiter = sniff_delimiter(text)
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))  # long cells are rejected per row
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = []
    try:
        for number, values in enumerate(reader, start=1):
            records.append((number, values))
    except csv.Error as error:
        raise IngestError(path, f"malformed CSV ({error}); check the quoting", row=len(records) + 1) from error
    return _table(path, records, encoding=encoding, delimiter=delimiter)


def check_workbook_size(path: Path) -> None:
    """IngestError unless the workbook's parts expand to at most XLSX_MAX_BYTES, none by over XLSX_MAX_RATIO : 1.

    Reads only the zip directory, so a zip bomb is refused before anything is decompressed (zipfile
    stops at the declared size, so the declared sizes bound what openpyxl can inflate).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise IngestError(path, f"not a readable .xlsx workbook: {error}") from error
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_CHECKED_FROM and ratio > XLSX_MAX_RATIO:
            raise IngestError(path, f"refused as a zip bomb: part '{part.filename}' expands from "
                                    f"{part.compress_size:,} to {part.file_size:,} bytes ({ratio:,.0f} : 1)")
    total = sum(part.file_size for part in parts)
    if total > XLSX_MAX_BYTES:
        raise IngestError(path, f"refused: the workbook expands to {total / 2**20:,.0f} MiB, more than the "
                                f"{XLSX_MAX_BYTES // 2**20} MiB limit; save the sheet as CSV instead")


def _sheet_value(value: object) -> str:
    # Whole-number floats as integers (4.0 -> "4"), as spreadsheets display them.
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return cell_text(value)


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:
    check_workbook_size(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises zip, XML and value errors for non-workbooks
        raise IngestError(path, f"not a readable .xlsx workbook: {error}") from error
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise IngestError(path, f"no sheet named '{sheet}'; sheets: {', '.join(repr(n) for n in names)}")
        chosen = sheet if sheet is not None else names[0]
        worksheet = book[chosen]
        if not hasattr(worksheet, "reset_dimensions"):
            raise IngestError(path, f"sheet '{chosen}' is a chart, not a table; name a data sheet")
        worksheet.reset_dimensions()  # the stored dimension may claim a million empty rows
        records = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            texts = [_sheet_value(value) for value in values]
            while texts and not texts[-1].strip():
                texts.pop()
            records.append((number, texts))
    except IngestError:
        raise
    except Exception as error:  # malformed sheet XML inside a valid zip
        raise IngestError(path, f"not a readable .xlsx workbook: {error}") from error
    finally:
        book.close()
    try:
        return _table(path, records, ragged=True, sheet=chosen)
    except IngestError as error:
        raise IngestError(path, f"sheet '{chosen}': {error.problem}") from error


def _column_values(path: Path, name: str, column: pa.ChunkedArray) -> list[object]:
    """Python values of a Parquet column; text as bytes (invalid UTF-8 is then rejected per row)."""
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = column.cast(pa.large_binary())
    try:
        return column.to_pylist()
    except (ValueError, OverflowError, pa.ArrowException):  # e.g. timestamps beyond year 9999
        try:
            return column.cast(pa.large_string()).to_pylist()
        except (ValueError, OverflowError, pa.ArrowException) as error:
            raise IngestError(path, f"column '{name}' of type {column.type} cannot be read as text: {error}") from error


def _read_parquet(path: Path) -> RawTable:
    try:
        columns = _header(path, list(pq.read_schema(path).names))
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise IngestError(path, f"not a readable Parquet file: {error}") from error
    if not columns:
        raise IngestError(path, "the file is empty: no columns")
    values = [_column_values(path, name, table.column(i)) for i, name in enumerate(columns)]
    rows = [checked_row(number, {column: cell_text(value) for column, value in zip(columns, row, strict=True)})
            for number, row in enumerate(zip(*values, strict=True), start=1)]
    while rows and rows[-1].problem is None and _is_blank(list(rows[-1].cells.values())):
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
            rows.append(RawRow(number, {}, displayable(str(error)), displayable(line)))
            continue
        except json.JSONDecodeError as error:
            rows.append(RawRow(number, {}, f"invalid JSON ({error.msg}, column {error.colno})", displayable(line)))
            continue
        if not isinstance(value, dict):
            rows.append(RawRow(number, {}, f"expected a JSON object, got {type(value).__name__}", displayable(line)))
            continue
        cells = {clean_name(key): cell_text(item) for key, item in value.items()}
        columns.update(dict.fromkeys(cells))
        rows.append(RawRow(number, cells))
    names = list(columns)
    filled = [checked_row(row.line, {name: row.cells.get(name, "") for name in names}) if row.problem is None
              else row for row in rows]
    return RawTable(names, filled, encoding=encoding)
