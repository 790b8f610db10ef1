"""spaCy Kazakh (textmine.lang.kk): registration, tokenizer, stop words, lemmatiser on real seed forms."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import spacy

import textmine.lang.kk  # noqa: F401  registers "kk"
from textmine.lang.kk import Kazakh
from textmine.lang.kk.lemmatizer import lemmatize_word

GOLD = Path(__file__).parent / "data" / "kk_lemmas.tsv"


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    pipeline = spacy.blank("kk")
    pipeline.add_pipe("lemmatizer")
    return pipeline


def test_blank_kk_is_kazakh(nlp) -> None:
    assert isinstance(nlp, Kazakh)
    assert nlp.lang == "kk"


@pytest.mark.parametrize("word", ["ХҚКО-да", "2018-жылы", "egov-тан", "ЦОН-ға", "анда-мында"])
def test_hyphenated_suffixes_stay_on_their_stem(nlp, word: str) -> None:
    doc = nlp(f"Мен {word} болдым.")
    assert [t.text for t in doc] == ["Мен", word, "болдым", "."]


@pytest.mark.parametrize(
    ("word", "lemma"), [("ХҚКО-да", "ХҚКО"), ("ЦОН-ға", "ЦОН"), ("egov-тан", "egov"), ("2018-жылы", "2018-жыл")]
)
def test_hyphenated_suffix_is_stripped_from_lemma(nlp, word: str, lemma: str) -> None:
    assert nlp(word)[0].lemma_ == lemma


@pytest.mark.parametrize("form", ["кезек", "кезекте", "кезекке", "кезектің", "кезектер", "кезектерде", "кезегі"])
def test_queue_forms_share_one_lemma(form: str) -> None:
    assert lemmatize_word(form) == "кезек"


def test_stop_words_cover_survey_boilerplate(nlp) -> None:
    doc = nlp("Құжаттарды тапсыру үшін бір ай күту керек болды, өте ұзақ")
    assert {t.text for t in doc if t.is_stop} >= {"үшін", "бір", "керек", "болды", "өте"}
    assert not any(t.is_stop for t in doc if t.text in ("Құжаттарды", "күту", "ұзақ"))


def test_lemmatiser_accuracy_on_hand_labelled_seed_forms() -> None:
    with GOLD.open(encoding="utf-8") as handle:
        gold = list(csv.DictReader(handle, delimiter="\t"))
    assert len(gold) >= 100
    correct = sum(lemmatize_word(row["form"]) == row["lemma"] for row in gold)
    identity = sum(row["form"] == row["lemma"] for row in gold)
    assert correct / len(gold) >= 0.85
    assert correct > identity


def test_lemmatiser_handles_agglutinated_verbs_and_nouns(nlp) -> None:
    doc = nlp("Қызметкерлердің біліктілігі төмен, құжаттарымызды қабылдамады, 2 сағат күттік")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["Қызметкерлердің"] == "қызметкер"
    assert lemmas["құжаттарымызды"] == "құжат"
    assert lemmas["күттік"] == "күту"


def test_final_full_stop_after_a_kazakh_letter_is_its_own_token():
    import spacy

    assert [t.text for t in spacy.blank("kk")("Телефон жоқ.")] == ["Телефон", "жоқ", "."]
