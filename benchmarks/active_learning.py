"""Active learning, simulated: experts are played by the hand-written labels. Start from a small seed set,
add batches picked by each strategy (and at random), and record macro-F1 on a fixed held-out split."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import softmax
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupShuffleSplit

from pipeline.neardup import near_duplicate_groups
from pipeline.normalise import normalise_many
from pipeline.strategies import STRATEGIES, build_queue
from pipeline.training import ModelConfig

SCORE_TEMPERATURE = 0.1  # LinearSVC scores span about ±1; this turns them into usable probabilities


def simulate(texts, labels, seed_per_label: int = 3, batch: int = 256, rounds: int = 8, seed: int = 0,
             strategies=tuple(STRATEGIES)) -> dict:
    labels = np.asarray(labels).astype(str)
    normalised = normalise_many(texts)
    clusters = near_duplicate_groups(normalised)
    pool_idx, test_idx = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=seed)
                              .split(normalised, labels, clusters))
    config = ModelConfig()
    features = config.features().fit([normalised[i] for i in pool_idx])  # unsupervised: the pool's vocabulary
    X_pool = features.transform([normalised[i] for i in pool_idx])
    X_test = features.transform([normalised[i] for i in test_idx])
    y_pool, y_test = labels[pool_idx], labels[test_idx]
    rng = np.random.default_rng(seed)
    start = pd.Series(np.arange(len(pool_idx))).groupby(y_pool).apply(
        lambda s: s.sample(min(seed_per_label, len(s)), random_state=seed)).to_numpy()
    curves = {}
    for name in strategies:
        labeled = np.zeros(len(pool_idx), dtype=bool)
        labeled[start] = True
        curve = []
        for round_no in range(rounds + 1):
            model = config.classifier_estimator().fit(X_pool[labeled], y_pool[labeled])
            curve.append({"labels": int(labeled.sum()),
                          "macro_f1": float(f1_score(y_test, model.predict(X_test), average="macro", zero_division=0))})
            if round_no == rounds:
                break
            proba = softmax(model.decision_function(X_pool) / SCORE_TEMPERATURE, axis=1)
            picked, _ = build_queue(proba, batch, name, audit_share=0.0, seed=int(rng.integers(1 << 30)),
                                    clusters=clusters[pool_idx], exclude=labeled)
            labeled[picked] = True
        curves[name] = curve
    return {"pool": int(len(pool_idx)), "test": int(len(test_idx)), "seed_per_label": seed_per_label,
            "batch": batch, "rounds": rounds, "curves": curves}
