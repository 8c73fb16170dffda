"""Normalisation: table-driven cases of the messy text real reports carry."""

import pytest

from pipeline import normalise as norm
from pipeline.normalise import PersianNormaliser, normalise, normalise_many, pre_normalise, tokenize

ZWNJ = "\u200c"

CASES = [
    ("", ""),
    ("   ", ""),
    # Arabic keyboard letters and variants
    ("كارخانه ي ما", f"کارخانه{ZWNJ}ی ما"),
    ("مؤسسه ة أحمد إيران", "موسسه ه احمد ایران"),
    ("خانۀ صنعت", "خانه صنعت"),
    # ZWNJ: missing, as a space, doubled, with spaces around
    ("مي شود", f"می{ZWNJ}شود"),
    ("میشود", f"می{ZWNJ}شود"),
    ("کارخانه ها", f"کارخانه{ZWNJ}ها"),
    (f"کارخانه{ZWNJ}{ZWNJ}ها", f"کارخانه{ZWNJ}ها"),
    (f"کارخانه {ZWNJ} ها", f"کارخانه{ZWNJ}ها"),
    # tatweel, diacritics, stretched letters
    ("تولیــــــد", "تولید"),
    ("تَوْلید", "تولید"),
    ("خیلیییی بد", "خیلی بد"),
    # digits: Persian, Arabic-Indic and Latin all become one form
    ("۱۲ نفر", "۱۲ نفر"),
    ("١٢ نفر", "۱۲ نفر"),
    ("12 نفر", "۱۲ نفر"),
    # placeholders
    ("۳۰ میلیون تومان ضرر", "AMOUNT ضرر"),
    ("120 ميليارد ريال بدهی", "AMOUNT بدهی"),
    ("تماس 09161234567", "تماس PHONE"),
    ("تلفن ۰۶۱-۳۳۳۳۴۴۴۴", "تلفن PHONE"),
    ("سایت https://khouzestan.ir/x?a=1 را ببینید", "سایت URL را ببینید"),
    ("بازدید ۱۴۰۳/۰۵/۱۲ انجام شد", "بازدید DATE انجام شد"),
    ("ظرفیت ۴۰٪", "ظرفیت PERCENT"),
    # invisible marks and odd spaces
    ("برق\u200f رفت\u00a0امروز", "برق رفت امروز"),
]


@pytest.mark.parametrize("raw, expected", CASES)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_cp1256_era_text_decoded_then_normalised():
    # Windows-1256 encodes Arabic ي and ك; old Persian software wrote them for ی and ک.
    raw = "كارخانه در شهرك صنعتي".encode("cp1256").decode("cp1256")
    assert normalise(raw) == "کارخانه در شهرک صنعتی"


def test_pre_normalise_only_does_our_part():
    assert pre_normalise("كارخانه ي ما ٣٠ ميليون تومان ضرر") == "کارخانه ی ما AMOUNT ضرر"


def test_normalise_many_keeps_order_and_handles_none():
    out = normalise_many(["كار", None, "كار", ""])
    assert out == ["کار", "", "کار", ""]


def test_hazm_objects_are_built_once_per_process():
    assert norm._hazm_normalizer() is norm._hazm_normalizer()
    assert norm._hazm_tokenizer() is norm._hazm_tokenizer()


def test_tokenize_splits_punctuation_and_keeps_zwnj_words():
    assert tokenize(normalise("سلام، کارخانه ها تعطیل شد!")) == ["سلام", "،", f"کارخانه{ZWNJ}ها", "تعطیل", "شد", "!"]


def test_transformer_is_stateless_and_needs_no_fit():
    assert PersianNormaliser().transform(["مي شود"]) == [f"می{ZWNJ}شود"]


def test_our_faster_hazm_normalizer_matches_hazm(mini_corpus):
    import hazm

    reference = hazm.Normalizer()
    ours = norm._hazm_normalizer()
    texts = [pre_normalise(t) for t in mini_corpus["text"]] + [raw for raw, _ in CASES]
    assert [ours.normalize(t) for t in texts] == [reference.normalize(t) for t in texts]
