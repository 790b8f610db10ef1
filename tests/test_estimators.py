"""textmine's estimators keep scikit-learn's contract.

The two over numeric vectors (``ZeroShotThemeClassifier``, ``TopicClusterer``) pass every check of
``parametrize_with_checks``, none waived. The three over text (``TrainedThemeClassifier`` and
``PolarityClassifier`` take a feature frame: a ``text`` column plus the embedding columns; ``LexiconHits``
takes texts) declare ``input_tags.two_d_array=False, string=True``, so scikit-learn runs none of its
data checks on them: those checks feed random numeric arrays, which these estimators cannot read. Waived
for them: every data check; run here instead: scikit-learn's API checks (parameters, cloning, repr, tags,
mixin order) and the data-contract checks below on real Kazakh and Russian comments (fit returns self,
unfitted use raises NotFittedError, refitting gives the same predictions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks as checks
from sklearn.utils.estimator_checks import parametrize_with_checks

from textmine.classify.features import LexiconHits, feature_frame
from textmine.classify.model import PolarityClassifier, TrainedThemeClassifier, ZeroShotThemeClassifier
from textmine.topics.cluster import TopicClusterer


@parametrize_with_checks([ZeroShotThemeClassifier(), TopicClusterer()])
def test_the_numeric_estimators_pass_every_sklearn_check(estimator, check) -> None:
    check(estimator)


LEXICON = {"queues": {"kk": ["кезек*"], "ru": ["очеред*"], "exclude": []},
           "staff": {"kk": ["қызметкер*"], "ru": ["сотрудник*"], "exclude": []}}
TEXT_ESTIMATORS = [TrainedThemeClassifier(themes=("queues", "staff"), dim=4, inner_folds=2),
                   PolarityClassifier(dim=4), LexiconHits(lexicon=LEXICON)]
API_CHECKS = [checks.check_no_attributes_set_in_init, checks.check_parameters_default_constructible,
              checks.check_get_params_invariance, checks.check_set_params, checks.check_estimator_repr,
              checks.check_estimator_cloneable, checks.check_mixin_order,
              checks.check_do_not_raise_errors_in_init_or_set_params, checks.check_valid_tag_types,
              checks.check_estimator_tags_renamed]


@pytest.mark.parametrize("check", API_CHECKS, ids=lambda check: check.__name__)
@pytest.mark.parametrize("estimator", TEXT_ESTIMATORS, ids=lambda estimator: type(estimator).__name__)
def test_the_text_estimators_pass_the_api_checks(estimator, check) -> None:
    check(type(estimator).__name__, clone(estimator))


# Respondents' words (the seed report, data/reports/monitoring_report_2018_kk.txt) and Russian ones.
TEXTS = ["Кезек өте ұзақ, екі сағат күттім", "Кезекте көп тұрдық, терезе біреу ғана",
         "Очередь огромная, стояли полдня", "В очереди два часа, окно одно",
         "Қызметкерлер сыпайы, бәрін түсіндірді", "Қызметкер дөрекі сөйледі",
         "Сотрудники вежливые, всё объяснили", "Сотрудник грубил и не слушал"]
THEMES = np.array([[1, 0]] * 4 + [[0, 1]] * 4)
POLARITY = np.array(["complaint", "complaint", "complaint", "complaint", "praise", "complaint", "praise", "complaint"])


REPEAT = 3  # each word in every inner training fold at least twice (the TF-IDF blocks keep min_df=2 terms)


def _frame() -> pd.DataFrame:
    vectors = np.random.default_rng(0).normal(size=(len(TEXTS) * REPEAT, 4)).astype(np.float32)
    return feature_frame(TEXTS * REPEAT, vectors)


@pytest.mark.parametrize("estimator", TEXT_ESTIMATORS, ids=lambda estimator: type(estimator).__name__)
def test_a_text_estimator_fits_to_itself_refuses_unfitted_use_and_refits_alike(estimator) -> None:
    frame = _frame()
    target = {"TrainedThemeClassifier": np.tile(THEMES, (REPEAT, 1)), "PolarityClassifier": np.tile(POLARITY, REPEAT),
              "LexiconHits": None}[type(estimator).__name__]
    use = "transform" if isinstance(estimator, LexiconHits) else "predict"
    unfitted = clone(estimator)
    with pytest.raises(NotFittedError):
        getattr(unfitted, use)(frame)
    fitted = unfitted.fit(frame, target)
    assert fitted is unfitted
    first = getattr(fitted, use)(frame)
    again = getattr(clone(estimator).fit(frame, target), use)(frame)
    first, again = (m.toarray() if hasattr(m, "toarray") else m for m in (first, again))
    np.testing.assert_array_equal(first, again)


def test_lexicon_hits_count_the_entries_found_in_kazakh_and_russian() -> None:
    hits = LexiconHits(lexicon=LEXICON).fit(TEXTS).transform(TEXTS).toarray()
    # log(1 + 1 entry) where a theme's entry is in the text; "Кезекте" is "кезек*", "Очередь" is "очеред*"
    expected = np.log(2) * np.array([[1, 0]] * 4 + [[0, 1]] * 4)
    np.testing.assert_allclose(hits, expected)


def test_zero_shot_fits_on_theme_descriptions_and_picks_the_nearest_theme() -> None:
    descriptions = np.array([[1.0, 0.1, 0.0], [0.9, 0.0, 0.1], [0.0, 1.0, 0.1], [0.1, 0.9, 0.0]])
    model = ZeroShotThemeClassifier(themes=("staff", "queues"), top_k=1)
    model.fit(descriptions, np.array(["queues", "queues", "staff", "staff"]))
    assert model.classes_.tolist() == ["staff", "queues"]
    assert model.predict(np.array([[0.8, 0.2, 0.0], [0.2, 0.8, 0.0]])).tolist() == ["queues", "staff"]
    with pytest.raises(ValueError, match=r"labels outside themes: \['prices'\]"):
        model.fit(descriptions, np.array(["queues", "queues", "staff", "prices"]))
