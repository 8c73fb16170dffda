"""Matplotlib charts with Persian text: a font that has every glyph, labels read right to left.

Matplotlib 3.11 and newer shape text with libraqm (HarfBuzz and the Unicode bidi algorithm), so Persian
strings go in as they are: letters join and words run right to left. Pre-shaping them with arabic-reshaper
and python-bidi, as older Matplotlib needed, would now reverse them a second time.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from .reporting import persian_digits

# Ships inside matplotlib, so every machine has it, and covers Persian letters and digits, ZWNJ and «».
FONT = "DejaVu Sans"


def use_persian_font(family: str = FONT) -> Path:
    """Make `family` the font of every later figure and return its file; raises if it is not installed
    (rather than silently falling back to a font that may draw empty boxes)."""
    import matplotlib as mpl
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    mpl.rcParams.update({"font.family": [family], "figure.dpi": 100, "savefig.dpi": 120,
                         "axes.spines.top": False, "axes.spines.right": False, "figure.autolayout": True})
    return Path(path)


def missing_glyphs(texts, font_path: str | Path | None = None) -> list[str]:
    """The characters of `texts` that the font has no glyph for, i.e. that would render as empty boxes.

    Invisible format and control characters (ZWNJ, bidi marks, newlines) draw nothing and are not checked.

    >>> missing_glyphs(["کمبود سرمایه در گردش ۱۴۰۳"])
    []
    """
    from matplotlib import font_manager

    path = font_path or font_manager.findfont(font_manager.FontProperties(family=FONT), fallback_to_default=False)
    charmap = font_manager.get_font(str(path)).get_charmap()
    seen = dict.fromkeys(c for text in texts for c in str(text))
    return [c for c in seen if ord(c) not in charmap and unicodedata.category(c) not in ("Cc", "Cf")]


def persian_ticks(axis, fmt: str = "{:g}") -> None:
    """Show an axis's numbers in Persian digits."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: persian_digits(fmt.format(value))))


def shorten(text: str, width: int = 40) -> str:
    """Cut a long label to `width` characters with an ellipsis, so that bars keep their room."""
    text = str(text)
    return text if len(text) <= width else text[:width - 1] + "…"


def with_code(name: str, code: str, width: int = 40) -> str:
    """«نام گروه (FIN-01)»: the Persian name first, so that the label reads right to left as a whole."""
    return f"{shorten(name, width)} ({code})"


def legend(ax, **kwargs):
    """A legend for right-to-left readers: each marker after (to the right of) its label."""
    return ax.legend(markerfirst=False, **{"loc": "upper left", **kwargs})


def barh(ax, labels, values, *, title: str = "", xlabel: str = "", color: str = "#3b75af", percent: bool = False):
    """Horizontal bars for right-to-left readers: the first item on top, labels on the right, bars growing
    leftwards, each bar's value written beside it."""
    labels, values = [shorten(label, 70) for label in labels], np.asarray(values, dtype=float)
    positions = np.arange(len(values))
    ax.barh(positions, values, color=color)
    ax.set_yticks(positions, labels)
    ax.yaxis.tick_right()
    ax.invert_yaxis()
    ax.invert_xaxis()
    ax.spines["left"].set_visible(False)
    ax.spines["right"].set_visible(True)
    for y, value in zip(positions, values):
        text = f"{value:.0%}" if percent else f"{value:g}"
        ax.text(value, y, " " + persian_digits(text) + " ", va="center", ha="right", fontsize=8)
    ax.set_xlim(max(values.max(initial=0) * 1.15, 1e-9), 0)
    persian_ticks(ax.xaxis, "{:.0%}" if percent else "{:g}")
    ax.set_title(title, loc="right")
    ax.set_xlabel(xlabel)
    return ax


def ranked_bars(ax, values, *, highlight: int = 0, title: str = "", xlabel: str = "", ylabel: str = "",
                percent: bool = False):
    """Every value as a thin bar, largest first: the shape of a long tail. The first `highlight` bars
    are drawn darker (e.g. the top 30 shown by name elsewhere)."""
    values = np.sort(np.asarray(values, dtype=float))[::-1]
    ranks = np.arange(1, len(values) + 1)
    ax.bar(ranks, values, width=1.0, color=np.where(ranks <= highlight, "#1f4e79", "#9ec3e6"))
    persian_ticks(ax.xaxis)
    persian_ticks(ax.yaxis, "{:.0%}" if percent else "{:g}")
    ax.set_xlim(0.5, max(len(values), 1) + 0.5)
    ax.set_title(title, loc="right")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


def heatmap(ax, table: pd.DataFrame, *, title: str = "", cmap: str = "Blues", fmt: str = "{:g}",
            xlabel: str = "", ylabel: str = ""):
    """A table as coloured cells with their values; the first column on the right, row labels on the right."""
    table = table.iloc[:, ::-1]
    values = table.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, aspect="auto")
    ax.set_xticks(range(table.shape[1]), [shorten(c, 24) for c in table.columns], rotation=30, ha="right")
    ax.set_yticks(range(table.shape[0]), [shorten(i, 30) for i in table.index])
    ax.yaxis.tick_right()
    high = np.nanmax(values) if values.size else 0
    for (row, col), value in np.ndenumerate(values):
        if value:
            ax.text(col, row, persian_digits(fmt.format(value)), ha="center", va="center", fontsize=8,
                    color="white" if value > 0.6 * high else "black")
    ax.set_title(title, loc="right")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_label_position("right")
    return image


def stacked_bars(ax, table: pd.DataFrame, x: str, columns, *, title: str = "", ylabel: str = "", every: int = 1):
    """One bar per row of `table` (e.g. a Jalali month), stacked by `columns`, every `every`-th labelled."""
    positions, bottom = np.arange(len(table)), np.zeros(len(table))
    for column in columns:
        ax.bar(positions, table[column], bottom=bottom, width=0.85, label=str(column))
        bottom += table[column].to_numpy(dtype=float)
    ax.set_xticks(positions[::every], list(table[x])[::every], rotation=60, ha="right")
    ax.set_xlim(-0.6, len(table) - 0.4)
    persian_ticks(ax.yaxis)
    legend(ax, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_title(title, loc="right")
    ax.set_ylabel(ylabel)
    return ax


def histogram(ax, values, *, bins: int = 20, threshold: float | None = None, title: str = "", xlabel: str = ""):
    """A histogram of values in [0, 1], with a dashed line at `threshold` (e.g. the review threshold)."""
    ax.hist(np.asarray(values, dtype=float), bins=np.linspace(0, 1, bins + 1), color="#3b75af", edgecolor="white")
    if threshold is not None and threshold <= 1:
        ax.axvline(threshold, color="#c0392b", linestyle="--",
                   label=f"آستانه بازبینی {persian_digits(f'{threshold:.2f}')}")
        legend(ax)
    persian_ticks(ax.xaxis, "{:.1f}")
    persian_ticks(ax.yaxis)
    ax.set_title(title, loc="right")
    ax.set_xlabel(xlabel)
    return ax


def reliability_diagram(ax, tables: dict, *, title: str = "نمودار اعتبار (کالیبراسیون)"):
    """Accuracy against mean confidence per bin, one curve per `reporting.reliability_table`; points on the
    diagonal are perfectly calibrated, and marker size shows how many reports a bin holds."""
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="کالیبراسیون کامل")
    for name, table in tables.items():
        sizes = 15 + 200 * table["count"] / max(table["count"].max(), 1)
        (line,) = ax.plot(table["mean_confidence"], table["accuracy"], label=name)
        ax.scatter(table["mean_confidence"], table["accuracy"], s=sizes, alpha=0.6, color=line.get_color())
    ax.set(xlim=(0, 1), ylim=(0, 1.02))
    persian_ticks(ax.xaxis, "{:.1f}")
    persian_ticks(ax.yaxis, "{:.1f}")
    ax.set_xlabel("میانگین اطمینان مدل")
    ax.set_ylabel("صحت واقعی")
    legend(ax)
    ax.set_title(title, loc="right")
    return ax


def save(fig, path: str | Path) -> Path:
    """Write a figure (format by extension), creating the folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight")
    return path
