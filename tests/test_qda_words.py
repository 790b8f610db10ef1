"""Word views: frequencies and keyword in context on Kazakh and Russian lemmas with edited stop words, and
the weighted log-odds of Monroe et al. (2008) on a tiny hand-worked example."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from textmine.qda import words

KK = ["Кезекте ұзақ тұрдық, кезек өте көп болды.", "Қызметкерлер сыпайы, кезек жоқ."]
RU = ["Очереди большие, долго ждали в очереди.", "Сотрудники вежливые, очереди нет."]
NO_EDITS = pd.DataFrame(columns=["word", "lang", "stop", "at"])


def test_frequencies_count_lemmas_in_both_languages() -> None:
    forms, langs = words.lemmatised(KK + RU, ["kk", "kk", None, "ru"])
    assert langs == ["kk", "kk", "ru", "ru"]
    table = words.frequencies(forms, langs, words.stop_words(NO_EDITS)).set_index("lemma")
    # кезек: Кезекте, кезек (comment 1), кезек (comment 2); очередь: twice in comment 3, once in 4
    assert table.loc["кезек", "count"] == 3 and table.loc["кезек", "comments"] == 2
    assert table.loc["очередь", "count"] == 3 and table.loc["очередь", "comments"] == 2
    assert "в" not in table.index and "өте" not in table.index  # default stop words


def test_stop_word_edits_latest_wins() -> None:
    edits = pd.concat([words.edit_rows(["Кезек"], "kk", True).assign(at="2026-01-01"),
                       words.edit_rows(["өте"], "kk", False).assign(at="2026-01-01"),
                       words.edit_rows(["ұзақ"], "kk", True).assign(at="2026-01-01"),
                       words.edit_rows(["ұзақ"], "kk", False).assign(at="2026-01-02")])
    stops = words.stop_words(edits)
    assert "кезек" in stops["kk"] and "өте" not in stops["kk"] and "ұзақ" not in stops["kk"]
    assert "в" in stops["ru"]
    forms, langs = words.lemmatised(KK, ["kk", "kk"])
    table = words.frequencies(forms, langs, stops).set_index("lemma")
    assert "кезек" not in table.index and table.loc["өте", "count"] == 1
    with pytest.raises(ValueError, match="kk or ru"):
        words.edit_rows(["x"], "en", True)


def test_kwic_matches_inflected_forms() -> None:
    forms, _ = words.lemmatised(KK + RU, ["kk", "kk", "ru", "ru"])
    found = words.kwic(["a", "b", "c", "d"], forms, "очередь", window=2)
    assert found["keyword"].tolist() == ["Очереди", "очереди", "очереди"]
    assert found.iloc[1].to_dict() == {"comment_id": "c", "left": "ждали в", "keyword": "очереди", "right": "."}
    kk = words.kwic(["a", "b", "c", "d"], forms, "кезек", window=1)
    assert kk["keyword"].tolist() == ["Кезекте", "кезек", "кезек"] and kk.iloc[0]["right"] == "ұзақ"


def test_log_odds_on_a_hand_example() -> None:
    # A: x 3, y 1; B: x 1, y 3. Pooled prior: alpha_x = alpha_y = 4, alpha_0 = 8, n_a = n_b = 4.
    # delta_x = log((3+4)/(4+8-3-4)) - log((1+4)/(4+8-1-4)) = log(7/5) - log(5/7) = 0.67294
    # var_x = 1/7 + 1/5 = 0.342857, z_x = 0.672944 / 0.585540 = 1.14927; y mirrors x
    table = words.log_odds(pd.Series({"x": 3, "y": 1}), pd.Series({"x": 1, "y": 3})).set_index("word")
    assert table.loc["x", "log_odds"] == pytest.approx(0.67294, abs=1e-5)
    assert table.loc["x", "z"] == pytest.approx(1.14927, abs=1e-5)
    assert table.loc["y", "z"] == pytest.approx(-1.14927, abs=1e-5)
    assert table.loc["x", ["count_a", "count_b"]].tolist() == [3, 1]
    # a word only in A: x 2 / 0 with y 2 / 2, prior alpha_0 = 6 -> alpha_x = 2, alpha_y = 4, n_a = 4, n_b = 2
    # delta_x = log(4/(4+6-2-2)) - log(2/(2+6-0-2)) = log(4/6) - log(2/6) = log 2
    table = words.log_odds(pd.Series({"x": 2, "y": 2}), pd.Series({"y": 2})).set_index("word")
    assert table.loc["x", "log_odds"] == pytest.approx(math.log(2))
    assert table.loc["x", "z"] == pytest.approx(math.log(2) / math.sqrt(1 / 4 + 1 / 2))


def test_compare_lists_each_sides_typical_words() -> None:
    a = pd.DataFrame({"lemma": ["кезек", "ұзақ", "қызмет"], "count": [9, 4, 3]})
    b = pd.DataFrame({"lemma": ["кезек", "сыпайы", "қызмет"], "count": [1, 6, 3]})
    found = words.compare(a, b, top=2)
    assert found.loc[found["side"] == "A", "word"].tolist() == ["кезек", "ұзақ"]
    assert found.loc[found["side"] == "B", "word"].iloc[0] == "сыпайы"
    assert (found.loc[found["side"] == "B", "z"] < 0).all()
