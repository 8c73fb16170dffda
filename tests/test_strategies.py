"""Query strategies: one contract suite that every strategy inherits, plus each one's own ordering."""

import numpy as np
import pytest

from pipeline.strategies import Entropy, LeastConfidence, Margin, RandomSampling, build_queue

PROBA = np.array([
    [0.98, 0.01, 0.01],   # sure
    [0.40, 0.35, 0.25],   # unsure, close top two, spread out
    [0.55, 0.44, 0.01],   # close top two, little spread
    [0.50, 0.10, 0.40],
    [0.34, 0.33, 0.33],   # as unsure as it gets
])


class StrategyContract:
    strategy = None

    def test_selects_n_distinct_rows(self):
        picked = self.strategy(seed=1).select(PROBA, 3)
        assert len(picked) == 3 and len(set(picked)) == 3

    def test_same_seed_same_choice(self):
        assert (self.strategy(seed=4).select(PROBA, 4) == self.strategy(seed=4).select(PROBA, 4)).all()

    def test_excluded_rows_never_picked(self):
        exclude = np.array([False, True, False, True, False])
        assert not set(self.strategy(seed=0).select(PROBA, 5, exclude=exclude)) & {1, 3}

    def test_one_per_near_duplicate_cluster(self):
        picked = self.strategy(seed=0).select(PROBA, 5, clusters=np.array([0, 1, 1, 2, 2]))
        assert len(picked) == 3

    def test_asking_for_more_than_there_are(self):
        assert len(self.strategy(seed=0).select(PROBA, 50)) == len(PROBA)


class TestLeastConfidence(StrategyContract):
    strategy = LeastConfidence

    def test_order(self):
        assert list(LeastConfidence().select(PROBA, 2)) == [4, 1]


class TestMargin(StrategyContract):
    strategy = Margin

    def test_order(self):
        assert list(Margin().select(PROBA, 2)) == [4, 1]
        assert Margin().scores(PROBA)[2] > Margin().scores(PROBA)[0]


class TestEntropy(StrategyContract):
    strategy = Entropy

    def test_order(self):
        assert Entropy().select(PROBA, 1)[0] == 4
        assert Entropy().scores(PROBA)[1] > Entropy().scores(PROBA)[2]


class TestRandomSampling(StrategyContract):
    strategy = RandomSampling

    def test_different_seeds_differ(self):
        many = np.tile(PROBA, (40, 1))
        assert (RandomSampling(1).select(many, 20) != RandomSampling(2).select(many, 20)).any()


def test_queue_has_an_audit_slice_and_no_repeats():
    proba = np.random.default_rng(0).dirichlet(np.ones(6), size=300)
    picked, is_audit = build_queue(proba, 100, "margin", audit_share=0.1, seed=3)
    assert len(picked) == 100 and len(set(picked)) == 100 and is_audit.sum() == 10


def test_unknown_strategy():
    with pytest.raises(ValueError, match="unknown strategy 'best'"):
        build_queue(PROBA, 2, "best")
