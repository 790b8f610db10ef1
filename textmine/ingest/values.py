"""Parse the typed cells of a survey row (rating, service number, date); problems come back as reasons."""

from __future__ import annotations

import datetime as dt
import re

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T].*)?")
_LARGEST = 2**53  # beyond this floats are not exact and the store's BIGINT may overflow


class ValueProblem(ValueError):
    """A cell that cannot be read; the message is the reject reason."""


def whole_number(raw: str, what: str) -> int | None:
    """``"5"``, ``" 4 "``, ``"5.0"``, ``"5,0"`` -> int; empty -> None; anything else a ValueProblem."""
    value = raw.strip()
    if not value:
        return None
    if not _NUMBER.fullmatch(value):
        raise ValueProblem(f"{what} '{value}' is not a number")
    number = float(value.replace(",", "."))
    if not number.is_integer():
        raise ValueProblem(f"{what} '{value}' is not a whole number")
    if abs(number) > _LARGEST:
        raise ValueProblem(f"{what} '{value}' is too large")
    return int(number)


def is_whole_number(raw: str) -> bool:
    """True when ``raw`` reads as a whole number (``"12"``, ``"12.0"``), however large."""
    value = raw.strip()
    return bool(_NUMBER.fullmatch(value)) and float(value.replace(",", ".")).is_integer()


def rating(raw: str) -> int | None:
    """A 1-5 rating; empty -> None; ``"6"``, ``"5+"``, ``"бес"`` -> ValueProblem naming the value."""
    number = whole_number(raw, "rating")
    if number is not None and not 1 <= number <= 5:
        raise ValueProblem(f"rating '{raw.strip()}' outside 1-5")
    return number


def service_number(raw: str) -> int | None:
    """A positive service number; empty -> None."""
    number = whole_number(raw, "service number")
    if number is not None and number < 1:
        raise ValueProblem(f"service number '{raw.strip()}' is not positive")
    return number


def iso_date(raw: str) -> str | None:
    """``YYYY-MM-DD`` from ISO dates/datetimes or ``DD.MM.YYYY[ time]``; empty -> None."""
    value = raw.strip()
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        pass
    dotted = _DOTTED_DATE.fullmatch(value)
    if dotted:
        day, month, year = (int(part) for part in dotted.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            pass
    raise ValueProblem(f"date '{value}' is not a date (expected YYYY-MM-DD or DD.MM.YYYY)")
