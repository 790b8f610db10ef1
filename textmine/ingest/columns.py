"""Which column of a survey export holds which field: recognised headers (en/ru/kk) and user mappings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from textmine.ingest.errors import IngestError

# Field -> header spellings. ``service`` holds a number or a name (decided per cell); ``respondent_id``
# is not a COMMENTS column (it stays in ``extra``) but identifies true duplicate rows.
ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "comment", "comments", "feedback", "review", "answer",
             "комментарий", "комментарии", "коммент", "отзыв", "отзывы", "текст", "текст отзыва", "ответ", "мнение",
             "пікір", "пікірлер", "пікір мәтіні", "түсініктеме", "мәтін", "жауап"),
    "service": ("service", "услуга", "госуслуга", "государственная услуга",
                "қызмет", "мемлекеттік қызмет", "мемқызмет"),
    "service_name": ("service name", "наименование услуги", "название услуги", "қызмет атауы", "қызметтің атауы"),
    "service_no": ("service no", "service number", "service id", "№ услуги", "номер услуги", "код услуги",
                   "қызмет нөмірі", "қызмет №", "№ қызмет"),
    "agency": ("agency", "ведомство", "госорган", "государственный орган", "мемлекеттік орган"),
    "region": ("region", "oblast", "регион", "область", "облыс", "өңір", "аймақ"),
    "rating": ("rating", "score", "grade", "оценка", "балл", "баллы", "баға", "бағасы", "бағалау"),
    "date": ("date", "дата", "дата опроса", "дата ответа", "күні", "күн", "сауалнама күні"),
    "channel": ("channel", "канал", "канал получения", "способ получения", "арна", "қызмет алу арнасы"),
    "respondent_id": ("id", "respondent", "respondent id", "респондент", "id респондента", "анкета", "№ анкеты",
                      "номер анкеты", "сауалнама", "сауалнама №"),
}
FIELDS = tuple(ALIASES)
EXTRA = "extra"
# Kazakh letters (and the PDF's ӛ, and Latin i typed for і) fold to Russian ones so that headers typed
# without Kazakh letters ("пикир", "кызмет") still match.
_FOLD = str.maketrans("әөӛүұқғіһңёi", "аооуукгихнеи")


def header_key(name: str) -> str:
    """Comparison key of a header: case, spacing, ``_-.:*`` and Kazakh letters folded."""
    folded = name.casefold().translate(_FOLD)
    return " ".join(re.sub(r"[_\-.:*]+", " ", folded).split())


_BY_KEY: dict[str, str] = {header_key(alias): field for field, aliases in ALIASES.items() for alias in aliases}


def _find(path: Path, columns: list[str], name: str) -> str:
    if name in columns:
        return name
    matches = [column for column in columns if header_key(column) == header_key(name)]
    if len(matches) != 1:
        raise IngestError(path, f"column_map names column '{name}', which is not in the file; "
                                f"columns found: {_listing(columns)}")
    return matches[0]


def _listing(columns: list[str]) -> str:
    return ", ".join(f"'{column}'" for column in columns) or "(none)"


def _explicit(path: Path, columns: list[str], column_map: Mapping[str, str], text_column: str | None) -> dict[str, str]:
    """File column -> field from the caller, checked against the file and the field list."""
    mapping = dict(column_map)
    if text_column is not None:
        others = [source for source, target in mapping.items() if target == "text" and source != text_column]
        if others:
            raise IngestError(path, f"text_column='{text_column}' and column_map {{'{others[0]}': 'text'}} "
                                    "name different text columns; give one")
        mapping[text_column] = "text"
    result: dict[str, str] = {}
    for source, target in mapping.items():
        if target not in (*FIELDS, EXTRA):
            raise IngestError(path, f"column_map maps '{source}' to unknown field '{target}'; "
                                    f"fields: {', '.join((*FIELDS, EXTRA))}")
        result[_find(path, columns, source)] = target
    for field in FIELDS:
        sources = [source for source, target in result.items() if target == field]
        if len(sources) > 1:
            raise IngestError(path, f"column_map maps several columns to '{field}': {_listing(sources)}")
    return result


def resolve_columns(
    path: Path, columns: list[str], column_map: Mapping[str, str] | None = None, text_column: str | None = None
) -> dict[str, str]:
    """Field -> file column for every field found; explicit mappings win over recognised headers.

    Raises IngestError when no text column is found (listing the columns and how to map one), when
    two headers look like the same field, or when a mapping names a column the file lacks.
    """
    explicit = _explicit(path, columns, column_map or {}, text_column)
    fields = {target: source for source, target in explicit.items() if target != EXTRA}
    guessed: dict[str, list[str]] = {}
    for column in columns:
        field = _BY_KEY.get(header_key(column))
        if column not in explicit and field is not None and field not in fields:
            guessed.setdefault(field, []).append(column)
    for field, sources in guessed.items():
        if len(sources) > 1:
            raise IngestError(path, f"columns {_listing(sources)} all look like the '{field}' column; choose one "
                                    f"with column_map={{'{sources[0]}': '{field}'}}")
        fields[field] = sources[0]
    if "text" not in fields:
        known = ", ".join(ALIASES["text"])
        raise IngestError(path, f"no comment text column; columns found: {_listing(columns)}. Name it with "
                                f"text_column='<column>' or column_map={{'<column>': 'text'}} "
                                f"(headers recognised as text: {known})")
    return fields
