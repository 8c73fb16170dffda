"""Near-duplicate reports: clusters of texts that say almost the same thing.

Cross-validation keeps a cluster inside one fold (otherwise a model is tested on what it learned), and a
review batch takes at most one report per cluster.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import connected_components
from scipy.sparse import coo_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from .normalise import pre_normalise

EXACT_ONLY_ABOVE = 20_000  # all-pairs similarity grows with n^2; past this only exact repeats are grouped


def near_duplicate_groups(texts, threshold: float = 0.8, block: int = 2000) -> np.ndarray:
    """A cluster id per text: texts whose character 4-gram TF-IDF cosine is >= `threshold` share an id
    (transitively). Returns ids 0..k-1 in order of first appearance."""
    keys = [pre_normalise("" if t is None else str(t)) for t in texts]
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=int)
    if n > EXACT_ONLY_ABOVE or not any(keys):
        _, ids = np.unique(np.array(keys, dtype=object), return_inverse=True)
        return _first_seen_order(ids)
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), lowercase=False,
                              dtype=np.float32).fit_transform(keys)
    rows, cols = [], []
    for start in range(0, n, block):
        sims = (vectors[start:start + block] @ vectors.T).tocoo()
        keep = (sims.data >= threshold) & (sims.row + start < sims.col)
        rows.append(sims.row[keep] + start)
        cols.append(sims.col[keep])
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n))
    _, ids = connected_components(graph, directed=False)
    return _first_seen_order(ids)


def _first_seen_order(ids: np.ndarray) -> np.ndarray:
    _, first = np.unique(ids, return_index=True)
    rank = np.empty(ids.max() + 1, dtype=int)
    rank[ids[np.sort(first)]] = np.arange(len(first))
    return rank[ids]
