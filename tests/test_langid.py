"""Language tagging: real Kazakh from the seed report, Russian, code-switching, letterless Kazakh."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from textmine.langid import Evidence, evaluate_language, folded_kazakh_words, normalise, read_testset, tag_languages

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "data" / "reports" / "monitoring_report_2018_kk.txt"
TESTSET = ROOT / "data" / "eval" / "lang_testset.csv"
PARALLEL = ROOT / "data" / "eval" / "parallel_kk_ru.csv"
_FOLD_LETTERS = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")


def _report_quotes(n: int) -> list[str]:
    """The first ``n`` «...» quotes of 40+ characters in the seed report, ``ӛ`` fixed."""
    text = REPORT.read_text(encoding="utf-8").replace("\n", " ")
    quotes = [q for q in re.findall(r"«([^«»]{40,300})»", text) if re.search(r"[әғқңөұүһіӛ]", q)]
    return [normalise(q) for q in quotes[:n]]


def test_seed_report_quotes_are_kazakh() -> None:
    quotes = _report_quotes(100)
    assert len(quotes) == 100
    result = tag_languages(quotes)
    assert (result["lang"] == "kk").mean() >= 0.97


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Очень долго ждали в очереди, около двух часов", "ru"),
        ("Сотрудники вежливые, всё подробно объяснили", "ru"),
        ("Рахмет, всё сделали быстро", "ru"),  # one Kazakh word in Russian stays ru
        ("ЦОН-ға бардым, там очень долго", "mixed"),
        ("Бәрі жақсы, только очередь очень большая", "mixed"),
        ("кезек коп, очень долго ждали", "mixed"),
        ("Очередьте екі сағат тұрдым", "kk"),  # one Russian loan in Kazakh stays kk
        ("бари жаксы рахмет", "kk"),
        ("оте жаксы кызмет корсетти", "kk"),
        ("Кызметкер дорекi сойледi", "kk"),  # Latin i for і
        ("Everything was fine, thank you", "en"),
        # informal Kazakh without Kazakh letters: Russian loans alone do not make it mixed
        ("Сервис жаксы, официант оте сыпайы болды", "kk"),
        ("приложение жаксы бирак кейде ошибка шыгады", "kk"),
        ("короче бари жаксы, унады", "kk"),
        ("Официант кыз сыпайы, уже екинши рет келемиз", "kk"),
        ("Сайтка кирсем ошибка шыгады, вообще ашылмайды", "kk"),  # сайт + Kazakh dative
        ("Справканы бир аптада алдым, спасибо", "kk"),
        ("Кiру кезiнде ошибка шыгады", "kk"),  # Latin i, not Ukrainian
        ("оплатить етейин десем ошибка шыгады", "kk"),  # Russian infinitive + Kazakh light verb
        ("Доставка кешикпеди, рахмет", "kk"),
        # a Russian clause inside Kazakh stays mixed; Russian with loans or place names stays Russian
        ("Тамак жаксы, но порции маленькие и долго несут", "mixed"),
        ("Бари жаксы, только я не понял почему так долго ждать", "mixed"),
        ("Спасибо, сервис хороший, всё быстро", "ru"),
        ("Лучший ЦОН в Алматы, Астана отдыхает", "ru"),
        ("Норм", "ru"),
    ],
)
def test_examples(text: str, expected: str) -> None:
    assert tag_languages([text])["lang"].iloc[0] == expected


@pytest.mark.parametrize("text", ["", "   ", "12345", "5", "!!", "ok", None])
def test_no_language_is_unknown_with_zero_confidence(text: str | None) -> None:
    row = tag_languages([text]).iloc[0]
    assert (row["lang"], row["lang_confidence"]) == ("unknown", 0.0)


def test_output_keeps_order_index_and_confidence_range() -> None:
    texts = pd.Series(["Всё отлично, спасибо", "", "Кезек көп болды"], index=[10, 7, 3])
    result = tag_languages(texts)
    assert list(result.columns) == ["lang", "lang_confidence"]
    assert list(result.index) == [10, 7, 3]
    assert list(result["lang"]) == ["ru", "unknown", "kk"]
    assert result["lang_confidence"].between(0.0, 1.0).all()


def test_normalise_fixes_pdf_artefact_and_latin_i() -> None:
    assert normalise("кӛп бiрден Iздеу") == "көп бірден Іздеу"
    assert normalise("egov.kz is fine") == "egov.kz is fine"


def test_testset_is_well_formed() -> None:
    frame = read_testset(TESTSET)
    counts = frame["variant"].value_counts()
    for variant in ("kk_standard", "kk_letterless", "ru", "mixed"):
        assert counts[variant] >= 50
    informal = frame["variant"].str.replace("_heldout", "").value_counts()
    assert informal["kk_informal"] >= 80 and informal["mixed_informal"] >= 40 and informal["ru_informal"] >= 20
    assert not frame["text"].duplicated().any()


def test_informal_kazakh_has_no_kazakh_letters() -> None:
    """The informal Kazakh items are the real register: Kazakh typed without Kazakh letters."""
    frame = read_testset(TESTSET)
    informal = frame[frame["variant"].str.startswith("kk_informal")]
    assert not informal["text"].str.contains("[әғқңөұүһӘҒҚҢӨҰҮҺ]").any()


def test_bad_testset_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,lang,variant,source\nжақсы,kk,kk_standard,x\nhello,xx,en,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.csv, line 3: lang 'xx'"):
        read_testset(bad)


def test_evaluation_reaches_thresholds() -> None:
    """Floors a few points under what the tagger measured (0.978 accuracy on 492 items; recall kk 0.996,
    ru 1.0, mixed 0.91), so a real regression fails while one or two flipped borderline items do not."""
    report = evaluate_language(TESTSET, methods=["textmine"]).set_index(["scope", "name"])
    assert report.loc[("overall", "all"), "accuracy"] >= 0.95
    assert report.loc[("class", "kk"), "recall"] >= 0.95
    assert report.loc[("class", "ru"), "recall"] >= 0.95
    assert report.loc[("class", "mixed"), "recall"] >= 0.85
    assert report.loc[("class", "mixed"), "precision"] >= 0.90
    assert report.loc[("variant", "kk_letterless"), "accuracy"] >= 0.90


def test_informal_register_reaches_thresholds() -> None:
    """Informal items (own writing, tuning and held-out parts together): Kazakh without Kazakh letters
    with Russian loans, Latin i and typos is kk (measured 0.993; 0.86 before loans were told from Russian
    grammar); Russian clauses inside Kazakh stay mixed (0.84; 0.76 before, the floor); Russian with a
    Kazakh word or two stays ru (1.0)."""
    frame = read_testset(TESTSET)
    frame = frame.assign(pred=list(tag_languages(list(frame["text"]))["lang"]))
    style = frame["variant"].str.replace("_heldout", "")

    def accuracy(variant: str) -> float:
        part = frame[style == variant]
        return float((part["pred"] == part["lang"]).mean())

    assert accuracy("kk_informal") >= 0.92
    assert accuracy("mixed_informal") >= 0.76
    assert accuracy("ru_informal") >= 0.95


def test_letterless_seed_quotes_stay_kazakh() -> None:
    """The seed report's Kazakh quotes typed without Kazakh letters (``көрсетілетін`` → ``корсетилетин``)."""
    quotes = [q.translate(_FOLD_LETTERS) for q in _report_quotes(300)]
    assert (tag_languages(quotes)["lang"] == "kk").mean() >= 0.97


def test_russian_renderings_stay_russian() -> None:
    russian = [t for t in pd.read_csv(PARALLEL, dtype=str, keep_default_na=False)["ru"] if t.strip()]
    assert len(russian) >= 100
    assert (tag_languages(russian)["lang"] == "ru").mean() >= 0.98


def test_loans_count_toward_russian_only_with_russian_grammar() -> None:
    assert Evidence(kk=4, ru=0, loan=2).russian == 0 and not Evidence(kk=4, ru=0, loan=2).is_mixed()
    assert Evidence(kk=0, ru=0, loan=2).russian == 2  # no Kazakh word: loans are Russian
    assert Evidence(kk=3, ru=1, loan=1).russian == 2 and Evidence(kk=3, ru=1, loan=1).is_mixed()
    assert not Evidence(kk=9, ru=1, loan=0).is_mixed()  # one Russian word is not a clause


def test_folded_vocabulary_is_generated_from_the_lexicon_without_russian_words() -> None:
    words = folded_kazakh_words()
    assert len(words) > 5000
    assert {"корсетилетин", "кужаттарды", "тусиндирди"} <= words
    assert not {"торт", "сон", "бар", "алматы", "тенге", "что"} & words


def test_repeated_texts_are_tagged_once_and_alike(monkeypatch) -> None:
    from textmine import langid

    tagger = langid.LanguageTagger()
    seen: list[list[str]] = []
    confidences = tagger._confidences
    monkeypatch.setattr(tagger, "_confidences", lambda name, texts: seen.append(list(texts)) or confidences(name, texts))
    texts = ["Кезек көп болды", "Всё отлично", "Кезек көп болды", "Кезек көп болды", "Всё отлично"]
    result = tagger.tag(texts)
    asked = sum(seen, [])
    assert asked.count("Кезек көп болды") == 1 and asked.count("Всё отлично") == 1
    assert list(result["lang"]) == ["kk", "ru", "kk", "kk", "ru"]
    assert result.iloc[0].equals(result.iloc[2]) and result.iloc[1].equals(result.iloc[4])
