"""Query strategies: which reports experts should label next. Small classes behind one interface.

Each strategy scores reports from their predicted probabilities (higher score = more useful to label) and
takes an explicit seed, which breaks ties so that the same inputs always give the same queue.
"""

from __future__ import annotations

import numpy as np


class QueryStrategy:
    """Pick `n` reports from class probabilities `proba` (rows: reports, columns: groups)."""

    name = "base"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def scores(self, proba: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def select(self, proba: np.ndarray, n: int, exclude=None, clusters=None) -> np.ndarray:
        """Indices of up to `n` reports, most useful first. `exclude` (bool mask) are never picked;
        `clusters` (an id per report) lets at most one report of each near-duplicate cluster in."""
        proba = np.asarray(proba, dtype=float)
        rng = np.random.default_rng(self.seed)
        tie_breaker = rng.random(len(proba))
        order = np.lexsort((tie_breaker, -self.scores(proba)))
        chosen, seen = [], set()
        for i in order:
            if len(chosen) >= n:
                break
            if exclude is not None and exclude[i]:
                continue
            if clusters is not None:
                if clusters[i] in seen:
                    continue
                seen.add(clusters[i])
            chosen.append(i)
        return np.array(chosen, dtype=int)


class LeastConfidence(QueryStrategy):
    """Reports whose most likely group is least likely."""

    name = "least_confidence"

    def scores(self, proba):
        return 1.0 - proba.max(axis=1)


class Margin(QueryStrategy):
    """Breaking ties: reports whose two most likely groups are closest."""

    name = "margin"

    def scores(self, proba):
        top2 = -np.partition(-proba, 1, axis=1)[:, :2] if proba.shape[1] > 1 else np.c_[proba, proba * 0]
        return -(top2[:, 0] - top2[:, 1])


class Entropy(QueryStrategy):
    """Reports whose whole distribution is most spread out."""

    name = "entropy"

    def scores(self, proba):
        clipped = np.clip(proba, 1e-12, 1.0)
        return -(clipped * np.log(clipped)).sum(axis=1)


class RandomSampling(QueryStrategy):
    """A uniform random pick: the audit slice that keeps measured accuracy unbiased, and the baseline."""

    name = "random"

    def scores(self, proba):
        return np.zeros(len(proba))


STRATEGIES = {cls.name: cls for cls in (LeastConfidence, Margin, Entropy, RandomSampling)}


def build_queue(proba: np.ndarray, n: int, strategy: str = "margin", audit_share: float = 0.1, seed: int = 0,
                clusters=None, exclude=None) -> tuple[np.ndarray, np.ndarray]:
    """A review batch: `audit_share` of it picked at random (the audit slice), the rest by `strategy`.

    Returns (indices, is_audit), strategy picks first. Near-duplicates never appear twice in one batch.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy '{strategy}'; choose one of {', '.join(STRATEGIES)}")
    n = min(n, len(proba))
    n_audit = int(round(n * audit_share))
    audit = RandomSampling(seed + 1).select(proba, n_audit, exclude, clusters)
    taken = np.zeros(len(proba), dtype=bool) if exclude is None else np.asarray(exclude, dtype=bool).copy()
    taken[audit] = True
    if clusters is not None:
        taken |= np.isin(clusters, np.asarray(clusters)[audit])
    picked = STRATEGIES[strategy](seed).select(proba, n - len(audit), taken, clusters)
    indices = np.concatenate([picked, audit]).astype(int)
    return indices, np.r_[np.zeros(len(picked), dtype=bool), np.ones(len(audit), dtype=bool)]
