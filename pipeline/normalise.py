"""Persian text normalisation: hazm's Normalizer and WordTokenizer (built once per process) plus the clean-up
that hazm leaves undone (Arabic letter variants, digit systems, invisible marks, placeholders)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from sklearn.base import BaseEstimator, TransformerMixin

ZWNJ = "\u200c"

# Arabic letter variants and other digit systems; one `str.translate` pass is far cheaper than regexes.
_LETTERS = {
    "ي": "ی", "ى": "ی", "ئ": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا", "ؤ": "و",
    "\u0640": "",  # tatweel: «تولیـــد»
}
_DIGITS = {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
# Invisible marks that keyboards and word processors scatter: zero-width space and joiner, BOM,
# directional marks and embeddings. ZWNJ itself is meaningful in Persian and is kept.
_INVISIBLE = {c: " " if c == "\u200b" else "" for c in
              "\u200b\u200d\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"}
# Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef, hamza above/below).
_DIACRITICS = {chr(c): "" for c in list(range(0x064B, 0x0653)) + [0x0654, 0x0655, 0x0670]}
_TABLE = str.maketrans({**_LETTERS, **_DIGITS, **_INVISIBLE, **_DIACRITICS, "\u00a0": " ", "\t": " ",
                        "\r": " ", "\n": " "})


def translating_runs(table: dict):
    """`text.translate(table)` as a function that translates only the runs of characters `table` maps:
    `str.translate` costs ~0.1 µs a character on Persian text, and most characters of a report map to
    themselves. (Shared with `hazm_fast`.)"""
    runs = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]+")

    def translate(text: str) -> str:
        return runs.sub(lambda match: match.group().translate(table), text)

    return translate


def contains_any(*needles: str):
    """A cheap test for any of `needles` in a text (`in` for one, one literal regex search for several): the
    necessary condition that lets a costly pattern be skipped when it cannot match. (Shared with `hazm_fast`.)"""
    if len(needles) == 1:
        needle = needles[0]
        return lambda text: needle in text
    return re.compile("|".join(re.escape(n) for n in needles)).search


_translate_table = translating_runs(_TABLE)

# Placeholders are Latin words that hazm leaves alone and that no Persian report contains. Each pattern has a
# cheap necessary condition (a substring it cannot match without) so that most texts skip most scans.
_DIGITS3 = re.compile(r"\d{3}")
_CURRENCIES = ("ریال", "ريال", "تومان", "تومن", "دلار", "یورو", "درهم", "یوان")
_PLACEHOLDERS = [
    # any spelling of «www.» ends in «w.» or «W.»
    ("URL", re.compile(r"(?:https?://|www\.)\S+", re.I), contains_any("://", "w.", "W.")),
    ("EMAIL", re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b"), contains_any("@")),
    ("PHONE", re.compile(r"(?<!\d)(?:\+98[\s-]?|0098[\s-]?|0)9\d{2}[\s-]?\d{3}[\s-]?\d{4}(?!\d)"
                         r"|(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)"), _DIGITS3.search),
    ("DATE", re.compile(r"(?<!\d)1[34]\d{2}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{1,2}(?!\d)"), _DIGITS3.search),
    ("AMOUNT", re.compile(r"(?<![\w.])\d[\d,٬.]*(?:\s*(?:هزار|میلیون|ميليون|میلیارد|ميليارد|همت|میلیون‌|میلیارد‌))*"
                          r"\s*(?:ریال|ريال|تومان|تومن|دلار|یورو|درهم|یوان)"), contains_any(*_CURRENCIES)),
    ("PERCENT", re.compile(r"(?<![\w.])\d[\d.]*\s*(?:%|٪|درصد)"), contains_any("%", "٪", "درصد")),
]
_ZWNJ_RUNS = re.compile(r"\s*\u200c[\s\u200c]*")
_SPACES = re.compile(r"\s{2,}|[^\S ]")  # as r"\s+" -> " ", without replacing every single space by itself
_REPEATS = re.compile(r"(\D)\1{2,}")  # «خیلیییی» -> «خیلی»; Persian words never repeat a letter 3 times

_local = threading.local()


def _hazm_normalizer():
    """hazm's Normalizer (output identical, see `hazm_fast`), built once per process and thread."""
    normalizer = getattr(_local, "normalizer", None)
    if normalizer is None:
        from .hazm_fast import load_normalizer  # imported lazily: importing the package must stay cheap

        normalizer = _local.normalizer = load_normalizer()
    return normalizer


def _hazm_tokenizer():
    """hazm's WordTokenizer, built once per process and thread (never `hazm.word_tokenize` in a loop).
    The Normalizer already holds one with the same settings; building a second costs half a second."""
    return _hazm_normalizer()._tokenizer


def pre_normalise(text: str) -> str:
    """The clean-up hazm leaves undone; safe to run on its own (used by tests and the duplicate finder).

    >>> pre_normalise("كارخانه ي ما ٣٠ ميليون تومان ضرر")
    'کارخانه ی ما AMOUNT ضرر'
    """
    text = _translate_table(text)
    for token, pattern, condition in _PLACEHOLDERS:
        if condition(text):
            text = pattern.sub(f" {token} ", text)
    text = _REPEATS.sub(r"\1", text)
    if ZWNJ in text:
        text = _ZWNJ_RUNS.sub(ZWNJ, text)
    return _SPACES.sub(" ", text).strip(" " + ZWNJ)


def normalise(text: str) -> str:
    """Normalise one report: our clean-up, then hazm's Normalizer.

    >>> normalise("مي شود كارخانه ها را ديد")
    'می\u200cشود کارخانه\u200cها را دید'
    """
    text = pre_normalise(text)
    return _hazm_normalizer().normalize(text) if text else text


def normalise_many(texts: Iterable[str]) -> list[str]:
    """Normalise a batch, doing each distinct text once (registers repeat texts often)."""
    cache: dict[str, str] = {}
    out = []
    for text in texts:
        text = "" if text is None else str(text)
        done = cache.get(text)
        if done is None:
            done = cache[text] = normalise(text)
        out.append(done)
    return out


def tokenize(text: str) -> list[str]:
    """Word tokens of a normalised text, by hazm's WordTokenizer."""
    return _hazm_tokenizer().tokenize(text)


class PersianNormaliser(BaseEstimator, TransformerMixin):
    """Stateless scikit-learn step: raw report texts in, normalised texts out.

    Keeping it inside the fitted Pipeline means training and prediction can never normalise differently.
    The hazm objects are module-level, so the pickled model stays small and loads fast.
    """

    def fit(self, X, y=None):
        self.n_features_in_ = 1
        return self

    def transform(self, X) -> list[str]:
        return normalise_many(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
