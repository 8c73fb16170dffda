"""Training that scales: fewer SGD passes on bigger data, a holdout instead of k folds above a size, tuning,
and the dense-weight prediction path."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from pipeline import training
from pipeline.labels import LabelSpace
from pipeline.predict import Predictor
from pipeline.training import ModelConfig, pick_best, sgd_epochs, train_and_save


def test_sgd_passes_shrink_with_the_data_between_3_and_20():
    assert sgd_epochs(None) == 20 and sgd_epochs(2_000) == 20 and sgd_epochs(5_500) == 20
    assert sgd_epochs(12_000) == 10 and sgd_epochs(45_000) == 3 and sgd_epochs(4_500_000) == 3
    assert ModelConfig().classifier_estimator(45_000).max_iter == 3


def test_pick_best_takes_the_faster_within_the_tie_band():
    table = {"a": {"group_macro_f1": 0.700, "seconds": 30}, "b": {"group_macro_f1": 0.697, "seconds": 10},
             "c": {"group_macro_f1": 0.650, "seconds": 1}}
    assert pick_best(table) == "b"
    table["a"]["group_macro_f1"] = 0.71
    assert pick_best(table) == "a"


@pytest.fixture
def small_frame(mini_corpus) -> pd.DataFrame:
    return pd.DataFrame({"text": mini_corpus["text"], "label": mini_corpus["group_code"],
                         "report_id": mini_corpus["report_id"]})


def test_above_the_size_limit_one_holdout_replaces_the_folds(small_frame, tmp_path, monkeypatch):
    monkeypatch.setattr(training, "HOLDOUT_ABOVE", 50)
    space = LabelSpace.from_data(small_frame["label"].tolist())
    card = train_and_save(small_frame, space, tmp_path / "m", folds=5,
                          config=ModelConfig(max_word_features=5_000, max_char_features=10_000))
    cv = card["cross_validation"]
    assert cv["evaluation"] == "holdout 1/5"
    assert abs(cv["n"] - len(small_frame) / 5) <= len(small_frame["label"].unique())  # one fold, by group
    assert 0.5 < cv["group_macro_f1"] <= 1.0
    oof = pd.read_csv(tmp_path / "m" / "oof_predictions.csv")
    assert len(oof) == cv["n"]  # out-of-fold rows are exactly the held-out ones


def test_tune_trains_the_candidate_cross_validation_chose(small_frame, tmp_path, monkeypatch):
    small = {"sgd_hinge_C0.5": ModelConfig(max_word_features=5_000, max_char_features=10_000),
             "complement_nb": ModelConfig(classifier="complement_nb", max_word_features=5_000,
                                          max_char_features=10_000)}
    monkeypatch.setattr(training, "TUNING_CANDIDATES", small)
    space = LabelSpace.from_data(small_frame["label"].tolist())
    card = train_and_save(small_frame, space, tmp_path / "m", folds=3, tune=True)
    selection = card["model_selection"]
    assert set(selection["candidates"]) == set(small)
    assert selection["chosen"] == pick_best(selection["candidates"])
    assert card["hyper_parameters"]["classifier"] == small[selection["chosen"]].classifier


def test_dense_weights_score_exactly_as_the_sparse_ones(mini_model_dir, mini_taxonomy_path, mini_corpus):
    predictor = Predictor.load(mini_model_dir, mini_taxonomy_path)
    steps = predictor.pipeline.named_steps
    features = steps["features"].transform(steps["normalise"].transform(mini_corpus["text"].tolist()[:50]))
    classifier = steps["classifier"]
    assert sparse.issparse(classifier.estimator_.coef_)
    dense_scores = classifier.decision_function(features)
    assert classifier._dense_coef_t() is not None
    sparse_scores = classifier.estimator_.decision_function(features)
    np.testing.assert_allclose(dense_scores, sparse_scores, rtol=1e-5, atol=1e-5)
