"""Language tagging of comments: ``kk``, ``ru``, ``mixed``, another ISO 639-1 code, or ``unknown``.

Decision, per text:

1. Normalise: ``ӛ`` → ``ө`` (PDF artefact); a Latin ``i``/``I`` touching Cyrillic letters → Kazakh ``і``/``І``.
   Fewer than 3 letters (empty, digits, punctuation) → ``unknown`` with confidence 0.
2. Mostly Latin letters → lingua over a few Latin-script languages (``en``, ``de``, ``fr``, ``es``, ``it``, ``tr``).
   Ukrainian-only letters (``ї є ґ``), or ``і`` as the only non-Russian letter with lingua preferring
   Ukrainian and fewer than two Kazakh words typed without Kazakh letters (``бiрак кезек коп``) → ``uk``.
3. Otherwise every word gives Kazakh evidence, Russian evidence (grammar or loan) or none:
   a Kazakh-specific letter (``әғқңөұүһі``) → kk; a Kazakh word typed without Kazakh letters → kk: the
   hand list :data:`KK_WORDS` (``жаксы``, ``кызмет``, ``жок``; frequent words, some also rare Russian
   forms) or the generated :func:`folded_kazakh_words` (the seed report's lexicon folded to letterless
   form, minus Russian word forms by pymorphy3's dictionary and place names); a Russian function word
   (``что``, ``на``, ``очень``; ``не`` only before a Russian word) → ru (grammar); a Russian word that
   Kazakh speech borrows as it is → *loan*: discourse words of :data:`LOAN_WORDS` (``короче``,
   ``вообще``, ``спасибо``, ``уже``), Russian nouns in their dictionary form (``сервис``, ``официант``,
   ``приложение``, ``очередь``), a Russian infinitive before a Kazakh light verb (``удалить еттім``);
   Kazakh endings (``-лерде``, ``-майды``) → kk; a Russian noun with Kazakh suffixes (``справканы``,
   ``очередьте``, ``приложениеде``, ``сайтка``) → kk; other words of 3+ letters → lingua's kk-vs-ru
   confidence when it reaches :data:`WORD_CONFIDENCE`, its Russian vote only for a Russian word form
   (pymorphy3), so a letterless Kazakh word lingua never saw (``корсетилетин``) is no Russian evidence;
   else a weaker Kazakh ending (``-дым``, ``-ып``; in a word that is no Russian form also ``-ды/-ти``,
   ``-ган``, ``-лар``) → kk. Each distinct word counts once. Place names (``алматы``, ``москва``) and
   :data:`SHARED_WORDS` (``тенге``) are neutral. Abbreviations (``ЦОН``, ``ХҚКО``) count only through a
   suffix glued to them (``ЦОН-ға`` → kk, ``ЦОНа`` → ru); other words are neutral.
4. **Loans**: Russian loans count toward Russian only when the text also has Russian grammar or no
   Kazakh word at all, so ``Сервис жаксы, официант оте сыпайы болды`` and ``Очередьте екі сағат тұрдым``
   are ``kk``. **Mixed rule**: ``mixed`` when the text has Russian grammar and the minority language has at
   least :data:`MIXED_MIN_WORDS` (2) words and at least :data:`MIXED_MIN_SHARE` (20 %) of the words with
   evidence (``Бәрі жақсы, только очередь очень большая``). A single Kazakh word in Russian
   (``Рахмет, всё сделали``) stays ``ru``.
5. Otherwise the language with more evidence words wins; with no word evidence, or a tie, lingua's
   whole-text kk-vs-ru decision does.

Confidence: for kk/ru the mean of the winner's share of evidence words and lingua's whole-text kk-vs-ru
confidence for it; for ``mixed`` ``0.5 + minority share`` (0.7 at the threshold, 1.0 at an even split);
for other languages lingua's confidence.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from lingua import Language, LanguageDetector, LanguageDetectorBuilder
from sklearn.metrics import f1_score, precision_recall_fscore_support

from textmine.lang.kk.lexicon import load_lexicon
from textmine.schema import LANGUAGES

MIXED_MIN_WORDS = 2
MIXED_MIN_SHARE = 0.2
WORD_CONFIDENCE = 0.8
MIN_LETTERS = 3

KK_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
UK_LETTERS = frozenset("їєґЇЄҐ")

# Frequent short Kazakh words as typed without Kazakh letters (folded: ә→а, ғ→г, қ→к, ң→н, ө→о,
# ұ/ү→у, һ→х, і→и), taken from the most frequent words of the 2018 seed report, minus words that
# are also Russian (да, не, он, сот, пара, банк ...), plus everyday words of feedback.
KK_WORDS = frozenset(
    """
    кызмет жане мен туралы беру керек ушин жумыс алу аркылы осы облысы жауап бир немесе толык жеке
    жогары бул турде кагаз бар жок ари болды жалпы емес истеу бас жинау олар деп кажет ал дурыс усыну
    болады ол онын кейин кезде коп алган куни узак жер саны тура барлык баска оте рет сеним бага ишинде
    сондай бирак дейин келди тиркеу талап жерде мумкин маган тегин отиниш жаксы орын берген биз кайта
    тек келеди кандай алушы еки сол гана томен болса аз сатып уй уакыт екен болып алуга руксат киын
    болу деген кужат оз деди екенин берди болган бари менин накты содан отырып алады ешким унеми жыл
    дайын алып сапасы жасау кайда оларды онай береди ен себеби куту шагым сайкес айтты калады кунге еди
    жиберу комек оларга гой егер бирден жерге болуы ягни биздин ауыл маселе жии бизге дейди кол улкен
    ештене тагы бала одан жол уш разы турли бойы жылдам оны калай болар куттик кате салык мундай туру
    адам еш ету ашык кейде енди бардым оздери бару турады екинши алды акша толем келген алайда келеси
    жылы жай оту етеди кезек кутип типти ози осынын мулдем бири мысалы сайын алдым казир кетеди кейбир
    согып кутуге жерден бастап барып орнына тыс бере бурын келип ишки шыгу турдым конил кымбат куттим
    барин кетти бизде мерзим баруга кой халык бос орта карай берип айта баяу тым бизди канша кери кирип
    мын маман откен сапалы неге алмады нашар озим апта сагат алмай жатыр тез артык пен алдын кала сурак
    келдим жаздым жазып мени онда кайтып сурады жалгыз айтып жана тиисти жумысы калган дореки толеу
    солай билу кез калды былай алдык сиз болсак демек менде билип осылай жинап бираз торт жедел анык
    тен биледи сурап мунда бердим барады жаткан тиимди себеп турып тилек болдым турды жакын турган биыл
    кайдан арине менен журдим аудару зан жазу кунде кору бирдей бес сиздер таныс рахмет рахмат жаман
    унады унамады ынгайлы ынгайсыз тусиндирди тусиникти тусиниксиз сыпайы ертен бугин кеше коп
    """.split()
)

# Russian words that are frequent in feedback and are not Kazakh words typed without Kazakh letters.
RU_WORDS = frozenset(
    """
    и в во а но что это все всё был была было были нет есть по к ко за из для как так уже еще ещё только
    когда где там тут здесь мне меня мной нас нам они она он оно мы я вы вас вам их его её ее ему ей при
    от до без под над бы же ли или чтобы потому поэтому очень сказали сказал сказала надо нужно можно
    нельзя хорошо плохо долго быстро спасибо большое пожалуйста который которые которая этот эта эти
    того тем чем чего ничего никто всего всех вообще почему зачем какие какой каждый раз два три час
    часа часов день дня дней месяц месяца сразу опять снова тоже также даже очередь очереди нормально
    просто совсем теперь потом сейчас много мало лучше хотя если чтоб на с со у о об про через после перед
    между около
    """.split()
)

# Russian discourse words that Kazakh speech uses as loans («короче, бәрі жақсы», «уже үш күн»). With the
# Russian nouns in their dictionary form (сервис, официант, очередь, приложение; found by pymorphy3) they
# are *loan* evidence: Russian only when the text also has Russian grammar or no Kazakh word at all.
# They take precedence over RU_WORDS (спасибо, вообще, уже are in both).
LOAN_WORDS = frozenset(
    """
    вообще вообщем короче спасибо уже даже просто конечно кстати типа прям прямо нормально норм ладно
    блин молодец молодцы супер класс ок оказывается вроде сразу опять пожалуйста потом тоже
    """.split()
)

# Words written alike in Kazakh and Russian (realia): no evidence either way.
SHARED_WORDS = frozenset({"тенге", "тг"})

KK_SUFFIXES = frozenset(
    """
    га ге ка ке да де та те дан ден тан тен нан нен нын нин дын дин тын тин ны ни ды ди ты ти мен бен
    пен ға қа ның нің дың дің тың тің дағы дегі тағы тегі
    """.split()
)
RU_SUFFIXES = frozenset("а у е ом ов ах ам ы ой".split())

_FOLD = str.maketrans("әғқңөұүһі", "агкноуухи")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_LATIN_I = re.compile(r"(?<=[а-яёәғқңөұүһ])[iI]|[iI](?=[а-яёәғқңөұүһ])", re.IGNORECASE)
_ABBREVIATION = re.compile(r"^([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]{2,6})(?:-?([a-zа-яёәғқңөұүһі]+))?$")
_CYRILLIC = re.compile(r"[а-яё]")
_KK_NOT_UK = re.compile("[әғқңөұүһӘҒҚҢӨҰҮҺ]")  # Kazakh letters that Ukrainian lacks
# Kazakh endings typed without Kazakh letters. Sure: plural + case and negated verbs; they also mark
# a Russian stem with Kazakh suffixes (учаскелерде) as Kazakh, so they precede lingua. Likely: other
# verb and case endings that Russian shares a little (хотим, молодым), used only when lingua is unsure.
_KK_SURE_ENDING = re.compile(
    r"(?:(?:лар|лер|дар|дер|тар|тер)(?:ды|ди|га|ге|да|де|дан|ден|дын|дин|ымыз|имиз)"
    r"|(?:ма|ме|ба|бе|па|пе)(?:йды|йди|ймын|ймин|ймыз|ймиз)|ынан|инен|ында|инде)$"
)
_KK_LIKELY_ENDING = re.compile(
    r"(?:дым|дим|тым|тим|дык|дик|тык|тик|мын|мин|мыз|миз|ганда|генде|канда|кенде|ыпты|ипти|ып|ип"
    r"|ады|еди|йды|йди|уге|уга|сын|син)$"
)
# Endings that Russian words share often (сети, идти, каштан), read as Kazakh only in a word that is no
# Russian word form: past tense (кешикти; not the -сти of a Russian infinitive), participle (жасаган),
# polite imperative (келиниз), plural (тренажерлар).
_KK_NON_RUSSIAN_ENDING = re.compile(
    r"(?:ды|ди|ты|(?<=[кптшфхцчщ])ти|ган|ген|кан|кен|ныз|низ|лар|лер|дар|дер|тар|тер)$"
)
# Kazakh noun suffixes typed without Kazakh letters, in their order: plural, possessive, case. A Russian
# noun followed by such a tail (сайтка, справканы, очередьте, приложениеде, заказым) is a Kazakh word.
_KK_NOUN_TAIL = re.compile(
    r"(?:лар|лер|дар|дер|тар|тер)?"
    r"(?:ымыз|имиз|мыз|миз|ыныз|иниз|ныз|низ|ым|им|м|ын|ин|н|сы|си|ы|и)?"
    r"(?:нын|нин|дын|дин|тын|тин|ны|ни|ды|ди|ты|ти|н|га|ге|ка|ке|на|не|а|е|нда|нде|да|де|та|те"
    r"|дан|ден|тан|тен|нан|нен|мен|бен|пен|ндагы|ндеги|дагы|деги|тагы|теги)?"
)
_MIN_LOAN_STEM = 3
# Kazakh light verbs (ету, қылу, жасау) that make a verb of a Russian infinitive: «оплатить еттім».
_LIGHT_VERB = re.compile(r"(?:ет|кыл|жаса)")
_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr", "Init"})
_WORD_CACHE_SIZE = 500_000
_LATIN_LANGUAGES = (Language.ENGLISH, Language.GERMAN, Language.FRENCH, Language.SPANISH,
                    Language.ITALIAN, Language.TURKISH)


def normalise(text: str) -> str:
    """Fix the ``ӛ`` font artefact and Latin ``i`` typed for Kazakh ``і`` inside Cyrillic words."""
    text = text.replace("ӛ", "ө").replace("Ӛ", "Ө")
    return _LATIN_I.sub(lambda m: "і" if m.group() == "i" else "І", text)


@lru_cache(maxsize=1)
def _morph():
    """pymorphy3's Russian dictionary (about 5 million word forms): is a word a Russian word form at all?"""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _russian_form(lower: str) -> bool:
    """A Russian word form by pymorphy3's dictionary, as a common word (readings that are only proper names
    or abbreviations, like ``жане`` as a form of «Жана», do not count)."""
    return any(p.is_known and not p.tag.grammemes & _PROPER for p in _morph().parse(lower))


@lru_cache(maxsize=1)
def folded_kazakh_words() -> frozenset[str]:
    """Kazakh words as typed without Kazakh letters, generated: every word of 3+ letters of the shipped
    lexicon (the seed report's words, :mod:`textmine.lang.kk.lexicon`) folded (``көрсетілетін`` →
    ``корсетилетин``), minus folded forms that are also Russian word forms (pymorphy3: ``торт``, ``сон``,
    ``бар``), place names written alike in both languages (``алматы``, ``астана``), the Russian words of
    :data:`RU_WORDS` and :data:`SHARED_WORDS`; :data:`KK_WORDS` covers the frequent ambiguous ones."""
    folded = {word.translate(_FOLD) for word in load_lexicon()}
    return frozenset(
        w for w in folded
        if len(w) >= 3 and w not in RU_WORDS and w not in SHARED_WORDS and not _russian_form(w)
        and not _place_name(w)
    )


def _place_name(lower: str) -> bool:
    """A place name in its dictionary form by pymorphy3 (``алматы``, ``астана``, ``москва``): no evidence."""
    return any(p.is_known and "Geox" in p.tag and p.normal_form == lower for p in _morph().parse(lower))


def _russian_kind(lower: str) -> str:
    """``loan`` for a Russian word that Kazakh speech borrows as it is (a discourse word of
    :data:`LOAN_WORDS`, or a noun in its dictionary form by pymorphy3's best reading), else ``ru``."""
    if lower in LOAN_WORDS:
        return "loan"
    best = _morph().parse(lower)[0]
    return "loan" if best.tag.POS == "NOUN" and best.tag.number == "sing" and best.normal_form == lower else "ru"


def _is_infinitive(lower: str) -> bool:
    """A Russian infinitive by pymorphy3's best reading (``удалить``, ``оплатить``)."""
    return _morph().parse(lower)[0].tag.POS == "INFN"


def _russian_stem_kazakh_tail(lower: str) -> bool:
    """A Russian noun with Kazakh suffixes (``справканы``, ``очередьте``, ``приложениеде``): the word is no
    Russian form, and a split leaves a Russian noun of 3+ letters and a Kazakh noun tail of 2+ letters."""
    morph = _morph()
    if "-" in lower or morph.word_is_known(lower):
        return False
    for cut in range(len(lower) - 2, _MIN_LOAN_STEM - 1, -1):
        stem, tail = lower[:cut], lower[cut:]
        if _KK_NOUN_TAIL.fullmatch(tail) and any(
            p.is_known and p.tag.POS == "NOUN" and p.tag.case == "nomn" and not p.tag.grammemes & _PROPER
            for p in morph.parse(stem)
        ):
            return True
    return False


def _code(language: Language) -> str:
    return language.iso_code_639_1.name.lower()


@dataclass(frozen=True)
class Evidence:
    """Distinct words (case-insensitive) that point to Kazakh, to Russian grammar, and Russian loans."""

    kk: int
    ru: int
    loan: int = 0

    @property
    def russian(self) -> int:
        """Russian evidence words: loans count only with Russian grammar in the text or no Kazakh word."""
        return self.ru + self.loan if self.ru or not self.kk else 0

    @property
    def total(self) -> int:
        return self.kk + self.russian

    @property
    def minority_share(self) -> float:
        return min(self.kk, self.russian) / self.total if self.total else 0.0

    def is_mixed(self) -> bool:
        """The documented mixed rule: minority language ≥ 2 words and ≥ 20 % of evidence words, and the
        Russian side includes Russian grammar (not only loans)."""
        return (self.ru > 0 and min(self.kk, self.russian) >= MIXED_MIN_WORDS
                and self.minority_share >= MIXED_MIN_SHARE)


class LanguageTagger:
    """Tags texts as kk / ru / mixed / other ISO code / unknown; lingua detectors are built lazily."""

    def __init__(self) -> None:
        self._detectors: dict[str, LanguageDetector] = {}
        self._word_cache: dict[str, str | None] = {}

    def _detector(self, name: str) -> LanguageDetector:
        """lingua over ``main`` (kk, ru, en, uk), ``kkru`` (single words) or ``latin`` languages."""
        if name not in self._detectors:
            languages = {
                "main": (Language.KAZAKH, Language.RUSSIAN, Language.ENGLISH, Language.UKRAINIAN),
                "kkru": (Language.KAZAKH, Language.RUSSIAN),
                "latin": _LATIN_LANGUAGES,
            }[name]
            self._detectors[name] = (
                LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
            )
        return self._detectors[name]

    def _confidences(self, name: str, texts: list[str]) -> list[dict[str, float]]:
        """lingua's confidence per language code for each text, best first (parallel over texts)."""
        if not texts:
            return []
        values = self._detector(name).compute_language_confidence_values_in_parallel(texts)
        return [{_code(c.language): c.value for c in row} for row in values]

    @staticmethod
    def _rule_vote(word: str) -> str | None:
        """kk / ru / loan from letters, suffixes and vocabularies; ``""`` when lingua has to decide."""
        abbreviation = _ABBREVIATION.match(word)
        if abbreviation:
            suffix = (abbreviation.group(2) or "").lower()
            if suffix in KK_SUFFIXES or any(c in KK_LETTERS for c in suffix):
                return "kk"
            return "ru" if suffix in RU_SUFFIXES else None
        lower = word.lower()
        if lower.translate(_FOLD) in SHARED_WORDS:
            return None
        if any(c in KK_LETTERS for c in lower):
            return "kk"
        if lower in RU_WORDS or lower in LOAN_WORDS:
            return _russian_kind(lower)
        folded = lower.translate(_FOLD)
        if folded in KK_WORDS or folded in folded_kazakh_words() or (
            len(lower) >= 6 and _KK_SURE_ENDING.search(lower)
        ):
            return "kk"
        if len(lower) < 3 or not _CYRILLIC.search(lower) or _place_name(lower):
            return None
        if _russian_stem_kazakh_tail(lower):
            return "kk"
        return ""

    def _fill_word_cache(self, words: set[str]) -> None:
        """Vote of every word not seen before; words the rules leave open go to lingua in one batch.
        lingua's Russian vote stands only for a Russian word form (pymorphy3's dictionary): a letterless
        Kazakh word it has never seen (``корсетилетин``) is no Russian evidence."""
        new = {w: self._rule_vote(w) for w in words if w not in self._word_cache}
        open_words = [w for w, vote in new.items() if vote == ""]
        for word, conf in zip(open_words, self._confidences("kkru", [w.lower() for w in open_words]), strict=True):
            lang, value = next(iter(conf.items()))
            lower = word.lower()
            if value >= WORD_CONFIDENCE and lang == "kk":
                new[word] = "kk"
            elif _russian_form(lower):
                new[word] = _russian_kind(lower) if value >= WORD_CONFIDENCE else None
            elif len(word) >= 5 and (_KK_LIKELY_ENDING.search(lower) or _KK_NON_RUSSIAN_ENDING.search(lower)):
                new[word] = "kk"
            else:
                new[word] = None
        if len(self._word_cache) > _WORD_CACHE_SIZE:
            self._word_cache.clear()
        self._word_cache.update(new)

    def evidence(self, text: str) -> Evidence:
        """Kazakh, Russian-grammar and Russian-loan evidence words in a text (normalised first)."""
        words = _WORD.findall(normalise(text))
        self._fill_word_cache(set(words))
        votes: dict[str, str | None] = {}
        for word, following in zip(words, words[1:] + [""], strict=True):
            vote = self._word_cache[word]
            if word.lower() == "не" and following and self._word_cache[following] in ("ru", "loan"):
                vote = "ru"  # Russian negation; Kazakh «не» (what) is left neutral
            elif vote == "ru" and following and self._word_cache[following] == "kk" and (
                _LIGHT_VERB.match(following.lower().translate(_FOLD)) and _is_infinitive(word.lower())
            ):
                vote = "loan"  # a Russian infinitive with a Kazakh light verb: «удалить еттім»
            votes.setdefault(word.lower(), vote)
        counted = list(votes.values())
        return Evidence(kk=counted.count("kk"), ru=counted.count("ru"), loan=counted.count("loan"))

    def tag(self, texts: Sequence[str]) -> pd.DataFrame:
        """One row per text, in input order: ``lang`` and ``lang_confidence`` in [0, 1] (3 decimals, so that
        results do not depend on floating-point noise in the detector). Each distinct text is tagged once."""
        index = texts.index if isinstance(texts, pd.Series) else None
        texts_norm = [normalise(t) if isinstance(t, str) else "" for t in texts]
        norm = list(dict.fromkeys(texts_norm))
        script = [_script(t) for t in norm]
        by_script = {s: [i for i, x in enumerate(script) if x == s] for s in ("latin", "cyrillic")}
        whole: dict[int, dict[str, float]] = {}
        for name, s in (("latin", "latin"), ("main", "cyrillic")):
            whole.update(zip(by_script[s], self._confidences(name, [norm[i] for i in by_script[s]]), strict=True))
        self._fill_word_cache({w for i in by_script["cyrillic"] for w in _WORD.findall(norm[i])})
        decided = {t: self._decide(t, s, whole.get(i, {})) for i, (t, s) in enumerate(zip(norm, script, strict=True))}
        frame = pd.DataFrame([decided[t] for t in texts_norm], columns=["lang", "lang_confidence"], index=index)
        return frame.assign(lang_confidence=frame["lang_confidence"].astype(float).round(3))

    def _decide(self, text: str, script: str, confidences: dict[str, float]) -> tuple[str, float]:
        if script == "none":
            return "unknown", 0.0
        lang, confidence = next(iter(confidences.items()))
        if script == "latin" or any(c in UK_LETTERS for c in text) or (
            lang == "uk" and "і" in text.lower() and not _KK_NOT_UK.search(text)
            and _folded_kazakh_count(text) < MIXED_MIN_WORDS
        ):
            return lang, confidence
        ev = self.evidence(text)
        if ev.is_mixed():
            return "mixed", min(1.0, 0.5 + ev.minority_share)
        kk_ru = confidences.get("kk", 0.0) + confidences.get("ru", 0.0)
        restricted = {c: confidences.get(c, 0.0) / kk_ru if kk_ru else 0.5 for c in ("kk", "ru")}
        if ev.kk == ev.russian:
            best = max(restricted, key=restricted.__getitem__)
            return best, restricted[best]
        winner = "kk" if ev.kk > ev.russian else "ru"
        share = max(ev.kk, ev.russian) / ev.total
        return winner, (share + restricted[winner]) / 2


def _folded_kazakh_count(text: str) -> int:
    """Distinct words of a text that are Kazakh words typed without Kazakh letters (``бiрак`` too)."""
    words = {w.lower().translate(_FOLD) for w in _WORD.findall(text)}
    return sum(w in KK_WORDS or w in folded_kazakh_words() for w in words)


def _script(text: str) -> str:
    """``none`` (fewer than 3 letters), ``latin`` (mostly Latin letters) or ``cyrillic``."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < MIN_LETTERS:
        return "none"
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    return "cyrillic" if cyrillic * 2 >= len(letters) else "latin"


_DEFAULT: LanguageTagger | None = None


def tag_languages(texts: Sequence[str]) -> pd.DataFrame:
    """Tag ``texts`` with the shared default :class:`LanguageTagger`."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LanguageTagger()
    return _DEFAULT.tag(texts)


# --- evaluation -------------------------------------------------------------------------------------

TESTSET_COLUMNS = ("text", "lang", "variant", "source")


def read_testset(path: Path) -> pd.DataFrame:
    """Read a labelled test set (``text, lang, variant, source``); raise ``ValueError`` naming bad rows."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in TESTSET_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; expected {list(TESTSET_COLUMNS)}")
    for row, (text, lang) in enumerate(zip(frame["text"], frame["lang"], strict=True), start=2):
        if lang not in LANGUAGES:
            raise ValueError(f"{path}, line {row}: lang {lang!r} is not one of {list(LANGUAGES)}")
        if not text.strip():
            raise ValueError(f"{path}, line {row}: empty text")
    return frame


def _lingua_baseline(languages: Sequence[Language] | None) -> Callable[[list[str]], list[str]]:
    def predict(texts: list[str]) -> list[str]:
        builder = (LanguageDetectorBuilder.from_all_languages() if languages is None
                   else LanguageDetectorBuilder.from_languages(*languages))
        found = builder.build().detect_languages_in_parallel_of(texts)
        return [_code(language) if language else "unknown" for language in found]
    return predict


def _langdetect_baseline(texts: list[str]) -> list[str]:
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0
    found = []
    for text in texts:
        try:
            found.append(detect(text))
        except LangDetectException:
            found.append("unknown")
    return found


def baselines() -> dict[str, Callable[[list[str]], list[str]]]:
    """Predictors compared in :func:`evaluate_language`: this tagger and single-label baselines."""
    methods: dict[str, Callable[[list[str]], list[str]]] = {
        "textmine": lambda texts: list(tag_languages(texts)["lang"]),
        "lingua-kk-ru-en-uk": _lingua_baseline(
            (Language.KAZAKH, Language.RUSSIAN, Language.ENGLISH, Language.UKRAINIAN)),
        "lingua-all": _lingua_baseline(None),
    }
    if importlib.util.find_spec("langdetect") is not None:
        methods["langdetect"] = _langdetect_baseline
    return methods


def evaluate_language(testset: Path, methods: Sequence[str] | None = None) -> pd.DataFrame:
    """Per-class precision/recall/F1/support and per-variant accuracy of each method on ``testset``.

    One row per (method, scope, name): scope ``class`` (a gold language), ``variant`` (a text style)
    or ``overall``. ``methods`` picks among :func:`baselines` (default: all available).
    """
    frame = read_testset(Path(testset))
    texts, gold = list(frame["text"]), frame["lang"].to_numpy()
    available = baselines()
    rows = []
    for method in methods or list(available):
        pred = pd.Series(available[method](texts)).to_numpy()
        classes = sorted(set(gold))
        precision, recall, f1, support = precision_recall_fscore_support(
            gold, pred, labels=classes, zero_division=0)
        for i, name in enumerate(classes):
            rows.append((method, "class", name, precision[i], recall[i], f1[i], int(support[i]), None))
        for name in sorted(set(frame["variant"])):
            mask = (frame["variant"] == name).to_numpy()
            rows.append((method, "variant", name, None, None, None, int(mask.sum()),
                         float(np.mean(pred[mask] == gold[mask]))))
        macro = f1_score(gold, pred, labels=classes, average="macro", zero_division=0)
        rows.append((method, "overall", "all", None, None, macro, len(gold), float(np.mean(pred == gold))))
    return pd.DataFrame(rows, columns=["method", "scope", "name", "precision", "recall", "f1", "support",
                                       "accuracy"])
