"""Folding: the spelling-blind form of a text that lexical features and the codebook lexicon match on.

Real comments are often typed on a Russian keyboard: ``кызмет`` for ``қызмет``, Latin ``i`` for ``і``.
Folding lower-cases and maps every Kazakh-specific letter to its Russian-keyboard stand-in (and ``ё`` to
``е``), one character for one, so a match in the folded text points at the same span of the original.
"""

from __future__ import annotations

_FOLD = str.maketrans({
    **dict(zip("әғқңөӛұүһіi", "агкнооуухии", strict=True)), **dict(zip("ӘҒҚҢӨӚҰҮҺІI", "агкнооуухии", strict=True)), "ё": "е", "Ё": "е",
})


def fold_text(text: str) -> str:
    """Lower-case ``text`` and fold Kazakh letters, Latin ``i`` and ``ё`` (same length as ``text``)."""
    folded = text.translate(_FOLD).lower()
    if len(folded) != len(text):  # a character whose lower case is longer (e.g. Turkish İ): fold one by one
        folded = "".join(char.translate(_FOLD).lower()[:1] or char for char in text)
    return folded
