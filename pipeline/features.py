"""Features: word n-gram and character n-gram TF-IDF over normalised text, side by side."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize as l2_normalise
from sklearn.utils.validation import check_is_fitted

from .normalise import tokenize

# Distinct words remembered by a character n-gram vectoriser before it starts afresh: a report vocabulary is
# a few tens of thousands of words; each entry costs ~200 bytes, so this bounds the cache near 40 MB.
CACHE_LIMIT = 200_000


class WordCharNgrams(TransformerMixin, BaseEstimator):
    """TF-IDF over character n-grams inside words, like scikit-learn's `analyzer="char_wb"`, but each
    distinct word is cut into n-grams once and remembered.

    Reports repeat the same few thousand words, so the per-report work drops from hundreds of n-gram
    look-ups to a few dozen word look-ups; the counting itself is vectorised.
    """

    def __init__(self, ngram_range: tuple[int, int] = (2, 5), min_df: int = 2, max_features: int | None = None,
                 sublinear_tf: bool = True):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf

    def _ngrams(self, word: str) -> list[str]:
        padded = f" {word} "
        low, high = self.ngram_range
        return [padded[i:i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]

    def _counts(self, docs, index_of_word) -> sparse.csr_matrix:
        pieces, lengths = [], []
        for doc in docs:
            total = 0
            for word in doc.split():
                ids = index_of_word(word)
                pieces.append(ids)
                total += len(ids)
            lengths.append(total)
        indices = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        width = len(self.vocabulary_) if hasattr(self, "vocabulary_") else int(indices.max(initial=-1)) + 1
        counts = sparse.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr),
                                   shape=(len(lengths), width))
        counts.sum_duplicates()
        return counts

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        docs = list(X)
        full: dict[str, int] = {}
        words: dict[str, np.ndarray] = {}

        def index_of_word(word):
            ids = words.get(word)
            if ids is None:
                ids = words[word] = np.array([full.setdefault(g, len(full)) for g in self._ngrams(word)],
                                             dtype=np.int32)
            return ids

        counts = self._counts(docs, index_of_word)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        keep = np.flatnonzero(df >= self.min_df)
        if self.max_features is not None and len(keep) > self.max_features:
            keep = keep[np.argsort(-df[keep], kind="stable")[: self.max_features]]
            keep.sort()
        grams = np.array(list(full), dtype=object)
        self.vocabulary_ = {g: i for i, g in enumerate(grams[keep])}
        self.idf_ = (np.log((1 + len(docs)) / (1 + df[keep])) + 1).astype(np.float32)
        self._cache = {}
        return self._weight(counts[:, keep])

    def transform(self, X) -> sparse.csr_matrix:
        check_is_fitted(self, "vocabulary_")
        cache = self.__dict__.setdefault("_cache", {})
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        vocabulary = self.vocabulary_

        def index_of_word(word):
            ids = cache.get(word)
            if ids is None:
                ids = cache[word] = np.array([vocabulary[g] for g in self._ngrams(word) if g in vocabulary],
                                             dtype=np.int32)
            return ids

        return self._weight(self._counts(list(X), index_of_word))

    def _weight(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        if self.sublinear_tf:
            np.log(counts.data, out=counts.data)
            counts.data += 1
        counts = counts @ sparse.diags(self.idf_)
        return l2_normalise(counts.tocsr(), copy=False)

    def get_feature_names_out(self, input_features=None):
        return np.array(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_cache", None)  # a cache, not learned state: keep the pickle small
        return state


class HazmWordTfidf(TfidfVectorizer):
    """scikit-learn's TfidfVectorizer (fitting is unchanged) with a leaner `transform` for the settings we
    use: a tokenizer, word uni- and bigrams, no lower-casing, stop words or accent stripping.

    scikit-learn counts every n-gram of every report through a per-report dictionary; here each report's
    n-grams become vocabulary ids in two list comprehensions and the counting is one sparse operation.
    A test checks the matrices are identical.
    """

    def _lean(self) -> bool:
        return (self.analyzer == "word" and self.tokenizer is not None and self.preprocessor is None
                and not self.lowercase and self.stop_words is None and self.strip_accents is None
                and tuple(self.ngram_range) in ((1, 1), (1, 2)) and not self.binary)

    def transform(self, raw_documents):
        if not self._lean():
            return super().transform(raw_documents)
        check_is_fitted(self, "vocabulary_")
        get, tokenize_doc = self.vocabulary_.get, self.tokenizer
        bigrams = tuple(self.ngram_range) == (1, 2)
        indices, lengths = [], []
        for doc in raw_documents:
            tokens = tokenize_doc(doc)
            ids = [i for i in map(get, tokens) if i is not None]
            if bigrams:
                ids += [i for i in map(get, map(" ".join, zip(tokens, tokens[1:]))) if i is not None]
            indices += ids
            lengths.append(len(ids))
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        counts = sparse.csr_matrix((np.ones(len(indices), dtype=self.dtype), np.asarray(indices, dtype=np.int32),
                                    indptr), shape=(len(lengths), len(self.vocabulary_)))
        counts.sum_duplicates()
        return self._tfidf.transform(counts, copy=False)


def build_features(word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] = (2, 5),
                   min_df: int = 2, max_word_features: int | None = None,
                   max_char_features: int | None = None) -> FeatureUnion:
    """Word n-grams carry the vocabulary; character n-grams within words survive typos, missing ZWNJs
    and inflections («کارخانه‌ها», «کارخونه») that word features miss. float32 halves memory."""
    parts = []
    if word_ngrams != (0, 0):
        parts.append(("words", HazmWordTfidf(tokenizer=tokenize, token_pattern=None, lowercase=False,
                                               ngram_range=word_ngrams, min_df=min_df,
                                               max_features=max_word_features, sublinear_tf=True,
                                               dtype=np.float32)))
    if char_ngrams != (0, 0):
        parts.append(("chars", WordCharNgrams(char_ngrams, min_df, max_char_features)))
    return FeatureUnion(parts)
