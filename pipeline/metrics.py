"""Quality figures shared by training (cross-validation) and `obstacles evaluate`."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, f1_score


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 15) -> float:
    """Top-label ECE: the mean |accuracy - confidence| over equal-width bins, weighted by bin size."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    if confidence.size == 0:
        return float("nan")
    bins = np.minimum((confidence * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in np.unique(bins):
        mask = bins == b
        ece += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(ece)


def choose_threshold(confidence: np.ndarray, correct: np.ndarray, target_precision: float = 0.95,
                     min_accepted: int = 20) -> float:
    """The lowest confidence threshold whose accepted predictions (confidence >= threshold) reach the
    target precision, over at least `min_accepted` predictions. Returns 1.0 + tiny (accept nothing) when
    no threshold reaches it, so that everything goes to review rather than being trusted blindly."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    order = np.argsort(-confidence, kind="stable")
    hits = np.cumsum(correct[order])
    counts = np.arange(1, len(order) + 1)
    precision = hits / counts
    ok = (precision >= target_precision) & (counts >= min_accepted)
    # Accepting a prefix is only possible at a cut between distinct confidence values.
    sorted_conf = confidence[order]
    at_boundary = np.append(sorted_conf[1:] < sorted_conf[:-1], True)
    ok &= at_boundary
    if not ok.any():
        return float(np.nextafter(1.0, 2.0))
    return float(sorted_conf[np.flatnonzero(ok)[-1]])


def summarise(y_true, proba: np.ndarray, classes, parent_of: dict, threshold: float,
              true_parents=None) -> dict:
    """Group- and parent-level figures for probabilities `proba` (rows: reports, columns: `classes`).

    `true_parents` overrides the parent of each true label (for labels the model has never seen)."""
    classes = np.asarray(classes)
    y_true = np.asarray(y_true).astype(str)
    n = len(y_true)
    top = np.argsort(-proba, axis=1)[:, :3]
    y_pred = classes[top[:, 0]]
    confidence = proba[np.arange(n), top[:, 0]]
    correct = y_pred == y_true
    top3 = (classes[top] == y_true[:, None]).any(axis=1)
    area_true = (np.asarray(true_parents).astype(str) if true_parents is not None
                 else np.array([parent_of.get(y, "") for y in y_true]))
    area_pred = np.array([parent_of.get(y, "") for y in y_pred])
    accepted = confidence >= threshold
    return {
        "n": int(n),
        "group_accuracy": float(accuracy_score(y_true, y_pred)),
        "group_macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
        "top3_accuracy": float(top3.mean()),
        "area_accuracy": float(accuracy_score(area_true, area_pred)),
        "area_macro_f1": float(f1_score(area_true, area_pred, average="macro", zero_division=0)),
        "ece": expected_calibration_error(confidence, correct),
        "auto_accept_precision": float(correct[accepted].mean()) if accepted.any() else float("nan"),
        "auto_accept_coverage": float(accepted.mean()),
        "review_threshold": float(threshold),
    }
