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

# Placeholders are Latin words that hazm leaves alone and that no Persian report contains.
_PLACEHOLDERS = [
    ("URL", re.compile(r"(?:https?://|www\.)\S+", re.I)),
    ("EMAIL", re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")),
    ("PHONE", re.compile(r"(?<!\d)(?:\+98[\s-]?|0098[\s-]?|0)9\d{2}[\s-]?\d{3}[\s-]?\d{4}(?!\d)"
                         r"|(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")),
    ("DATE", re.compile(r"(?<!\d)1[34]\d{2}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{1,2}(?!\d)")),
    ("AMOUNT", re.compile(r"(?<![\w.])\d[\d,٬.]*(?:\s*(?:هزار|میلیون|ميليون|میلیارد|ميليارد|همت|میلیون‌|میلیارد‌))*"
                          r"\s*(?:ریال|ريال|تومان|تومن|دلار|یورو|درهم|یوان)")),
    ("PERCENT", re.compile(r"(?<![\w.])\d[\d.]*\s*(?:%|٪|درصد)")),
]
_ZWNJ_RUNS = re.compile(r"\s*\u200c[\s\u200c]*")
_SPACES = re.compile(r"\s+")
_REPEATS = re.compile(r"(\D)\1{2,}")  # «خیلیییی» -> «خیلی»; Persian words never repeat a letter 3 times

_local = threading.local()


def _hazm_normalizer():
    """hazm's Normalizer, built once per process and thread (it takes about a second)."""
    normalizer = getattr(_local, "normalizer", None)
    if normalizer is None:
        normalizer = _local.normalizer = _normalizer_class()()
    return normalizer


def _normalizer_class():
    """hazm's Normalizer with its two translation tables built once.

    hazm 0.12 rebuilds both tables inside every `normalize` call, which is a third of its time on short
    reports. The steps and their order below are hazm's own; a test checks that the output is identical.
    """
    import hazm  # imported lazily: importing the package must stay cheap and side-effect free
    from hazm import constants
    from hazm.utils import maketrans

    class Normalizer(hazm.Normalizer):
        _letters = maketrans(constants.TRANSLATION_SRC, constants.TRANSLATION_DST)
        _numbers = maketrans(constants.NUMBERS_SRC, constants.NUMBERS_DST)

        def persian_number(self, text: str) -> str:
            return text.translate(self._numbers)

        def normalize(self, text: str) -> str:
            text = text.translate(self._letters)
            steps = [(self._persian_style, self.persian_style), (self._persian_number, self.persian_number),
                     (self._remove_diacritics, self.remove_diacritics),
                     (self._correct_spacing, self.correct_spacing),
                     (self._unicodes_replacement, self.unicodes_replacement),
                     (self._remove_specials_chars, self.remove_specials_chars),
                     (self._decrease_repeated_chars, self.decrease_repeated_chars),
                     (self._seperate_mi, self.seperate_mi)]
            for enabled, step in steps:
                if enabled:
                    text = step(text)
            return text

    return Normalizer


def _hazm_tokenizer():
    """hazm's WordTokenizer, built once per process and thread (never `hazm.word_tokenize` in a loop)."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        import hazm

        tokenizer = _local.tokenizer = hazm.WordTokenizer(join_verb_parts=False)
    return tokenizer


def pre_normalise(text: str) -> str:
    """The clean-up hazm leaves undone; safe to run on its own (used by tests and the duplicate finder).

    >>> pre_normalise("كارخانه ي ما ٣٠ ميليون تومان ضرر")
    'کارخانه ی ما AMOUNT ضرر'
    """
    text = text.translate(_TABLE)
    for token, pattern in _PLACEHOLDERS:
        text = pattern.sub(f" {token} ", text)
    text = _REPEATS.sub(r"\1", text)
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
