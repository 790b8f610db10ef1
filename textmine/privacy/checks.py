"""Validity checks for Kazakh IIN/BIN and payment card numbers, and seeded generators for test sets."""

from __future__ import annotations

import datetime
import random

_WEIGHTS_1 = tuple(range(1, 12))
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}  # IIN 7th digit: century and sex
BIN_TYPES = ("4", "5", "6")  # BIN 5th digit: resident / non-resident legal entity, joint entrepreneurship
BIN_SIGNS = ("0", "1", "2", "3")  # BIN 6th digit: head office, branch, representative office, peasant farm


def check_digit(first11: str) -> int | None:
    """The IIN/BIN control digit of 11 digits (weights 1..11, then 3..11,1,2); ``None`` when none exists."""
    digits = [int(char) for char in first11]
    for weights in (_WEIGHTS_1, _WEIGHTS_2):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def _checksum_ok(number: str) -> bool:
    return len(number) == 12 and number.isdigit() and check_digit(number[:11]) == int(number[11])


def is_iin(number: str) -> bool:
    """A personal IIN: valid check digit, century digit 1-6 and a real birth date."""
    if not _checksum_ok(number) or int(number[6]) not in _CENTURY:
        return False
    try:
        datetime.date(_CENTURY[int(number[6])] + int(number[:2]), int(number[2:4]), int(number[4:6]))
    except ValueError:
        return False
    return True


def is_bin(number: str) -> bool:
    """A business BIN: valid check digit, registration month 01-12, entity type 4-6 and sign 0-3."""
    return (_checksum_ok(number) and 1 <= int(number[2:4]) <= 12
            and number[4] in BIN_TYPES and number[5] in BIN_SIGNS)


def luhn_ok(number: str) -> bool:
    """The Luhn checksum of a digit string."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def _complete(rng: random.Random, first11: str, valid: bool) -> str:
    digit = check_digit(first11)
    if valid:
        return first11 + str(digit)
    return first11 + rng.choice([d for d in "0123456789" if digit is None or int(d) != digit])


def random_iin(rng: random.Random, valid: bool = True) -> str:
    """An IIN with a plausible birth date; ``valid=False`` gives the same shape with a wrong check digit."""
    while True:
        born = datetime.date(1935, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 85))
        century = (born.year // 100 - 18) * 2 + 1 + rng.randrange(2)
        first11 = born.strftime("%y%m%d") + str(century) + f"{rng.randrange(10_000):04d}"
        if check_digit(first11) is not None:
            return _complete(rng, first11, valid)


def random_bin(rng: random.Random, valid: bool = True) -> str:
    """A BIN with a plausible registration month, type and sign (``valid=False``: wrong check digit)."""
    while True:
        first11 = (f"{rng.randrange(95, 125) % 100:02d}{rng.randrange(1, 13):02d}"
                   + rng.choice(BIN_TYPES) + rng.choice(BIN_SIGNS) + f"{rng.randrange(100_000):05d}")
        if check_digit(first11) is not None:
            return _complete(rng, first11, valid)


def random_card(rng: random.Random, valid: bool = True) -> str:
    """A 16-digit Visa/Mastercard-like number; ``valid=False`` breaks its Luhn checksum."""
    body = rng.choice(("4", "51", "53", "55"))
    body += "".join(str(rng.randrange(10)) for _ in range(15 - len(body)))
    last = next(d for d in "0123456789" if luhn_ok(body + d))
    if not valid:
        last = str((int(last) + 1 + rng.randrange(9)) % 10)
    return body + last
