"""Kazakh tokenizer infixes: spaCy's defaults without the letter-hyphen-letter split.

Kazakh writes case suffixes after a hyphen on abbreviations, numbers and Latin names (``ХҚКО-да``,
``2018-жылы``, ``egov-тан``) and hyphenates compounds (``анда-мында``, ``жол-құрылыс``): each is one token.
"""

from __future__ import annotations

from spacy.lang.char_classes import ALPHA, HYPHENS
from spacy.lang.punctuation import TOKENIZER_INFIXES as _DEFAULT_INFIXES
from spacy.lang.punctuation import TOKENIZER_SUFFIXES as _DEFAULT_SUFFIXES

_SPLIT_HYPHEN = rf"(?<=[{ALPHA}])(?:{HYPHENS})(?=[{ALPHA}])"

TOKENIZER_INFIXES = [rule for rule in _DEFAULT_INFIXES if rule != _SPLIT_HYPHEN]

# spaCy's letter classes miss қ, ғ and ұ, so a final "." after them stayed on the word (``жоқ.``).
KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
TOKENIZER_SUFFIXES = [*_DEFAULT_SUFFIXES, rf"(?<=[{ALPHA}{KAZAKH_LETTERS}])\."]
