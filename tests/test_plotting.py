"""Persian in plots: every character has a glyph in the chosen font, letters join, words run right to left."""

import doctest
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display in tests or CI

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.font_manager import findfont
from matplotlib.text import Text

from pipeline import plotting, quality, reporting
from pipeline.taxonomy import load_taxonomy

ZWNJ = "\u200c"
ARABIC_YEH_KAF = "\u064a\u0643"  # old data still holds them, so the font must draw them too
COUNTIES = ["اهواز", "دزفول", "باغ‌ملک", "مسجدسلیمان", "ماهشهر"]


@pytest.fixture(scope="module")
def font_path():
    return plotting.use_persian_font()


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def ink_columns(path) -> np.ndarray:
    """The pixel columns of a rendered PNG that hold any dark pixel."""
    image = matplotlib.image.imread(path)[..., :3].mean(axis=2)
    return np.flatnonzero((image < 0.5).any(axis=0))


def render(text, path) -> np.ndarray:
    fig = plt.figure(figsize=(8, 1))
    fig.text(0.5, 0.5, text, fontsize=32, ha="center", va="center")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return ink_columns(path)


def test_docstring_examples(font_path):
    result = doctest.testmod(plotting)
    assert result.attempted >= 1 and result.failed == 0


def test_the_font_is_the_one_chosen(font_path):
    assert font_path.name == "DejaVuSans.ttf" and font_path.exists()
    assert matplotlib.rcParams["font.family"] == [plotting.FONT]


def test_font_has_every_persian_character_we_show(font_path, taxonomy):
    texts = [g.name_fa for g in taxonomy.groups] + list(taxonomy.area_names_fa.values()) + COUNTIES
    texts += [reporting.month_label(f"1403/{m:02d}") for m in range(1, 13)] + list(reporting.HEADERS_FA.values())
    texts += [reporting.persian_digits("0123456789 12.5%"), "«»،؛؟…←", f"می{ZWNJ}رساند"]
    assert plotting.missing_glyphs(texts, font_path) == []


@pytest.mark.parametrize("text, missing", [("", []), ("漢字", ["漢", "字"]), (f"برق{ZWNJ}ها\u200f\n", []),
                                           (f"FIN-01 {ARABIC_YEH_KAF}", [])])
def test_missing_glyphs_finds_empty_boxes(font_path, text, missing):
    assert plotting.missing_glyphs([text], font_path) == missing


def test_a_missing_glyph_is_warned_about(font_path, tmp_path):
    with pytest.warns(UserWarning, match="missing from font"):
        render("کمبود 漢", tmp_path / "box.png")


def test_persian_plot_renders_every_character(font_path, taxonomy, tmp_path):
    groups = taxonomy.groups[:12]
    areas = [taxonomy.area_names_fa[a] for a in taxonomy.area_codes]
    table = pd.DataFrame(np.arange(20).reshape(5, 4), index=COUNTIES, columns=areas)
    months = pd.DataFrame({"month": [reporting.month_label(f"1403/{m:02d}") for m in range(1, 13)],
                           **{a: np.arange(12) % (i + 2) for i, a in enumerate(areas)}})
    reliability = quality.reliability_table(np.linspace(0, 1, 50), np.arange(50) % 3 > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font would fail here
        fig, axes = plt.subplots(3, 2, figsize=(16, 18))
        plotting.barh(axes[0, 0], [plotting.with_code(g.name_fa, g.code) for g in groups], np.arange(12) + 1,
                      title="گروه‌های پرتکرار", xlabel="تعداد گزارش")
        plotting.heatmap(axes[0, 1], table, title="حوزه × شهرستان", xlabel="حوزه", ylabel="شهرستان")
        plotting.stacked_bars(axes[1, 0], months, "month", areas, title="روند ماهانه", ylabel="تعداد")
        plotting.histogram(axes[1, 1], np.linspace(0, 1, 40), threshold=0.9, title="توزیع اطمینان")
        plotting.reliability_diagram(axes[2, 0], {"دسته کنارگذاشته": reliability})
        plotting.ranked_bars(axes[2, 1], np.arange(40), highlight=10, title="دنباله بلند", percent=True)
        path = plotting.save(fig, tmp_path / "figures" / "persian.png")
    assert path.stat().st_size > 10_000 and len(ink_columns(path)) > 100
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    assert {Path(findfont(t.get_fontproperties())) for t in texts} == {font_path}
    shown = [t.get_text() for t in texts]
    assert any(g.name_fa in s for s in shown for g in groups) and "مرداد ۱۴۰۳" in shown
    assert plotting.missing_glyphs(shown, font_path) == []


def test_letters_join(font_path, tmp_path):
    """Joined (medial) forms of beh are far narrower than its isolated form: unshaped text would be
    five isolated letters side by side."""
    one = render("ب", tmp_path / "one.png")
    five = render("ببببب", tmp_path / "five.png")
    assert np.ptp(five) < 0.6 * 5 * np.ptp(one)
    assert np.diff(five).max() <= 2  # one connected stroke along the baseline, no gaps between letters


def test_words_run_right_to_left(font_path, tmp_path):
    """In «آ سسسسسس» the short first word must end up on the right, so the space is in the right part."""
    columns = render("آ سسسسسس", tmp_path / "rtl.png")
    gap = columns[np.argmax(np.diff(columns))]
    assert (gap - columns.min()) / np.ptp(columns) > 0.6
    columns = render("A sssssss", tmp_path / "ltr.png")  # and Latin text still runs left to right
    gap = columns[np.argmax(np.diff(columns))]
    assert (gap - columns.min()) / np.ptp(columns) < 0.4


def test_barh_puts_labels_on_the_right(font_path):
    fig, ax = plt.subplots()
    plotting.barh(ax, ["یک", "دو"], [3, 1])
    assert ax.xaxis_inverted() and ax.yaxis_inverted()
    assert ax.yaxis.get_ticks_position() == "right"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["یک", "دو"]


@pytest.mark.parametrize("text, width, expected", [("", 5, ""), ("کمبود", 5, "کمبود"), ("کمبود سرمایه", 6, "کمبود…")])
def test_shorten(text, width, expected):
    assert plotting.shorten(text, width) == expected


def test_use_persian_font_refuses_a_missing_font():
    with pytest.raises(ValueError):
        plotting.use_persian_font("No Such Font Family")
