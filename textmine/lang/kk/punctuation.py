"""Kazakh tokenizer infixes: spaCy's defaults without the letter-hyphen-letter split.

Kazakh writes case suffixes after a hyphen on abbreviations, numbers and Latin names (``ХҚКО-да``,
``2018-жылы``, ``egov-тан``) and hyphenates compounds (``анда-мында``, ``жол-құрылыс``): each is one token.
"""

from __future__ import annotations

from spacy.lang.char_classes import ALPHA, HYPHENS
from spacy.lang.punctuation import TOKENIZER_INFIXES as _DEFAULT_INFIXES

_SPLIT_HYPHEN = r"(?<=[{a}])(?:{h})(?=[{a}])".format(a=ALPHA, h=HYPHENS)

TOKENIZER_INFIXES = [rule for rule in _DEFAULT_INFIXES if rule != _SPLIT_HYPHEN]
