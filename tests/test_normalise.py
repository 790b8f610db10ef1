"""Normaliser: font map, line joins, hyphens, lost spaces, debris; checked on real seed text."""

from __future__ import annotations

from pathlib import Path

import pytest

from textmine.normalise import build_vocabulary, normalisation_changes, normalise_text


@pytest.fixture(scope="module")
def seed_text(seed_report_path: Path) -> str:
    return seed_report_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def vocab(seed_text: str):
    return build_vocabulary([seed_text])


def test_font_map_and_line_join_on_a_real_quote():
    raw = "«Ӛз жұмыстарын жете білмейді, ӛтініш жасау тілін жетік меңгермеген (қазақ тілі)», \n\nАстана;"
    assert normalise_text(raw) == "«Өз жұмыстарын жете білмейді, өтініш жасау тілін жетік меңгермеген (қазақ тілі)», Астана;"


@pytest.mark.parametrize("raw, expected", [
    ("мелиоративтік және жол-\n\nқұрылыс машиналары", "мелиоративтік және жол-құрылыс машиналары"),
    ("қанағаттанушылық 30%-\n\nдан 64,8%-ға дейін", "қанағаттанушылық 30%-дан 64,8%-ға дейін"),
    ("бейресми тамыр-\n\nтаныстарының кӛмегіне", "бейресми тамыр-таныстарының көмегіне"),
    ("«ХҚКО-да кезек көп»", "«ХҚКО-да кезек көп»"),
    ("2018-жылы", "2018-жылы"),
])
def test_real_hyphens_survive(raw: str, expected: str, vocab):
    assert normalise_text(raw, vocab) == expected


def test_line_break_hyphen_is_removed_only_with_corpus_evidence(vocab):
    raw = "Қызмет ішінара автоматтан-\n\nдырылған"
    assert normalise_text(raw, vocab) == "Қызмет ішінара автоматтандырылған"
    assert normalise_text(raw) == "Қызмет ішінара автоматтан-дырылған"  # no vocabulary: keep the hyphen


def test_glued_words_split_conservatively(vocab):
    assert normalise_text("Алматықаласы бойынша", vocab) == "Алматы қаласы бойынша"
    assert normalise_text("ақпарат беруқызметінің сапасы", vocab) == "ақпарат беру қызметінің сапасы"
    # agglutinated forms whose tail is also a word ("мен", "дан") stay whole
    for word in ("ұсынушылармен", "азаматтардан", "төмендеді", "сенімхат"):
        assert normalise_text(word, vocab) == word


def test_lost_spaces_after_punctuation_and_before_numbers():
    assert normalise_text("ұсынылады.Энергетика министрлігінің") == "ұсынылады. Энергетика министрлігінің"
    assert normalise_text("қанағаттану4,74 балл") == "қанағаттану 4,74 балл"
    assert normalise_text("4,57 балл, egov.kz") == "4,57 балл, egov.kz"


def test_page_number_inside_text_is_dropped():
    raw = "шетелдіктің паспортына немесе ӛзге құжатына желімдеп жапсырылатын Қазақстан \n78 \nРеспубликасының толтырылған визасы"
    assert "78" not in normalise_text(raw)


def test_changes_on_the_seed_keep_every_real_hyphen(seed_text: str, vocab):
    changes = normalisation_changes([seed_text], vocab)
    kinds = changes["kind"].value_counts()
    dehyphenated = set(changes.loc[changes["kind"] == "dehyphenate", "after"])
    kept = changes.loc[changes["kind"] == "hyphen_kept", "after"].str.rstrip(".,)").tolist()
    assert dehyphenated == {"автоматтандырылған)"}
    assert {"жол-құрылыс", "тамыр-таныстарының", "веб-порталы", "30%-дан", "сарапшы-аудиторды"} <= set(kept)
    assert kinds["split_glued_word"] >= 10
    splits = dict(changes.loc[changes["kind"] == "split_glued_word", ["before", "after"]].values)
    assert splits["Мемлекеттікқызметшілерді"] == "Мемлекеттік қызметшілерді"
    assert all(" мен" not in after.lower() and " дан" not in after for after in splits.values())
