"""Features: word n-gram and character n-gram TF-IDF over normalised text, side by side."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from .normalise import tokenize


def build_features(word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] = (2, 5),
                   min_df: int = 2, max_word_features: int | None = None,
                   max_char_features: int | None = None) -> FeatureUnion:
    """Word n-grams carry the vocabulary; character n-grams within words survive typos, missing ZWNJs
    and inflections («کارخانه‌ها», «کارخونه») that word features miss. float32 halves model size."""
    words = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False, ngram_range=word_ngrams,
                            min_df=min_df, max_features=max_word_features, sublinear_tf=True, dtype=np.float32)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, lowercase=False, min_df=min_df,
                            max_features=max_char_features, sublinear_tf=True, dtype=np.float32)
    return FeatureUnion([("words", words), ("chars", chars)])
