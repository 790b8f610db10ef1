"""Region names from the report and from survey exports resolve to one canonical name."""

import pytest

from textmine.regions import canonical_region


@pytest.mark.parametrize(("raw", "expected"), [
    ("Алматы", "Алматы"),
    ("Алматы облысы", "Алматы облысы"),
    ("Алматинская область", "Алматы облысы"),
    ("ШҚО", "Шығыс Қазақстан облысы"),
    ("ВКО", "Шығыс Қазақстан облысы"),
    ("ШҚО, Семей", "Шығыс Қазақстан облысы"),
    ("Ақтӛбе облысы", "Ақтөбе облысы"),  # the PDF's ӛ for ө
    ("Жамбыл обл", "Жамбыл облысы"),
    ("қарағанды облысы", "Қарағанды облысы"),
    ("БҚО, Орал қ.", "Батыс Қазақстан облысы"),
    ("Атырау облысы (ТС)", "Атырау облысы"),
    ("г. Нур-Султан", "Астана"),
    ("Түркістан облысы", "Түркістан облысы"),
])
def test_known_names_resolve(raw, expected):
    assert canonical_region(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "РФ", "Греция", "Қарағанды, Алматы облыстары"])
def test_foreign_empty_or_several_regions_give_none(raw):
    assert canonical_region(raw) is None
