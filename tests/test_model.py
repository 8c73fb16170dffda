"""Training, calibration, metrics and the model artifact (save, load, refuse tampering)."""

import json

import numpy as np
import pytest

from pipeline.artifact import CARD_FILE, MODEL_FILE, load_model
from pipeline.calibration import TemperatureScaledClassifier, fit_temperature, prune_weights
from pipeline.errors import ModelError
from pipeline.metrics import choose_threshold, expected_calibration_error
from pipeline.predict import Predictor
from pipeline.taxonomy import load_taxonomy

from conftest import MINI_GROUPS


def test_card_records_what_a_reviewer_needs(mini_model_dir):
    card = json.loads((mini_model_dir / CARD_FILE).read_text(encoding="utf-8"))
    for key in ("model_id", "created_at", "taxonomy_sha256", "training_data", "libraries", "hyper_parameters",
                "cross_validation", "review_threshold", "artifact"):
        assert key in card
    assert card["training_data"]["rows"] >= 8 * 20
    assert len(card["artifact"]["sha256"]) == 64
    cv = card["cross_validation"]
    assert 0 <= cv["ece"] <= 1 and 0 <= cv["group_macro_f1"] <= 1
    assert (mini_model_dir / MODEL_FILE).stat().st_size < 50e6


def test_cross_validated_quality_is_far_above_chance(mini_model_dir):
    cv = json.loads((mini_model_dir / CARD_FILE).read_text(encoding="utf-8"))["cross_validation"]
    assert cv["group_accuracy"] > 0.6  # chance is 1/8
    assert cv["area_accuracy"] >= cv["group_accuracy"]


def test_round_trip_predicts_the_same(mini_model_dir, mini_taxonomy_path, mini_corpus):
    first = Predictor.load(mini_model_dir, mini_taxonomy_path)
    second = Predictor.load(mini_model_dir, mini_taxonomy_path)
    texts = mini_corpus["text"].head(20).tolist()
    np.testing.assert_allclose(first.predict_proba(texts), second.predict_proba(texts))
    proba = first.predict_proba(texts)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert set(first.classes) == set(MINI_GROUPS)


def test_tampered_artifact_is_never_unpickled(mini_model_dir, tmp_path, mini_taxonomy_path):
    copy = tmp_path / "m"
    copy.mkdir()
    (copy / CARD_FILE).write_bytes((mini_model_dir / CARD_FILE).read_bytes())
    (copy / MODEL_FILE).write_bytes((mini_model_dir / MODEL_FILE).read_bytes() + b"x")
    with pytest.raises(ModelError, match="does not match the model card"):
        Predictor.load(copy, mini_taxonomy_path)


def test_model_for_another_taxonomy_is_refused(mini_model_dir):
    with pytest.raises(ModelError, match="trained on a different taxonomy"):
        load_model(mini_model_dir, load_taxonomy().sha256)


def test_missing_model_says_how_to_train(tmp_path):
    with pytest.raises(ModelError, match="obstacles train --model-dir"):
        Predictor.load(tmp_path / "none")


def test_temperature_recovers_a_known_scale():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4000, 5)) * 3
    y = np.array([rng.choice(5, p=np.exp(l) / np.exp(l).sum()) for l in logits])
    assert fit_temperature(logits * 2, y) == pytest.approx(2.0, rel=0.1)


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_not():
    assert expected_calibration_error(np.full(100, 0.7), np.r_[np.ones(70), np.zeros(30)]) == pytest.approx(0)
    assert expected_calibration_error(np.full(100, 0.99), np.zeros(100)) == pytest.approx(0.99)


def test_threshold_reaches_target_precision():
    confidence = np.linspace(0.01, 1, 100)
    correct = confidence > 0.3  # everything above 0.3 is right
    t = choose_threshold(confidence, correct, 0.95)
    accepted = confidence >= t
    assert correct[accepted].mean() >= 0.95 and accepted.sum() >= 70


def test_threshold_accepts_nothing_when_target_unreachable():
    assert choose_threshold(np.full(50, 0.9), np.zeros(50, dtype=bool)) > 1.0


def test_pruning_keeps_the_largest_weights_sparse():
    coef = np.array([[0.1, -5.0, 0.01], [3.0, 0.0, -0.2]])
    pruned = prune_weights(coef, 2)
    assert pruned.nnz == 2 and pruned[0, 1] == -5.0 and pruned[1, 0] == 3.0


def test_temperature_scaled_classifier_estimates_its_own_temperature():
    from sklearn.svm import LinearSVC

    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    clf = TemperatureScaledClassifier(LinearSVC(), max_nonzero=6).fit(X, y)
    assert clf.temperature_ > 0
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1)
    assert (clf.predict(X) == y).mean() > 0.7
