"""hazm's Normalizer, made fast without changing a single output character.

Two costs dominate hazm 0.12 on short reports, and both are waste rather than work:

* building it: `hazm.Normalizer()` parses hazm's word list twice and conjugates every verb (about a
  second); `load_normalizer` keeps the built object in a per-user cache file that loads in 0.2 s;
* running it: `normalize` rebuilds two translation tables per call and runs about 30 regular expressions
  over every text, although most of them cannot match most texts (a pattern that needs «...» cannot
  change a text without dots). `FastNormalizer` runs hazm's own steps in hazm's order, but asks a cheap
  necessary condition first and skips a pattern whose condition fails.

Patterns without a known condition always run, so a newer hazm with new patterns stays correct; a test
checks the output is identical to `hazm.Normalizer` on the whole corpus and on random strings.
This module imports hazm at the top: import it lazily (pipeline.normalise does).
"""

from __future__ import annotations

import os
import pickle
import re
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import hazm
from hazm import constants
from hazm.utils import maketrans

from .normalise import contains_any, translating_runs

_ANY_DIGIT = re.compile(r"\d")
_ZWNJ = "\u200c"

# hazm pattern -> a cheap test that is True whenever the pattern could change the text.
# A pattern replaces matches; if a necessary substring is absent, no match exists and the text is unchanged.
_CONDITIONS = {
    # EXTRA_SPACE_PATTERNS
    r"^ +| +$": lambda text: text[:1] == " " or text[-1:] == " ",
    r" {2,}": contains_any("  "),
    r"\n{3,}": contains_any("\n\n\n"),
    r"\u200c{2,}": contains_any(_ZWNJ * 2),
    r"\u200c{1,} ": contains_any(_ZWNJ + " "),
    r" \u200c{1,}": contains_any(" " + _ZWNJ),
    r"\b\u200c*\B": contains_any(_ZWNJ),  # an empty match replaced by '' changes nothing
    r"\B\u200c*\b": contains_any(_ZWNJ),
    r"[ـ\r]": contains_any("ـ", "\r"),
    # AFFIX_SPACING_PATTERNS
    r"([^ ]ه) ی ": contains_any("ه ی "),
    r"(^| )(ن?می) ": contains_any("می "),
    r"(?<=[^\n\d \.:!،؛؟»\]\)\}«\[\(\{]{2}) (تر(ین?)?|گری?|های?)(?=[ \n\.:!،؛؟»\]\)\}«\[\(\{]|$)":
        contains_any(" تر", " گر", " ها"),
    r"([^ ]ه) (ا(م|یم|ش|ند|ی|ید|ت))(?=[ \n\.:!،؛؟»\]\)\}]|$)": contains_any("ه ا"),
    r"(ه)(ها)": contains_any("هها"),
    # PUNCTUATION_SPACING_PATTERNS
    r'" ([^\n"]+) "': contains_any('" '),
    r"([^ «\[\(\{])([«\[\(\{])": contains_any("«", "[", "(", "{"),
    r"(\d)([آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی])": _ANY_DIGIT.search,
    r"([آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی])(\d)": _ANY_DIGIT.search,
    # PERSIAN_STYLE_PATTERNS
    r'"([^\n"]+)"': contains_any('"'),
    r"([\d+])\.([\d+])": contains_any("."),
    r" ?\.\.\.": contains_any("..."),
}


def _gated(patterns) -> list[tuple[re.Pattern, str, object]]:
    """hazm's (pattern, replacement) list, compiled, each with its condition (None: always run)."""
    return [(re.compile(pattern), replacement, _CONDITIONS.get(pattern)) for pattern, replacement in patterns]


def _apply(gated, text: str) -> str:
    for pattern, replacement, condition in gated:
        if condition is None or condition(text):
            text = pattern.sub(replacement, text)
    return text


def _fast_token_pattern(pattern: re.Pattern) -> re.Pattern:
    """hazm's WordTokenizer pattern with a look-ahead of its possible first characters in front: the same
    matches, but Python's regex engine skips ordinary letters without trying each alternative (~35% faster)."""
    if pattern.pattern != _HAZM_TOKEN_PATTERN:
        return pattern  # a hazm with another pattern: keep it as it is
    return re.compile(r'(?=[؟!?\d.:،؛»\])}"«\[({/\\])' + _HAZM_TOKEN_PATTERN)


_HAZM_TOKEN_PATTERN = r'([؟!?]+|[\d.:]+|[:.،؛»\])}"«\[({/\\])'


class FastNormalizer(hazm.Normalizer):
    """`hazm.Normalizer` with identical output; see the module docstring for what it skips and why."""

    _letters = maketrans(constants.TRANSLATION_SRC, constants.TRANSLATION_DST)
    _numbers = maketrans(constants.NUMBERS_SRC, constants.NUMBERS_DST)
    _translate_letters = staticmethod(translating_runs(_letters))
    _translate_numbers = staticmethod(translating_runs(_numbers))
    _extra_space = _gated(constants.EXTRA_SPACE_PATTERNS)
    _affix_spacing = _gated(constants.AFFIX_SPACING_PATTERNS)
    _punctuation_spacing = _gated(constants.PUNCTUATION_SPACING_PATTERNS)
    _persian_style_patterns = _gated(constants.PERSIAN_STYLE_PATTERNS)
    _diacritics = _gated(constants.DIACRITICS_PATTERNS)
    _specials = _gated(constants.SPECIAL_CHARS_PATTERNS)
    _unicode_chars = re.compile("[" + re.escape("".join(old for old, _ in constants.UNICODE_REPLACEMENTS)) + "]")
    _triple = re.compile(r"([آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی])\1{2,}")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self._tokenizer is not None:
            self._tokenizer.pattern = _fast_token_pattern(self._tokenizer.pattern)
        # hazm's token_spacing joins two tokens when their pair is a verb or a word with a positive count;
        # one set answers both questions with one look-up per token instead of three.
        words, verbs = self._words or {}, self._verbs or set()
        self._joinable = frozenset(verbs).union(word for word, (count, *_) in words.items() if count > 0)

    def token_spacing(self, tokens: list[str]) -> list[str]:
        """hazm's `token_spacing`, same decisions in the same order."""
        if not self._words:
            return super().token_spacing(tokens)
        joinable, words, verbs, last = self._joinable, self._words, self._verbs, len(tokens) - 1
        result: list[str] = []
        for t, token in enumerate(tokens):
            if result:
                pair = result[-1] + _ZWNJ + token
                if pair in joinable:
                    # hazm keeps them apart when the token starts a two-part verb with the next one
                    if not (t < last and verbs and token + "_" + tokens[t + 1] in verbs):
                        result[-1] = pair
                        continue
                elif token in constants.SUFFIXES and result[-1] in words:
                    result[-1] = pair
                    continue
            result.append(token)
        return result

    def persian_style(self, text: str) -> str:
        return _apply(self._persian_style_patterns, text)

    def persian_number(self, text: str) -> str:
        return self._translate_numbers(text)

    def remove_diacritics(self, text: str) -> str:
        return _apply(self._diacritics, text)

    def remove_specials_chars(self, text: str) -> str:
        return _apply(self._specials, text)

    def unicodes_replacement(self, text: str) -> str:
        return super().unicodes_replacement(text) if self._unicode_chars.search(text) else text

    def decrease_repeated_chars(self, text: str) -> str:
        # hazm's pattern needs a letter three times in a row; its scan is slow, this search is not.
        return super().decrease_repeated_chars(text) if self._triple.search(text) else text

    def seperate_mi(self, text: str) -> str:
        return super().seperate_mi(text) if "می" in text else text

    def correct_spacing(self, text: str) -> str:
        text = _apply(self._extra_space, text)
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if line.strip() and self._tokenizer:
                lines[i] = " ".join(self.token_spacing(self._tokenizer.tokenize(line)))
        text = _apply(self._affix_spacing, "\n".join(lines))
        return _apply(self._punctuation_spacing, text)

    def normalize(self, text: str) -> str:
        """hazm's steps in hazm's order (hazm 0.12 `Normalizer.normalize`)."""
        text = self._translate_letters(text)
        steps = [(self._persian_style, self.persian_style), (self._persian_number, self.persian_number),
                 (self._remove_diacritics, self.remove_diacritics), (self._correct_spacing, self.correct_spacing),
                 (self._unicodes_replacement, self.unicodes_replacement),
                 (self._remove_specials_chars, self.remove_specials_chars),
                 (self._decrease_repeated_chars, self.decrease_repeated_chars),
                 (self._seperate_mi, self.seperate_mi)]
        for enabled, step in steps:
            if enabled:
                text = step(text)
        return text


CACHE_VERSION = 3  # bump when FastNormalizer's instance attributes change


def cache_path() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    try:
        version = metadata.version("hazm")
    except metadata.PackageNotFoundError:
        version = "unknown"
    python = f"py{sys.version_info[0]}{sys.version_info[1]}"
    return base / "obstacle-pipeline" / f"hazm-{version}-{python}-v{CACHE_VERSION}.pickle"


def load_normalizer() -> FastNormalizer:
    """A built FastNormalizer: from the per-user cache when it is there and readable, else built and cached.

    The cache holds only hazm's own data (word list, verb conjugations) as this process built it; a missing,
    stale or unreadable cache is rebuilt, and an unwritable cache directory just means no cache.
    """
    path = cache_path()
    try:
        with path.open("rb") as f:
            normalizer = pickle.load(f)
        if type(normalizer) is FastNormalizer:
            return normalizer
    except Exception:  # noqa: BLE001 - any unreadable cache is simply rebuilt
        pass
    normalizer = FastNormalizer()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
            pickle.dump(normalizer, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)
    except OSError:
        pass
    return normalizer
