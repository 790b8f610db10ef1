"""The codebook lexicon: entry syntax, folding (letterless Kazakh, Latin i), phrases, exclusions, refusals of
bad entries, the shipped lexicon on real seed Kazakh, and its use as evidence."""

from pathlib import Path

import pytest
import yaml

from textmine.classify.folding import fold_text
from textmine.classify.lexicon import Lexicon, LexiconError, parse_entry
from textmine.classify.taxonomy import REQUIRED_THEMES, load_taxonomy

ROOT = Path(__file__).resolve().parents[1]

SMALL = {
    "queues": {"kk": ["кезек*", "талон*"], "ru": ["очеред*", "долго стоя*"], "exclude": ["кезек-кезек"]},
    "corruption": {"kk": ["пара", "сыйақы сұра*"], "ru": ["взятк*"], "exclude": []},
    "portal_failures": {"kk": ["re:\\beg[o0]v\\b"], "ru": ["не работа*"], "exclude": []},
}


@pytest.fixture(scope="module")
def small() -> Lexicon:
    return Lexicon(SMALL)


def test_folding_keeps_length_and_maps_kazakh_letters_latin_i_and_yo():
    text = "ҚЫЗМЕТ көрсету Өте жақсы, iлтипат, Ёлка, ӛте"
    folded = fold_text(text)
    assert len(folded) == len(text)
    assert folded == "кызмет корсету оте жаксы, илтипат, елка, оте"


def test_stems_match_kazakh_suffixes_letterless_spelling_and_russian_inflection(small):
    hits = small.hits("Кезекте 3 сағат тұрдым, кезекке тагы турдык, очередь жуда коп")
    assert set(hits) == {"queues"}
    assert hits["queues"].words == ("Кезекте", "кезекке", "очередь")
    assert small.hits("кезектин басында турдым")["queues"].words == ("кезектин",)


def test_phrases_allow_a_short_gap_in_order_only(small):
    assert "corruption" in small.hits("дәрігер үлкен сыйақы ашық сұрады")
    assert "corruption" not in small.hits("сұрады ма, сыйақы берілді")  # wrong order
    assert "queues" in small.hits("Пришлось очень долго там стоять")
    assert "queues" not in small.hits("Долго ждали ответа, а потом ещё неделю думали, стоит ли")  # gap of 7


def test_exclusions_cancel_only_the_words_they_cover(small):
    assert small.hits("кезек-кезек кирип шыктык") == {}
    assert small.hits("кезек-кезек кирдик, бирак талон алу керек болды")["queues"].words == ("талон",)


def test_exact_words_do_not_match_longer_words(small):
    assert small.hits("пара-пара болып бөлдік") == {}
    assert small.hits("параграф 3") == {}
    assert small.hits("пара сурады")["corruption"].entries == ("пара",)


def test_regex_entries_run_on_the_folded_text(small):
    assert small.hits("Egov сайты не работает")["portal_failures"].words == ("Egov", "не", "работает")


@pytest.mark.parametrize("entry, reason", [
    ("", "empty"),
    ("   ", "empty"),
    ("к*", "shorter than 3 letters"),
    ("ке*к", "not a word or a stem"),
    ("re:", "empty string"),
    ("re:.*", "empty string"),
    ("re:\\w", "ordinary words"),
    ("re:(", "not a valid regular expression"),
    ("бір екі үш төрт бес", "at most 4 words"),
])
def test_bad_entries_are_refused_with_the_reason(entry, reason):
    with pytest.raises(LexiconError, match=reason):
        parse_entry(entry)


def test_a_bad_entry_in_the_taxonomy_yaml_is_refused_naming_theme_and_entry(tmp_path):
    data = yaml.safe_load((ROOT / "textmine/classify/taxonomy.yaml").read_text(encoding="utf-8"))
    queues = next(theme for theme in data["themes"] if theme["id"] == "queues")
    queues.setdefault("lexicon", {}).setdefault("ru", []).append("re:.*")
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=r"(?s)queues.*lexicon.*matches an empty string"):
        load_taxonomy(path)


def test_shipped_lexicon_covers_every_theme_in_both_languages():
    taxonomy = load_taxonomy()
    for theme in taxonomy.themes:
        assert len(theme.lexicon.kk) >= 15 and len(theme.lexicon.ru) >= 15, theme.id
    Lexicon(taxonomy.lexicon_data())  # compiles


@pytest.mark.parametrize("text, theme", [
    # real Kazakh from the seed report, and the same said informally (no Kazakh letters, Russian words)
    ("Кезек көп, далада күттік", "queues"),
    ("цонда очередь коп, 2 сагат турдык", "queues"),
    ("Мерзімді қысқарту керек, 30 күн тым ұзақ", "deadlines"),
    ("справканы бир ай куттим", "deadlines"),
    ("Төлем ақысын қымбат деп санаймын", "costs"),
    ("egov.kz веб-порталы жұмыс істемеген кездер де болды", "portal_failures"),
    ("приложение ашылмайды, ошибка шыгады", "portal_failures"),
    ("ЭЦП ала алмайсың, қате шыға береді", "portal_failures"),
    ("Қажет құжаттардың қате тізімін береді", "staff_competence"),
    ("пәтер алу үшін үлкен сыйақы сұрады", "corruption"),
])
def test_shipped_lexicon_finds_its_theme_in_formal_and_informal_kazakh(text, theme):
    lexicon = Lexicon(load_taxonomy().lexicon_data())
    assert theme in lexicon.hits(text), (text, lexicon.hits(text))


@pytest.mark.parametrize("text, theme", [
    ("кезек-кезек кіріп шықтық", "queues"),
    ("онлайн қалай төлеймін?", "costs"),
])
def test_shipped_lexicon_leaves_hard_negatives_alone(text, theme):
    assert theme not in Lexicon(load_taxonomy().lexicon_data()).hits(text)


def test_required_themes_have_lexicons():
    data = load_taxonomy().lexicon_data()
    assert all(data[theme]["kk"] and data[theme]["ru"] for theme in REQUIRED_THEMES)
