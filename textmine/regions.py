"""Canonical regions of Kazakhstan (2018 division) from Kazakh or Russian names, abbreviations and cities."""

from __future__ import annotations

import re

# Canonical Kazakh name -> spellings seen in reports and survey exports (kk, ru, abbreviations, cities).
REGIONS: dict[str, tuple[str, ...]] = {
    "Астана": ("Астана", "Нұр-Сұлтан", "Нур-Султан", "Astana"),
    "Алматы": ("Алматы", "Алматы қ", "Almaty"),
    "Шымкент": ("Шымкент", "Shymkent"),
    "Ақмола облысы": ("Ақмола", "Акмолинская", "Көкшетау", "Кокшетау"),
    "Ақтөбе облысы": ("Ақтөбе", "Актюбинская", "Актобе"),
    "Алматы облысы": ("Алматы облысы", "Алматинская", "Талдықорған", "Талдыкорган"),
    "Атырау облысы": ("Атырау", "Атырауская"),
    "Батыс Қазақстан облысы": ("БҚО", "ЗКО", "Батыс Қазақстан", "Западно-Казахстанская", "Орал", "Уральск"),
    "Жамбыл облысы": ("Жамбыл", "Жамбылская", "Тараз"),
    "Қарағанды облысы": ("Қарағанды", "Карагандинская", "Караганда", "Жезқазған", "Жезказган", "Теміртау"),
    "Қостанай облысы": ("Қостанай", "Костанайская", "Костанай"),
    "Қызылорда облысы": ("Қызылорда", "Кызылординская", "Кызылорда"),
    "Маңғыстау облысы": ("Маңғыстау", "Мангистауская", "Мангыстау", "Ақтау", "Актау"),
    "Павлодар облысы": ("Павлодар", "Павлодарская", "Екібастұз", "Экибастуз"),
    "Солтүстік Қазақстан облысы": ("СҚО", "СКО", "Солтүстік Қазақстан", "Северо-Казахстанская", "Петропавл",
                                   "Петропавловск"),
    "Түркістан облысы": ("Түркістан", "Туркестанская", "ОҚО", "ЮКО", "Оңтүстік Қазақстан", "Южно-Казахстанская"),
    "Шығыс Қазақстан облысы": ("ШҚО", "ВКО", "Шығыс Қазақстан", "Восточно-Казахстанская", "Өскемен",
                               "Усть-Каменогорск", "Семей", "Семипалатинск"),
}

_FOLD = str.maketrans("әөӛүұқғіһңё", "аооуукгихне")
_NOISE = re.compile(
    r"\b(облысы|облыстары|облысының|обл|область|областная|қаласы|қ|г|город|ауданы|район|р-н)\b\.?", re.IGNORECASE
)


def _key(name: str) -> str:
    cleaned = _NOISE.sub(" ", name.lower().replace("ӛ", "ө").replace("-", " "))
    return " ".join(re.findall(r"[a-zа-я]+", cleaned.translate(_FOLD)))


_BY_KEY: dict[str, str] = {}
for _canonical, _aliases in REGIONS.items():
    for _alias in (_canonical, *_aliases):
        _BY_KEY.setdefault(_key(_alias), _canonical)
# "Алматы облысы" must not fold onto the city of Almaty: the region keeps its own key.
_ALMATY_REGION = re.compile(r"алматы\s+(облыс|обл)|алматинск", re.IGNORECASE)


def _canonical_part(text: str) -> str | None:
    if _ALMATY_REGION.search(text):
        return "Алматы облысы"
    return _BY_KEY.get(_key(text))


def canonical_region(name: str | None) -> str | None:
    """Canonical Kazakh region name for ``name`` (e.g. ``ВКО``, ``Семей`` -> ``Шығыс Қазақстан облысы``).

    Returns ``None`` when the name is empty, names several regions, or is not a Kazakh region
    (``РФ``, ``Греция``). ``"БҚО, Орал қ."`` is one region named twice, so it resolves.
    """
    if not name or not name.strip():
        return None
    text = re.sub(r"\([^)]*\)", " ", name.strip().replace("ӛ", "ө").replace("Ӛ", "Ө"))
    parts = {_canonical_part(part) for part in re.split(r"[,/;]", text) if part.strip()}
    if len(parts) == 1 and None not in parts:
        return parts.pop()
    return None
