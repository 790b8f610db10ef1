"""Rule-based Kazakh lemmatiser: strips inflectional suffixes checked against phonotactics and a lexicon.

A Kazakh word form is stem + (plural) + (possessive) + (case), or verb root + tense/negation/person
endings. Every suffix is accepted only after the stem ending it can follow (``кезек+ке`` but not
``кезек+ге``) and in the vowel class of the stem (back ``а ы ұ о``, front ``е і ү ө ә``). Of all analyses,
the one whose lemma the lexicon attests with the most stripped letters wins; when the lexicon attests
none, only "strong" suffixes (two or more letters, unambiguous) are stripped from stems of three or
more letters. Nouns lemmatise to the nominative singular (``кезектің`` → ``кезек``), verbs to the
dictionary form in ``-у`` (``күттік`` → ``күту``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from textmine.lang.kk.lexicon import load_lexicon

VOWELS = frozenset("аәеёиоөуұүыіэюя")
_BACK = frozenset("аоұы")
_FRONT = frozenset("әеөүі")
_VOICING = {"г": "к", "ғ": "қ", "б": "п"}
_TO_FRONT = str.maketrans("аыұоқғ", "еіүөкг")

# Classes of the sound that ends a stem: V vowel, S р/й/у, L л, N м/н/ң, Z ж/з, K voiceless (and б в г д).
V, S, L, N, Z, K = "V", "S", "L", "N", "Z", "K"
_VOICED_ANY = (V, S, L, N, Z)
_CONSONANT = (S, L, N, Z, K)

# Noun suffixes in their back-vowel form: (suffix, classes it may follow, layer). Layers, outermost first:
# 3 case (composite possessive-3 + case forms included), 2 possessive, 1 plural.
_NOUN_SUFFIXES: tuple[tuple[str, tuple[str, ...], int], ...] = (
    # genitive, accusative, dative, locative, ablative, instrumental, attributive locative
    ("ның", (V, N), 3), ("дың", (S, L, Z), 3), ("тың", (K,), 3),
    ("ны", (V,), 3), ("ды", (S, L, N, Z), 3), ("ты", (K,), 3),
    ("ға", _VOICED_ANY, 3), ("қа", (K,), 3),
    ("да", _VOICED_ANY, 3), ("та", (K,), 3),
    ("дан", (V, S, L, Z), 3), ("нан", (N,), 3), ("тан", (K,), 3),
    ("мен", (V, S, L, N), 3), ("бен", (Z,), 3), ("пен", (K,), 3),
    ("дағы", _VOICED_ANY, 3), ("тағы", (K,), 3),
    # possessive 3rd person + case
    ("ын", _CONSONANT, 3), ("сын", (V,), 3), ("ына", _CONSONANT, 3), ("сына", (V,), 3),
    ("ында", _CONSONANT, 3), ("сында", (V,), 3), ("ынан", _CONSONANT, 3), ("сынан", (V,), 3),
    ("ындағы", _CONSONANT, 3), ("сындағы", (V,), 3),
    # possessive 1st/2nd singular + dative
    ("ыма", _CONSONANT, 3), ("ма", (V,), 3), ("ыңа", _CONSONANT, 3), ("ңа", (V,), 3),
    # possessives
    ("ым", _CONSONANT, 2), ("м", (V,), 2), ("ың", _CONSONANT, 2), ("ң", (V,), 2),
    ("ыңыз", _CONSONANT, 2), ("ңыз", (V,), 2), ("ымыз", _CONSONANT, 2), ("мыз", (V,), 2),
    ("ы", _CONSONANT, 2), ("сы", (V,), 2),
    # plural
    ("лар", (V, S), 1), ("дар", (L, N, Z), 1), ("тар", (K,), 1),
)

# Verb endings after the root, back-vowel form, with the classes of root ending they may follow.
_NEG = {("ма",): (V, S, L), ("ба",): (N, Z), ("па",): (K,)}
_VERB_BASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ды", _VOICED_ANY), ("ты", (K,)),
    ("ған", _VOICED_ANY), ("қан", (K,)),
    ("ады", _CONSONANT), ("йды", (V,)),
    ("атын", _CONSONANT), ("йтын", (V,)),
    ("ып", _CONSONANT), ("п", (V,)),
    ("са", _VOICED_ANY + (K,)),
    ("ғандық", _VOICED_ANY), ("қандық", (K,)),
    ("айын", _CONSONANT), ("йын", (V,)),
    ("ыңыз", _CONSONANT), ("ңыз", (V,)),
)
_NEGATED = ("ды", "йды", "йтын", "ған", "ғандық", "й", "са")
_PERSON_AFTER = {
    "ды": ("м", "ң", "қ", "ңыз"),
    "ты": ("м", "ң", "қ", "ңыз"),
    "са": ("м", "ң", "қ", "ңыз"),
    "ады": ("мын", "мыз", "сың", "сыз"),
    "йды": ("мын", "мыз", "сың", "сыз"),
}
# One-letter and ambiguous suffixes: stripped only when the lexicon attests the result.
_WEAK = frozenset(
    "ы і м ң ым ім ың ің ын ін п ып іп са се ма ме ыма іме ңа ңе ыңа іңе ыңыз іңіз ңыз ңіз ды ді ты ті дық дік тық тік".split()
)
_NO_HARMONY = frozenset({"мен", "бен", "пен"})
# Case suffixes that never follow a 3rd-person possessive, which takes composite forms (``-ын``, ``-ында``).
_CASES_NOT_AFTER_POSS3 = frozenset("ны ні ды ді ты ті ға ге қа ке да де та те дан ден тан тен дағы дегі тағы тегі".split())
_POSS3 = frozenset({"ы", "і", "сы", "сі"})
_MIN_NOUN_STEM = 3
_MIN_VERB_ROOT = 2
# Two-letter noun roots (longer stems are required otherwise, so ``тамыз`` is not ``та+мыз``).
_SHORT_ROOTS = frozenset("ой іс үй ел су ат ас ән ай ұл ет ақ ар ау із".split())

# Frequent words whose surface looks inflected but is a lemma (``басқа`` "other", not ``бас+қа``).
EXCEPTIONS: dict[str, str] = {
    "басқа": "басқа", "кейін": "кейін", "қазір": "қазір", "бірге": "бірге", "бірақ": "бірақ",
    "сияқты": "сияқты", "тура": "тура", "жоғары": "жоғары", "төмен": "төмен", "әрі": "әрі",
    "оның": "ол", "оны": "ол", "оған": "ол", "онда": "ол", "одан": "ол", "маған": "мен", "мені": "мен",
    "менің": "мен", "саған": "сен", "бізге": "біз", "біздің": "біз", "оларға": "олар", "олардың": "олар",
    "деп": "деу", "деді": "деу", "дейді": "деу", "деген": "деу", "екен": "екен", "еді": "еді",
    "қазақстан": "қазақстан", "кезде": "кез", "кезінде": "кез", "бойынша": "бойынша", "арқылы": "арқылы", "туралы": "туралы",
}


@dataclass(frozen=True)
class Analysis:
    """One way to read a word: its lemma, the suffixes stripped to reach it, and whether it is a verb."""

    lemma: str
    chain: tuple[str, ...]  # stripped suffixes, outermost first
    verb: bool

    @property
    def stripped(self) -> int:
        """Number of letters stripped."""
        return sum(map(len, self.chain))


def _sound_class(char: str) -> str:
    if char in "рйу":
        return S
    if char in VOWELS:
        return V
    if char == "л":
        return L
    if char in "мнң":
        return N
    if char in "жз":
        return Z
    return K


def _harmony_ok(stem: str, suffix: str) -> bool:
    """True when the suffix's vowel agrees with the stem's last vowel (ambiguous vowels agree with both)."""
    if suffix in _NO_HARMONY:
        return True
    suffix_vowels = [c for c in suffix if c in _BACK or c in _FRONT]
    stem_vowels = [c for c in stem if c in VOWELS]
    if not suffix_vowels or not stem_vowels:
        return bool(stem_vowels)
    last = stem_vowels[-1]
    if last in _BACK:
        return suffix_vowels[0] in _BACK
    if last in _FRONT:
        return suffix_vowels[0] in _FRONT
    return True


def _variants(suffix: str) -> tuple[str, ...]:
    front = suffix.translate(_TO_FRONT)
    return (suffix,) if front == suffix else (suffix, front)


@lru_cache(maxsize=1)
def _noun_table() -> tuple[tuple[str, tuple[str, ...], int], ...]:
    rows = [(form, classes, layer) for back, classes, layer in _NOUN_SUFFIXES for form in _variants(back)]
    return tuple(sorted(set(rows), key=lambda row: -len(row[0])))


@lru_cache(maxsize=1)
def _verb_table() -> tuple[tuple[str, tuple[str, ...]], ...]:
    rows: list[tuple[str, tuple[str, ...]]] = []
    for base, classes in _VERB_BASES:
        endings = [base] + [base[:-2] + p if base in ("ады", "йды") else base + p for p in _PERSON_AFTER.get(base, ())]
        rows += [(ending, classes) for ending in endings]
    for neg, classes in _NEG.items():
        for base in _NEGATED:
            endings = [neg[0] + base] + [neg[0] + base + p for p in _PERSON_AFTER.get(base, ())]
            if base == "йды":
                endings += [neg[0] + "й" + p for p in _PERSON_AFTER["йды"]]
            rows += [(ending, classes) for ending in endings]
    rows = [(form, classes) for ending, classes in rows for form in _variants(ending)]
    return tuple(sorted(set(rows), key=lambda row: -len(row[0])))


def _fits(stem: str, suffix: str, classes: tuple[str, ...], min_stem: int) -> bool:
    return (
        (len(stem) >= min_stem or stem in _SHORT_ROOTS)
        and any(c in VOWELS for c in stem)
        and _sound_class(stem[-1]) in classes
        and _harmony_ok(stem, suffix)
    )


def _unvoice(stem: str, suffix: str) -> list[str]:
    """Stems to try: ``кезег`` before a vowel-initial suffix is ``кезек``."""
    if suffix[0] in VOWELS and stem[-1] in _VOICING:
        return [stem[:-1] + _VOICING[stem[-1]], stem]
    return [stem]


def _noun_analyses(word: str, layer: int = 4, chain: tuple[str, ...] = ()) -> list[Analysis]:
    found = [Analysis(word, chain, False)]
    for suffix, classes, suffix_layer in _noun_table():
        if suffix_layer >= layer or not word.endswith(suffix) or len(word) == len(suffix):
            continue
        if suffix in _POSS3 and chain and chain[-1] in _CASES_NOT_AFTER_POSS3:
            continue
        raw = word[: -len(suffix)]
        if _fits(raw, suffix, classes, _MIN_NOUN_STEM):
            for stem in _unvoice(raw, suffix):
                found += _noun_analyses(stem, suffix_layer, chain + (suffix,))
    return found


def _verb_lemma(root: str) -> str:
    """Dictionary form: ``күт`` → ``күту``, ``тап`` → ``табу``, ``қой`` → ``қою``, ``есті`` → ``есту``."""
    if root[-1] == "й":
        return root[:-1] + "ю"
    if root[-1] in "ыі":
        return root[:-1] + "у"
    return root[:-1] + {"к": "г", "қ": "ғ", "п": "б"}.get(root[-1], root[-1]) + "у"


def _verb_analyses(base: Analysis) -> list[Analysis]:
    found = []
    for suffix, classes in _verb_table():
        word = base.lemma
        if word.endswith(suffix) and len(word) > len(suffix):
            root = word[: -len(suffix)]
            if root[-1] != "у" and _fits(root, suffix, classes, _MIN_VERB_ROOT):
                found.append(Analysis(_verb_lemma(root), base.chain + (suffix,), True))
    return found


def analyses(word: str) -> list[Analysis]:
    """Every phonotactically valid reading of a lower-cased Kazakh word, the bare word included."""
    nouns = _noun_analyses(word)
    return nouns + [verb for noun in nouns for verb in _verb_analyses(noun)]


def _is_strong(analysis: Analysis) -> bool:
    """A guess without lexicon support: its innermost suffix must be unambiguous (``-ы`` after ``-у`` is)."""
    inner = analysis.chain[-1]
    after_verbal_noun = analysis.lemma.endswith("у") and not analysis.verb
    root_length = len(analysis.lemma) - (1 if analysis.verb else 0)
    return (inner not in _WEAK or after_verbal_noun) and root_length >= _MIN_NOUN_STEM


@lru_cache(maxsize=200_000)
def lemmatize_word(word: str, use_lexicon: bool = True) -> str:
    """Lemma of one Kazakh word; ``ӛ`` reads as ``ө``, abbreviations keep their case.

    A hyphenated suffix attaches to its stem: ``ХҚКО-да`` → ``ХҚКО``, ``2018-жылы`` → ``2018-жыл``.
    """
    if "-" in word.strip("-"):
        head, _, tail = word.rpartition("-")
        head = head if head.isupper() else head.lower().replace("ӛ", "ө")
        if tail.lower().replace("ӛ", "ө") in _suffix_chains():
            return head
        return f"{head}-{lemmatize_word(tail, use_lexicon)}"
    if len(word) > 1 and word.isupper():
        return word
    word = word.lower().replace("ӛ", "ө")
    if word in EXCEPTIONS:
        return EXCEPTIONS[word]
    lexicon = load_lexicon() if use_lexicon else {}
    readings = analyses(word)
    known = [a for a in readings if a.lemma in lexicon]
    # Most letters stripped; a verb only when attested (``құжатты`` is not ``құжату``).
    base = max(known, key=lambda a: (a.stripped, a.verb, lexicon[a.lemma]), default=Analysis(word, (), False))
    # Unattested readings may only strip further what the lexicon already explains (``материалдар+ым``).
    guesses = [
        a for a in readings
        if a.stripped > base.stripped and a.chain[: len(base.chain)] == base.chain and _is_strong(a)
    ]
    return max(guesses, key=lambda a: (a.stripped, not a.verb), default=base).lemma


@lru_cache(maxsize=1)
def _suffix_chains() -> frozenset[str]:
    """What a hyphenated tail may be: a case or plural suffix, a 3rd-person possessive, plural + case."""
    cases = {suffix for suffix, _, layer in _noun_table() if layer == 3} | {"ге", "ке", "не"}
    plurals = {suffix for suffix, _, layer in _noun_table() if layer == 1}
    return frozenset(cases | plurals | _POSS3 | {p + c for p in plurals for c in cases})
