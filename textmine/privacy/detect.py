"""Find and mask personal data in kk / ru / mixed comments: IIN/BIN, phones, e-mails, cards, self-introduced names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd
import phonenumbers
from phonenumbers import PhoneNumberType

from textmine.privacy.checks import is_bin, is_iin, luhn_ok
from textmine.regions import REGIONS

PLACEHOLDERS = {"iin": "[ИИН]", "bin": "[БИН]", "phone": "[ТЕЛ]", "email": "[EMAIL]", "card": "[КАРТА]",
                "name": "[АТЫ]"}


class PiiSpan(NamedTuple):
    """One piece of personal data: ``text[start:end]`` of ``kind`` (a key of :data:`PLACEHOLDERS`)."""

    start: int
    end: int
    kind: str
    text: str


# Numbers: runs of digit groups joined by a space, a hyphen/dash, a dot or brackets ("8 (7172) 55-12-34"),
# also glued to an ID label ("ИИН880101300123").
_GROUP = re.compile(r"\(?\d+\)?")
# A group glued to a word is dropped ("KZ86125..."), except after an ID label. The pattern starts with a
# character set and boundaries are checked in Python: that lets the regex engine skip ahead, 3x faster.
_RUN = re.compile(r"[+(\d](?:(?<=\+)\s?\(?\d+\)?|(?<=\()\d+\)|\d*)"
                  r"(?:(?:[ \u00a0]?[-–][ \u00a0]?|[ \u00a0]|\.|(?=\()|(?<=\)))(?:\d+|\(\d+\)))*")
_ID_LABEL = re.compile(r"(?i:ИИН|ЖСН|БИН|БСН|IIN|BIN)$")
_NUMBER_SIGN = re.compile(r"(?<!\w)(?:№|N|No)\.?\s*$")
# A short local number counts only right after a phone word: тел / телефон / нөмірім / байланыс нөмірі
# (not "өтініш нөмірі", "нөмірі 1500234").
_PHONE_WORD = re.compile(r"(?i:(?<!\w)(?:тел|телефон\w*|ұялы|сотовый|моб|нөмірім\w*"
                         r"|(?:телефон|байланыс|ұялы)\w*\s+нөмір\w*)\.?)\s*[:\-–—]?\s*$")
_NOT_PHONE_NUMBER = re.compile(r"(?i:(?:өтініш|құжат|тапсырыс|талон|кезек|анықтама|іс|шот|келісімшарт)\w*)\s+\S+\s*$")
_SKIP_PHONE_TYPES = {PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST, PhoneNumberType.PREMIUM_RATE}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?!\w)")

_UP, _LO = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ", "a-zа-яёәғқңөұүһіӛ"
_NAME_TOKEN = rf"(?:[{_UP}][{_LO}]+(?:-[{_UP}]?[{_LO}]+)?|[{_UP}]\.(?:\s?[{_UP}]\.)?)"
_INTRO = (r"менің\s+атым|атым|менің\s+есімім|есімім|аты[\s-]жөнім|менің\s+тегім|тегім"
          r"|меня\s+зовут|зовут\s+меня|мо[её]\s+имя|моя\s+фамилия|фамилия\s+моя|(?P<weak>я\s*[—–-]|я,)")
# Capitalised name tokens (with initials and a patronymic), or after a strong intro one lowercase word
# that ends the clause ("меня зовут айгерим,").
_NAME = re.compile(rf"(?<!\w)(?i:{_INTRO})(?!\w)[\s:,—–-]*(?:(?P<name>{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}}"
                   rf"(?:\s(?:ұлы|қызы|улы|кызы|оглы)(?!\w))?)|(?P<lower>[{_LO}]{{2,}})(?=\s*(?:[,.!;]|$)))")
_WORD = re.compile(r"\S+")
_NOT_NAMES = frozenset(
    {"Мен", "Менің", "Мені", "Біз", "Сіз", "Ол", "Бұл", "Осы", "Бірақ", "Және", "Ал", "Я", "Мы", "Он", "Она",
     "Это", "Но", "И", "А", "Мне", "Меня", "Здравствуйте", "Сәлеметсіз", "Спасибо", "Рахмет", "Житель",
     "Жительница", "Тұрғын", "Тұрғынмын", "Пенсионер", "Пенсионерка", "Зейнеткер", "Зейнеткермін", "Казахстан",
     "Қазақстан", "Республика", "Республикасы"}
    | {spelling for names in REGIONS.values() for spelling in names if " " not in spelling})


def _card_grouping(sizes: Sequence[int]) -> bool:
    if len(sizes) == 1:
        return True
    return list(sizes) == [4, 6, 5] or (all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4)


def _phone_ok(window: str) -> bool:
    try:
        number = phonenumbers.parse(window, "KZ")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) not in _SKIP_PHONE_TYPES


def _kind(window: str, digits: str, sizes: Sequence[int], after_phone_word: bool, after_sign: bool) -> str | None:
    """What a window of digit groups is, or ``None`` when it is no personal number."""
    n, plus = len(digits), window.startswith("+")
    if n == 12 and not plus:
        return "iin" if is_iin(digits) else "bin" if is_bin(digits) else None
    if after_sign:
        return None
    if 13 <= n <= 19 and not plus and "(" not in window and digits[0] in "23456" and _card_grouping(sizes):
        return "card" if luhn_ok(digits) else None
    if (plus and 8 <= n <= 15) or (n == 11 and digits[:2] in ("87", "77")) or (n == 10 and digits[0] == "7"):
        return "phone" if _phone_ok(window) else None
    if 5 <= n <= 7 and after_phone_word:
        return "phone"
    return None


def _number_spans(text: str) -> list[PiiSpan]:
    spans = []
    for run in _RUN.finditer(text):
        if run.end() - run.start() < 5:
            continue
        groups = list(_GROUP.finditer(text, run.start(), run.end()))
        if sum(len(g.group().strip("()")) for g in groups) < 5:
            continue
        before = text[max(0, run.start() - 40):run.start()]
        glued_before = bool(before) and before[-1].isalnum() and not _ID_LABEL.search(before)
        glued_after = run.end() < len(text) and text[run.end()].isalnum()
        lo, hi = int(glued_before), len(groups) - int(glued_after)
        start = run.start() if not glued_before else groups[min(lo, len(groups) - 1)].start()
        phone_word = not glued_before and bool(_PHONE_WORD.search(before)) and not _NOT_PHONE_NUMBER.search(before)
        sign = not glued_before and bool(_NUMBER_SIGN.search(before))
        spans.extend(_windows(text, start, groups, lo, hi, phone_word and hi == len(groups), sign))
    return spans


def _windows(text: str, run_start: int, groups: list[re.Match], lo: int, hi: int, phone_word: bool,
             after_sign: bool) -> list[PiiSpan]:
    """The longest valid window of groups[lo:hi] (leftmost first), then the same on either side of it.

    ``run_start`` is where groups[lo] starts when it is the run's first (a leading "+" included);
    ``phone_word`` and ``after_sign`` apply to windows starting there (and, for phone_word, taking all).
    """
    head = lo
    for length in range(hi - lo, 0, -1):
        for first in range(lo, hi - length + 1):
            last = first + length - 1
            start = run_start if first == head else groups[first].start()
            sizes = [len(g.group().strip("()")) for g in groups[first:last + 1]]
            if not 5 <= sum(sizes) <= 19:
                continue
            window = text[start:groups[last].end()]
            digits = "".join(g.group().strip("()") for g in groups[first:last + 1])
            kind = _kind(window, digits, sizes, phone_word and first == head and last == hi - 1,
                         after_sign and first == head)
            if kind:
                return (_windows(text, run_start, groups, lo, first, False, after_sign)
                        + [PiiSpan(start, groups[last].end(), kind, window)]
                        + _windows(text, groups[last + 1].start() if last + 1 < hi else 0, groups, last + 1, hi,
                                   False, False))
    return []


def _name_spans(text: str) -> list[PiiSpan]:
    spans = []
    for match in _NAME.finditer(text):
        group = "name" if match.group("name") else "lower"
        if group == "lower" and match.group("weak"):
            continue
        words = list(_WORD.finditer(text, match.start(group), match.end(group)))
        kept = []
        for word in words:
            if word.group() in _NOT_NAMES:
                break
            kept.append(word)
        if kept:
            spans.append(PiiSpan(kept[0].start(), kept[-1].end(), "name", text[kept[0].start():kept[-1].end()]))
    return spans


def find_pii(text: str) -> list[PiiSpan]:
    """Personal data in ``text``, as non-overlapping spans in text order."""
    if not isinstance(text, str) or not text:
        return []
    found = [PiiSpan(m.start(), m.end(), "email", m.group()) for m in _EMAIL.finditer(text)] if "@" in text else []
    found += _name_spans(text) + _number_spans(text)
    kept: list[PiiSpan] = []
    for span in found:  # e-mails first: a phone number inside an address stays part of the address
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept)


def mask_pii(text: str) -> str:
    """``text`` with every piece of personal data replaced by its placeholder (``[ИИН]``, ``[ТЕЛ]``, ...)."""
    spans = find_pii(text)
    if not spans:
        return text
    parts, position = [], 0
    for span in spans:
        parts += [text[position:span.start], PLACEHOLDERS[span.kind]]
        position = span.end
    return "".join(parts) + text[position:]


def mask_frame(frame: pd.DataFrame, columns: Sequence[str] = ("text", "raw_text")) -> pd.DataFrame:
    """A copy of ``frame`` with personal data masked in ``columns`` (those present; non-strings kept as they are)."""
    present = [column for column in columns if column in frame.columns]
    if columns and not present:
        raise KeyError(f"mask_frame: none of the columns {list(columns)} is in the frame "
                       f"(it has {list(frame.columns)})")
    masked = frame.copy()
    for column in present:
        masked[column] = [mask_pii(value) if isinstance(value, str) else value for value in frame[column]]
    return masked
