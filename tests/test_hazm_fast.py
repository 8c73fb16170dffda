"""The fast paths are pure speed: same characters out as hazm and as the plain versions, on real and random text."""

import pickle
import random
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline import hazm_fast
from pipeline import normalise as norm
from pipeline.features import HazmWordTfidf
from pipeline.normalise import normalise_many, pre_normalise, tokenize

from conftest import LABELED

# Pieces that trigger every pattern hazm and we have: Arabic variants, ZWNJ and spacing, punctuation, digits of
# three systems, affixes, repeated letters, presentation forms, placeholders.
PIECES = list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةۀأإؤئءآ") + [
    " ", "  ", "\u200c", "\n", "\t", "\r", "ـ", "\u064b", "\u0650", "\u0654", "\u0670", ".", "...", "،", "؟", "!", ":",
    "«", "»", '"', "(", ")", "[", "{", "0", "1", "9", "۱", "۲", "٣", "%", "٪", "@", "www.", "http://", "ها", " ها",
    "می ", "نمی ", "ه ی ", "ه ای", "تر", " تر", "ین", "گر", " گری", "هها", "اا", "ﷲ", "ﻻ", "تومان", "درصد",
    "1403/2/3", "09123456789", "\u200b", "\u00a0", "ییی"]


def random_texts(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40))) for _ in range(n)]


def plain_pre_normalise(text: str) -> str:
    """Our clean-up without the shortcuts: every translation and every pattern, always."""
    text = text.translate(norm._TABLE)
    for token, pattern, _ in norm._PLACEHOLDERS:
        text = pattern.sub(f" {token} ", text)
    text = norm._REPEATS.sub(r"\1", text)
    text = norm._ZWNJ_RUNS.sub(norm.ZWNJ, text)
    return re.sub(r"\s+", " ", text).strip(" " + norm.ZWNJ)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return pd.read_csv(LABELED, dtype=str, keep_default_na=False)["text"].tolist() + random_texts(5000)


def test_pre_normalise_shortcuts_change_nothing(texts):
    assert [pre_normalise(t) for t in texts] == [plain_pre_normalise(t) for t in texts]


def test_fast_normalizer_output_is_hazms(texts):
    import hazm

    reference, ours = hazm.Normalizer(), norm._hazm_normalizer()
    assert isinstance(ours, hazm_fast.FastNormalizer)
    inputs = texts + [pre_normalise(t) for t in texts]
    assert [ours.normalize(t) for t in inputs] == [reference.normalize(t) for t in inputs]


def test_fast_token_spacing_is_hazms(texts):
    import hazm

    reference, ours = hazm.Normalizer(), norm._hazm_normalizer()
    for text in texts[:3000]:
        tokens = tokenize(text)
        assert ours.token_spacing(tokens) == reference.token_spacing(tokens)


def test_normalizer_cache_is_written_then_read_and_a_broken_one_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = hazm_fast.cache_path()
    assert str(path).startswith(str(tmp_path)) and not path.exists()
    built = hazm_fast.load_normalizer()
    assert path.exists()
    cached = hazm_fast.load_normalizer()
    assert cached is not built and cached.normalize("مي شود") == built.normalize("مي شود") == "می\u200cشود"
    path.write_bytes(b"not a pickle")
    assert hazm_fast.load_normalizer().normalize("كتاب ها") == "کتاب\u200cها"
    assert isinstance(pickle.loads(path.read_bytes()), hazm_fast.FastNormalizer)  # rebuilt and rewritten


def test_unwritable_cache_directory_only_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert hazm_fast.load_normalizer().normalize("مي شود") == "می\u200cشود"


def test_lean_word_tfidf_equals_scikit_learns(mini_corpus):
    docs = normalise_many(mini_corpus["text"])
    options = dict(tokenizer=tokenize, token_pattern=None, lowercase=False, ngram_range=(1, 2), min_df=2,
                   sublinear_tf=True, dtype=np.float32)
    ours, sklearns = HazmWordTfidf(**options).fit(docs), TfidfVectorizer(**options).fit(docs)
    new_docs = docs[::3] + ["", "؟", "کلمه‌ای که هرگز دیده نشده"] + normalise_many(random_texts(200, seed=1))
    mine, theirs = ours.transform(new_docs), sklearns.transform(new_docs)
    assert mine.shape == theirs.shape and mine.dtype == theirs.dtype
    assert (mine != theirs).nnz == 0


def test_tokenizer_with_look_ahead_splits_as_hazms(texts):
    import hazm

    reference = hazm.WordTokenizer(join_verb_parts=False)
    assert norm._hazm_tokenizer().pattern.pattern != reference.pattern.pattern  # the fast pattern is in use
    inputs = texts + normalise_many(texts)
    assert [tokenize(t) for t in inputs] == [reference.tokenize(t) for t in inputs]
