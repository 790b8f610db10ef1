"""Agreement between coders: α against Krippendorff's published worked examples (values typed in from
Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"), κ and percent agreement hand-computed on
tiny tables, the sample shared by app and CLI, disagreements, and settled labels reaching training."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from textmine.classify.train import apply_feedback
from textmine.qda import agreement
from textmine.qda.published import read_table, store_frame
from textmine.store import Store

N = np.nan
# Krippendorff 2011, section A: binary data, two observers, no missing data; alpha = 0.095
BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
          [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
# section B: nominal data, two observers (a..e coded 1..5); alpha = 0.692
NOMINAL_TWO = [[1, 1, 2, 2, 4, 3, 3, 3, 5, 4, 4, 1],
               [2, 1, 2, 2, 2, 3, 3, 3, 5, 4, 4, 4]]
# section C: nominal data, four observers, missing values; alpha = 0.743
NOMINAL_MISSING = [[1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
                   [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
                   [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
                   [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N]]


@pytest.mark.parametrize(("data", "expected"), [(BINARY, 0.095), (NOMINAL_TWO, 0.692), (NOMINAL_MISSING, 0.743)])
def test_alpha_matches_krippendorffs_worked_examples(data, expected) -> None:
    assert agreement.krippendorff_alpha(np.array(data, dtype=float)) == pytest.approx(expected, abs=0.0005)


def test_alpha_is_undefined_without_variation_and_perfect_with_full_agreement() -> None:
    assert math.isnan(agreement.krippendorff_alpha(np.array([[1, 1, 1], [1, 1, 1]], dtype=float)))
    assert agreement.krippendorff_alpha(np.array([[1, 0, 1], [1, 0, 1], [N, 0, 1]])) == 1.0


def test_kappa_and_percent_agreement_by_hand() -> None:
    # agree on 6 of 10; p(A=1)=.2, p(B=1)=.4, chance = .2*.4 + .8*.6 = .56; kappa = (.6-.56)/(1-.56)
    matrix = np.array(BINARY, dtype=float)
    assert agreement.percent_agreement(matrix) == pytest.approx(0.6)
    assert agreement.cohen_kappa(matrix) == pytest.approx(0.04 / 0.44)
    # three coders on one unit: values 1,1,0 -> pairs (1,1) agree, (1,0), (1,0) differ -> 1/3
    assert agreement.percent_agreement(np.array([[1], [1], [0]], dtype=float)) == pytest.approx(1 / 3)


def _labels(table: dict[str, list]) -> pd.DataFrame:
    """coder -> presence of theme 'queues' on comments c0, c1, ... (None = not labelled)."""
    rows = [{"comment_id": f"c{i}", "coder": coder, "theme": "queues", "present": bool(v), "at": "2026-01-01T00:00:00"}
            for coder, values in table.items() for i, v in enumerate(values) if v is not None]
    return pd.DataFrame(rows)


def test_agreement_table_uses_latest_labels_and_the_model_as_a_coder() -> None:
    labels = _labels({"aigerim": [1, 1, 0, 0], "boris": [1, 0, 0, None]})
    # aigerim changes her mind on c1 later: now both say present there
    labels = pd.concat([labels, pd.DataFrame([{"comment_id": "c1", "coder": "aigerim", "theme": "queues",
                                               "present": False, "at": "2026-01-02T00:00:00"}])])
    table = agreement.agreement_table(labels, ["queues"]).set_index("theme")
    # units c0, c1, c2 pairable; all three agree
    assert table.loc["queues", "units"] == 3 and table.loc["queues", "agreement"] == 1.0
    assert table.loc["queues", "coders"] == 2
    assigned = pd.DataFrame({"id": ["c0", "c1", "c2", "c3"], "themes": ["queues", "queues;staff_attitude", "", "staff_attitude"]})
    model = agreement.model_labels(["c0", "c1", "c2", "c3"], assigned, ["queues"])
    with_model = agreement.agreement_table(pd.concat([labels, model]), ["queues"]).set_index("theme")
    # c0: 1,1,1 (3 agreeing pairs); c1: 0,0,1 (1 of 3); c2: 0,0,0 (3 of 3); c3: 0,_,0 (1 of 1) -> 8/10
    assert with_model.loc["queues", "agreement"] == pytest.approx(0.8)
    assert math.isnan(with_model.loc["queues", "kappa"])  # three coders: no Cohen's kappa
    # an uncertain best guess (under the threshold) is not a model label
    guessed = agreement.model_labels(["c0", "c1"], assigned.head(2).assign(theme_uncertain=[True, False]), ["queues"])
    assert guessed["present"].tolist() == [False, True]


def test_disagreements_until_settled_and_settled_labels_reach_training() -> None:
    labels = _labels({"aigerim": [1, 0], "boris": [0, 0]})
    found = agreement.disagreements(labels)
    assert found.to_dict("records") == [{"comment_id": "c0", "theme": "queues", "present": "aigerim", "absent": "boris"}]
    settled, feedback = agreement.settle_rows("c0", "queues", True, " Айгерім ")
    assert agreement.disagreements(pd.concat([labels, settled])).empty
    assert feedback[["decision", "reviewer"]].values.tolist() == [["accept", "Айгерім"]]
    with pytest.raises(ValueError, match="reserved"):
        agreement.settle_rows("c0", "queues", True, "settled")
    comments = pd.DataFrame({"id": ["c0"], "text": ["Кезек өте ұзақ болды"]})
    current = pd.DataFrame({"id": ["c0"], "themes": [""], "polarity": ["complaint"]})
    labelled = pd.DataFrame(columns=["text", "lang", "variant", "themes", "polarity", "group", "origin", "pair"])
    trained_on = apply_feedback(labelled, comments, current, feedback)
    assert trained_on.loc[0, "themes"] == ["queues"] and trained_on.loc[0, "origin"] == "analyst"


def test_coder_names_are_checked() -> None:
    assert agreement.check_coder("  Айгерім ") == "Айгерім"
    for bad in ("", "  ", "model", "Settled"):
        with pytest.raises(ValueError, match="name"):
            agreement.check_coder(bad)
    with pytest.raises(ValueError, match="not in the taxonomy: nope"):
        agreement.coder_rows("c0", "a", ["nope"], ["queues"])


def test_labels_round_trip_through_the_store_and_the_sample_is_shared(tmp_path) -> None:
    from textmine.app.query import Selection, open_corpus

    path = tmp_path / "s.duckdb"
    comments = pd.DataFrame({"id": [f"id{i:02d}" for i in range(30)], "text": ["Кезек ұзақ"] * 30,
                             "raw_text": ["Кезек ұзақ"] * 30, "source_file": "f.csv", "source_line": range(1, 31)})
    for column in ("lang", "service_name", "agency", "region", "aspect_context", "date", "channel", "extra"):
        comments[column] = None
    comments["lang_confidence"] = None
    comments["service_no"] = pd.array([None] * 30, dtype="Int64")
    comments["rating"] = pd.array([None] * 30, dtype="Int64")
    from textmine import schema

    comments = comments[list(schema.COMMENTS.columns)]
    with Store(path) as store:
        store.replace_source("f.csv", comments, schema.empty(schema.REJECTS))
        store.append("coder_labels", agreement.coder_rows("id03", "aigerim", ["queues"], ["queues", "staff_attitude"]))
        from_store = agreement.sample_ids(store_frame(store), "comments", "true", [], 5, seed=7)
    saved = read_table(path, "coder_labels")
    assert sorted(zip(saved["theme"], saved["present"], strict=True)) == [("queues", True), ("staff_attitude", False)]
    corpus = open_corpus(path)
    from_app = agreement.sample_ids(corpus.frame, "app_comments", Selection().where, Selection().params, 5, seed=7)
    assert from_store == from_app and len(set(from_app)) == 5
    assert agreement.sample_ids(corpus.frame, "app_comments", "true", [], 5, seed=8) != from_app
