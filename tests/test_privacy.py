"""Personal data: IIN/BIN check digits, detection per type in kk / ru / mixed, look-alikes, masking, eval floors."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from textmine.cli import app
from textmine.privacy import (
    PLACEHOLDERS,
    check_digit,
    evaluate_pii,
    find_pii,
    is_bin,
    is_iin,
    luhn_ok,
    mask_frame,
    mask_pii,
    random_bin,
    random_card,
    random_iin,
    read_testset,
)

ROOT = Path(__file__).resolve().parents[1]
TESTSET = ROOT / "data/eval/pii_testset.csv"
# Real Kazakh quotes from the seed report (line 1632 and 1636); the first holds look-alike numbers.
KK_QUOTE = "Алдымен модераторға кезекте 5 минут тұрдым, содан кейін маманға 30-40 минут."
KK_QUOTE_2 = "ХҚКОда кезекті реттеу керек. Қалғаны бәрі дұрыс."


def test_the_kazakh_quotes_come_from_the_seed_report(seed_report_path):
    report = seed_report_path.read_text(encoding="utf-8")
    assert KK_QUOTE.removesuffix(".") in report and KK_QUOTE_2 in report


# --- check digits ---------------------------------------------------------------------------------------

def test_check_digit_by_hand():
    # 9,0,0,5,0,5,4,0,0,1,0 · weights 1..11 = 9+20+30+28+10 = 97; 97 mod 11 = 9
    assert check_digit("90050540010") == 9
    # weights 1..11: 8+16+4+6+21+10+22 = 87 -> 10, so weights 3..11,1,2: 24+32+6+8+27+1+4 = 102 -> 3
    assert check_digit("88010130012") == 3
    # both sums are 241 = 10 (mod 11): no control digit exists, no number with this prefix is valid
    assert check_digit("00170167551") is None


def test_iin_and_bin_validity():
    assert is_iin("900505400109") and is_iin("880101300123")
    assert not is_iin("900505400108")  # wrong check digit
    assert not any(is_iin("00170167551" + d) or is_bin("00170167551" + d) for d in "0123456789")
    for first11 in ("90320540001", "90023040001", "90050500001", "90130540001"):  # 32 May, 30 Feb, century 0, month 13
        assert not is_iin(first11 + str(check_digit(first11))), first11
    assert not is_bin("900505400109")  # an IIN is no BIN: the 5th digit is a day, not an entity type
    registered = "18054001234"  # May 2018, resident legal entity (4), head office (0)
    assert is_bin(registered + str(check_digit(registered))) and not is_iin(registered + str(check_digit(registered)))


@pytest.mark.parametrize("seed", range(20))
def test_generated_numbers_pass_and_broken_ones_fail(seed):
    rng = random.Random(seed)
    iin, bin_, card = random_iin(rng), random_bin(rng), random_card(rng)
    assert is_iin(iin) and not is_bin(iin) and is_bin(bin_) and not is_iin(bin_) and luhn_ok(card)
    assert not is_iin(random_iin(rng, valid=False)) and not is_bin(random_bin(rng, valid=False))
    assert not luhn_ok(random_card(rng, valid=False))


def test_luhn_on_known_test_cards():
    assert luhn_ok("4111111111111111") and luhn_ok("5555555555554444") and not luhn_ok("4111111111111112")


# --- detection per type --------------------------------------------------------------------------------

IIN, BIN, CARD = random_iin(random.Random(7)), random_bin(random.Random(7)), random_card(random.Random(7))
IIN_SPACED = f"{IIN[:3]} {IIN[3:6]} {IIN[6:9]} {IIN[9:]}"
CASES = [  # (text, [(piece, kind)])
    (f"{KK_QUOTE} ЖСН {IIN}, жауап жоқ", [(IIN, "iin")]),
    (f"ЖСН-ім {IIN_SPACED} екенін айттым", [(IIN_SPACED, "iin")]),
    (f"Мой ИИН {IIN}, в базе его нет", [(IIN, "iin")]),
    (f"ИИН{IIN} деп жаздым, ошибка шығады", [(IIN, "iin")]),
    (f"БСН {BIN}, тіркеу 10 күнге созылды", [(BIN, "bin")]),
    (f"БИН {BIN}, лицензия алу үшін 2 ай күттім", [(BIN, "bin")]),
    ("Маған хабарласыңыз: +7 701 234 56 78", [("+7 701 234 56 78", "phone")]),
    ("Нөмірім 87015554433, ешкім қоңырау шалмады", [("87015554433", "phone")]),
    ("Тел. 8 (7212) 41-22-33, никто не отвечает", [("8 (7212) 41-22-33", "phone")]),
    ("Тел: 21-45-67, кешке звоните", [("21-45-67", "phone")]),
    ("Мой номер +7(701)1234567", [("+7(701)1234567", "phone")]),
    ("Поштам aigul.sarsen@mail.ru, хатты сол жерге жіберіңіз", [("aigul.sarsen@mail.ru", "email")]),
    ("Почта ivan.87011234567@mail.ru, ответа нет", [("ivan.87011234567@mail.ru", "email")]),
    (f"Карта {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}, ақша түспеді",
     [(f"{CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}", "card")]),
    (f"Номер карты {CARD}, пособие не поступило", [(CARD, "card")]),
    ("Аты-жөнім: Сәрсенбаева Ғалия Асқарқызы. Жауап жоқ", [("Сәрсенбаева Ғалия Асқарқызы", "name")]),
    (f"Менің атым Серік, {KK_QUOTE_2}", [("Серік", "name")]),
    ("Меня зовут Иванов И.И., справку не выдали", [("Иванов И.И.", "name")]),
    ("Я — Жанар Сейтқали, пенсионерка", [("Жанар Сейтқали", "name")]),
    ("Моя фамилия Ахметова, документы потеряли", [("Ахметова", "name")]),
    ("меня зовут айгерим, в цоне очередь", [("айгерим", "name")]),
    (f"Менің атым Әлия, мой телефон +7 775 808 90 90, ЖСН {IIN}",
     [("Әлия", "name"), ("+7 775 808 90 90", "phone"), (IIN, "iin")]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_each_type_is_found_exactly(text, expected):
    assert [(span.text, span.kind) for span in find_pii(text)] == expected
    for span in find_pii(text):
        assert text[span.start:span.end] == span.text


LOOK_ALIKES = [
    KK_QUOTE, KK_QUOTE_2,
    f"Нөмір {IIN[:11]}{(int(IIN[11]) + 1) % 10} деп жазылған құжатты қабылдамады",  # wrong check digit
    "Мемлекеттік баж 5 000 теңге, пәтер 12 000 000 теңге, салық 15 000 000 000 теңге",
    "12.03.2018 жылы өтініш бердім; 2017-2018 жылдары тегін болды",
    "Өтініш нөмірі 00231456, куәлік нөмірі 041236789, кезек нөмірі 123456",
    "Call-орталық 1414 жауап бермейді, 8 800 080 7777 де алмайды, 109 да",
    "Қанағаттану 89,9%, 4,73 балл; жұмыс уақыты 09:00-18:00",
    "Пошта индексі 010000, ХҚКО №3, Абай даңғылы 52, 14 пәтер",
    "Анықтама № 180312000457 берілді, түбіртек № 7100234561",
    "Счет KZ86125KZT5004100100, кадастровый номер 03-044-112-567, решение № 2-1234/2018",
    "Меня зовут в ЦОН уже третий раз; я — пенсионер; Я — Астана тұрғынымын",
    "Менің атым туралы деректер қате жазылды",
    "Код подтверждения 583920 не пришел, госномер 777 AAA 01",
]


@pytest.mark.parametrize("text", LOOK_ALIKES, ids=[f"lookalike{i}" for i in range(len(LOOK_ALIKES))])
def test_look_alikes_are_not_masked(text):
    assert find_pii(text) == [] and mask_pii(text) == text


def test_bundled_comments_hold_no_personal_data():
    comments = pd.read_csv(ROOT / "data/comments/comments.csv", dtype=str, keep_default_na=False)
    flagged = [text for text in comments["text"] if find_pii(text)]
    assert flagged == []


# --- masking keeps the rest of the text ----------------------------------------------------------------

def test_mask_replaces_only_the_spans():
    text = CASES[-1][0]
    assert mask_pii(text) == "Менің атым [АТЫ], мой телефон [ТЕЛ], ЖСН [ИИН]"
    assert mask_pii(f"БСН {BIN}, карта {CARD}, a@b.kz") == "БСН [БИН], карта [КАРТА], [EMAIL]"


PII_PIECES = [(f"ЖСН {IIN}", f"ЖСН {PLACEHOLDERS['iin']}"), ("тел. 8 701 234 56 78", f"тел. {PLACEHOLDERS['phone']}"),
              ("aigul@mail.ru", PLACEHOLDERS["email"]), (f"карта {CARD}", f"карта {PLACEHOLDERS['card']}"),
              ("Менің атым Айгүл.", f"Менің атым {PLACEHOLDERS['name']}.")]
SURROUNDINGS = [KK_QUOTE, KK_QUOTE_2, "Очередь 2 часа, работает 3 окна из 12.", "ЦОН-ға бардым, очередь үлкен.", ""]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SURROUNDINGS), st.sampled_from(PII_PIECES), st.sampled_from(SURROUNDINGS))
def test_masking_keeps_the_surrounding_text_identical(before, piece, after):
    raw, masked = piece
    assert mask_pii(f"{before} {raw} {after}") == f"{before} {masked} {after}"


def test_mask_frame_masks_the_text_columns_only():
    frame = pd.DataFrame({"text": ["Тел: 21-45-67", None, KK_QUOTE], "raw_text": ["Тел: 21-45-67\n", "", KK_QUOTE],
                          "region": ["Менің атым Айгүл"] * 3})
    masked = mask_frame(frame)
    assert masked["text"].tolist()[::2] == ["Тел: [ТЕЛ]", KK_QUOTE] and pd.isna(masked["text"][1])
    assert masked["raw_text"].tolist() == ["Тел: [ТЕЛ]\n", "", KK_QUOTE]
    assert masked["region"].equals(frame["region"]) and frame["text"][0] == "Тел: 21-45-67"
    with pytest.raises(KeyError, match="none of the columns"):
        mask_frame(frame, columns=("comment",))


# --- the labelled set ----------------------------------------------------------------------------------

def test_testset_is_large_and_balanced():
    frame = read_testset(TESTSET)
    assert len(frame) >= 240 and set(frame["lang"]) == {"kk", "ru", "mixed"}
    with_pii = frame["spans"].str.len() > 0
    assert with_pii.sum() >= 100 and (~with_pii).sum() >= 100
    kinds = pd.Series([kind for spans in frame["spans"] for _, _, kind in spans]).value_counts()
    assert kinds.reindex(list(PLACEHOLDERS)).min() >= 8


def test_eval_meets_the_measured_floors():
    scores = evaluate_pii(TESTSET).set_index(["scope", "name"])
    for kind in ("iin", "bin", "phone", "email", "card"):
        assert scores.loc[("kind", kind), "precision"] >= 0.95 and scores.loc[("kind", kind), "recall"] >= 0.95, kind
    assert scores.loc[("kind", "name"), "precision"] >= 0.95 and scores.loc[("kind", "name"), "recall"] >= 0.85
    assert scores.loc[("overall", "all"), "clean_flagged"] <= 0.02


def test_read_testset_names_the_bad_row(tmp_path):
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"id": ["a", "b"], "lang": ["kk", "ru"], "text": ["ЖСН", "Тел"],
                  "spans": ["[]", json.dumps([[0, 99, "phone"]])]}).to_csv(bad, index=False)
    with pytest.raises(ValueError, match=r"line 3 \(id b\): bad span"):
        read_testset(bad)


def test_cli_eval_pii_prints_the_table():
    result = CliRunner().invoke(app, ["eval", "pii", "--testset", str(TESTSET)])
    assert result.exit_code == 0, result.output
    assert "phone" in result.output and "overall" in result.output
