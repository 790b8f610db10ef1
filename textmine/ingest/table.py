"""Survey-table exports (one row per respondent) -> COMMENTS and REJECTS.

Policies:

- **Every data row is a comment or a reject** (``rows_in == len(comments) + len(rejects)``); a reject
  names every problem of its row, joined by ``"; "``. Blank rows between data rows are rejected as
  ``"empty row"``; trailing blank rows are editor artefacts and not data rows.
- **A row with a bad typed cell is rejected whole**, even when its comment is fine: a rating outside
  1-5 (``"rating '6' outside 1-5"``), a non-number (``"rating '5+' is not a number"``), a bad date or
  service number. Such values mean a shifted column, another scale (0-10) or a mistyped row, so the
  comment's link to its score cannot be trusted; keeping it with a null rating would bias per-rating
  analysis silently. The reject keeps the whole row (as JSON) so it can be fixed and re-ingested.
  An *empty* rating, date or service is fine (null).
- **Identical answers are kept**: survey exports hold many identical short answers ("Бәрі жақсы")
  from different respondents. Only when the file has a respondent-id column is a row that repeats an
  earlier row in every cell (id included) rejected as ``"duplicate of row N"``.
- Comments with no text, or with no letter or digit (``"-"``, ``"..."``), are rejected.
- ``raw_text`` is the cell exactly as read; ``text`` is :func:`textmine.normalise.normalise_text` of it.
- ``region`` is canonical (:func:`textmine.regions.canonical_region`); the raw value is kept in
  ``extra["region_raw"]`` when it differs or is not a known region. A ``service`` cell holding a whole
  number fills ``service_no``, any other text ``service_name``.
- Columns the schema has no place for (respondent id included) are kept per row in the ``extra``
  JSON object and listed once in a warning.
- ``source_line`` is the row a user finds the answer on (see :mod:`textmine.ingest.readers`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pandera.pandas as pa

from textmine import schema
from textmine.ingest import values
from textmine.ingest.columns import resolve_columns
from textmine.ingest.readers import RawRow, RawTable, read_raw
from textmine.normalise import normalise_text
from textmine.regions import canonical_region

log = logging.getLogger(__name__)
RAW_LIMIT = 500
T = TypeVar("T")
# Fields with a COMMENTS column of their own; respondent_id and unmapped columns go to ``extra``.
_SCHEMA_FIELDS = ("text", "service", "service_no", "service_name", "agency", "region", "rating", "date", "channel")


@dataclass(frozen=True)
class TableParse:
    """Comments and rejects of one table, the number of data rows read, and how the file was read."""

    comments: pd.DataFrame
    rejects: pd.DataFrame
    rows_in: int
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    columns: dict[str, str]
    messages: tuple[str, ...]


class _Row:
    """One data row being turned into a comment; collects the reasons it cannot be one."""

    def __init__(self, row: RawRow, fields: dict[str, str]) -> None:
        self.row = row
        self.fields = fields
        self.problems: list[str] = []

    def cell(self, field: str) -> str:
        return self.row.cells.get(self.fields[field], "") if field in self.fields else ""

    def parse(self, parser: Callable[[str], T], field: str) -> T | None:
        try:
            return parser(self.cell(field))
        except values.ValueProblem as problem:
            self.problems.append(str(problem))
            return None

    def text(self) -> str:
        raw = self.cell("text")
        text = normalise_text(raw) if raw.strip() else ""
        if not raw.strip():
            self.problems.append("empty comment")
        elif not text:
            self.problems.append(f"comment '{raw.strip()[:50]}' is empty after normalisation")
        elif not any(char.isalnum() for char in text):
            self.problems.append(f"comment '{raw.strip()[:50]}' has no letters or digits")
        return text

    def service(self) -> tuple[int | None, str | None]:
        number = self.parse(values.service_number, "service_no")
        name = _optional(self.cell("service_name"))
        service = self.cell("service").strip()
        if values.is_whole_number(service):
            from_service = self.parse(values.service_number, "service")
            if None not in (number, from_service) and number != from_service:
                self.problems.append(f"service '{service}' and service number '{number}' disagree")
            number = number if number is not None else from_service
        elif service:
            name = name or service
        return number, name


def _optional(text: str) -> str | None:
    return text.strip() or None


def _raw_json(cells: Mapping[str, str]) -> str | None:
    filled = {column: value for column, value in cells.items() if value.strip()}
    return json.dumps(filled, ensure_ascii=False)[:RAW_LIMIT] if filled else None


def _comment(source_file: str, row: _Row, extras: list[str]) -> dict[str, object]:
    """The COMMENTS record of ``row``; problems are appended to ``row.problems``."""
    text = row.text()
    rating = row.parse(values.rating, "rating")
    date = row.parse(values.iso_date, "date")
    service_no, service_name = row.service()
    raw_region = row.cell("region").strip()
    region = canonical_region(raw_region)
    extra = {column: row.row.cells[column] for column in extras if row.row.cells.get(column, "").strip()}
    if raw_region and raw_region != region:
        extra["region_raw"] = raw_region
    raw_text = row.cell("text")
    return {
        "id": schema.comment_id(source_file, row.row.line, raw_text),
        "text": text,
        "raw_text": raw_text,
        "lang": None,
        "lang_confidence": None,
        "service_no": service_no,
        "service_name": service_name,
        "agency": _optional(row.cell("agency")),
        "region": region,
        "rating": rating,
        "aspect_context": None,
        "date": date,
        "channel": _optional(row.cell("channel")),
        "source_file": source_file,
        "source_line": row.row.line,
        "extra": json.dumps(extra, ensure_ascii=False) if extra else None,
    }


def _frame(records: list[dict[str, object]], table_schema: pa.DataFrameSchema) -> pd.DataFrame:
    if not records:
        return schema.empty(table_schema)
    frame = pd.DataFrame.from_records(records, columns=list(table_schema.columns))
    return schema.validate(frame, table_schema)


def read_table(
    path: Path,
    column_map: Mapping[str, str] | None = None,
    text_column: str | None = None,
    *,
    sheet: str | None = None,
) -> TableParse:
    """Read a CSV/TSV/XLSX/Parquet/JSONL survey export into comments and rejects (policies: module doc).

    ``column_map`` maps the file's column names to fields (``{"Отзыв клиента": "text"}``; fields:
    text, service, service_no, service_name, agency, region, rating, date, channel, respondent_id,
    or ``extra`` to keep a recognised column out of its field) and wins over recognised headers;
    ``text_column`` is shorthand for ``{text_column: "text"}``. ``sheet`` picks an XLSX sheet
    (default: the first). Raises :class:`textmine.ingest.errors.IngestError` for files that cannot be
    read as a table at all.
    """
    path = Path(path)
    return parse_raw(path, read_raw(path, sheet=sheet), column_map, text_column)


def parse_raw(path: Path, raw: RawTable, column_map: Mapping[str, str] | None = None,
              text_column: str | None = None) -> TableParse:
    """Comments and rejects of rows already read from ``path`` (a table, or a ``.qdpx`` project's sources),
    by the policies of the module doc."""
    fields = resolve_columns(path, raw.columns, column_map, text_column)
    extras = [column for column in raw.columns if column not in _placed_columns(fields)]
    comments: list[dict[str, object]] = []
    rejects: list[dict[str, object]] = []
    first_seen: dict[tuple[tuple[str, str], ...], int] = {}
    for raw_row in raw.rows:
        row = _Row(raw_row, fields)
        record = _record(path.name, row, extras, first_seen)
        if record is not None and not row.problems:
            comments.append(record)
        else:
            content = raw_row.raw if raw_row.raw is not None else _raw_json(raw_row.cells)
            rejects.append({"source_file": path.name, "source_line": raw_row.line,
                            "reason": "; ".join(row.problems), "raw": content and content[:RAW_LIMIT]})
    return TableParse(
        comments=_frame(comments, schema.COMMENTS),
        rejects=_frame(rejects, schema.REJECTS),
        rows_in=len(raw.rows),
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        sheet=raw.sheet,
        columns=fields,
        messages=_report(path.name, raw, fields, extras),
    )


def _placed_columns(fields: Mapping[str, str]) -> set[str]:
    """File columns that land in a COMMENTS column of their own (the rest go to ``extra``)."""
    return {column for field, column in fields.items() if field in _SCHEMA_FIELDS}


def _record(
    source_file: str, row: _Row, extras: list[str], first_seen: dict[tuple[tuple[str, str], ...], int]
) -> dict[str, object] | None:
    """The comment record of ``row``, or None when the row is unreadable, empty or a duplicate."""
    raw_row = row.row
    key = tuple(raw_row.cells.items())
    if raw_row.problem is not None:
        row.problems.append(raw_row.problem)
    elif not any(value.strip() for value in raw_row.cells.values()):
        row.problems.append("empty row")
    elif row.cell("respondent_id").strip() and key in first_seen:
        row.problems.append(f"duplicate of row {first_seen[key]} (same respondent id and answers)")
    else:
        first_seen.setdefault(key, raw_row.line)
        return _comment(source_file, row, extras)
    return None


def _report(source_file: str, raw: RawTable, fields: Mapping[str, str], extras: list[str]) -> tuple[str, ...]:
    """Log and return how the file was read, which column became which field, and the extra columns."""
    how = {"encoding": raw.encoding, "delimiter": raw.delimiter and repr(raw.delimiter), "sheet": raw.sheet}
    messages = [f"{source_file}: read " + (", ".join(f"{k} {v}" for k, v in how.items() if v) or "as Parquet"),
                f"{source_file}: columns " + ", ".join(f"'{column}' -> {field}" for field, column in fields.items())]
    for message in messages:
        log.info(message)
    if extras:
        messages.append(f"{source_file}: columns kept in 'extra': " + ", ".join(f"'{c}'" for c in extras))
        log.warning(messages[-1])
    return tuple(messages)
