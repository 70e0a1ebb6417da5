"""Charts for the report: matplotlib figures returned as inline SVG (no browser, no CDN).

Glyphs are drawn as paths in the SVG, so Chinese labels render in any browser offline. The
CJK font is the Noto Sans CJK that `scripts/system-deps.sh` installs; without it charts still
render, with a warning, and Chinese labels show as boxes.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

log = logging.getLogger("karez.analyse")

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Serif CJK SC",
                "WenQuanYi Zen Hei", "AR PL UMing CN", "Source Han Sans SC")
PALETTE = ("#1b6ca8", "#e07b39", "#3a9e6f", "#b5446e", "#7a5fb0", "#c9a227", "#4aa3b5",
           "#8c6d46", "#d1495b", "#5c7a29", "#888888")


class CJKFontMissing(UserWarning):
    """No CJK font was found; Chinese labels in charts will not render."""


def cjk_font() -> str | None:
    """The family name of an installed CJK font, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)


def _setup() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import rcParams

    family = cjk_font()
    if family is None:
        warnings.warn(
            "no CJK font found (install Debian fonts-noto-cjk with `make system-deps`); "
            "Chinese labels in charts will show as boxes",
            CJKFontMissing,
            stacklevel=3,
        )
        rcParams["font.family"] = ["DejaVu Sans"]
    else:
        rcParams["font.family"] = [family, "DejaVu Sans"]
    rcParams["svg.fonttype"] = "path"  # glyphs as outlines: renders offline in any browser
    rcParams["svg.hashsalt"] = "karez"  # stable ids, so the same data gives the same file
    rcParams["axes.spines.top"] = False
    rcParams["axes.spines.right"] = False
    rcParams["font.size"] = 10


def _svg(fig: Figure) -> str:
    from matplotlib import pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def bar_chart(values: pd.Series, title: str, xlabel: str, small: int) -> str:
    """Horizontal bars, largest at the top; bars under `small` are hatched and marked."""
    _setup()
    from matplotlib import pyplot as plt

    values = values.sort_values()
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * max(len(values), 2) + 1.2))
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(values))][::-1]
    bars = ax.barh([str(v) for v in values.index], values.to_numpy(), color=colors)
    for bar, value in zip(bars, values.to_numpy(), strict=True):
        if 0 < value < small:
            bar.set_hatch("//")
        ax.annotate(f"{int(value)}{' †' if 0 < value < small else ''}",
                    (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel(xlabel)
    return _svg(fig)


def grouped_bars(table: pd.DataFrame, title: str, ylabel: str) -> str:
    """Columns of `table` as groups of bars per row."""
    _setup()
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    table.plot.bar(ax=ax, color=list(PALETTE[: len(table.columns)]) or None, width=0.8)
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("")
    ax.tick_params(axis="x", labelrotation=35)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.legend(frameon=False, fontsize=8)
    return _svg(fig)


def heatmap(table: pd.DataFrame, title: str, small: int) -> str:
    """A grid of counts (rows x columns) with the count written in each cell."""
    _setup()
    from matplotlib import pyplot as plt

    rows, cols = table.shape
    fig, ax = plt.subplots(figsize=(max(5.0, 0.9 * cols + 2.5), max(2.5, 0.45 * rows + 1.5)))
    data = table.to_numpy(dtype=float)
    ax.imshow(data, cmap="Blues", aspect="auto")
    ax.set_xticks(range(cols), [str(c) for c in table.columns], rotation=40, ha="right")
    ax.set_yticks(range(rows), [str(r) for r in table.index])
    top = data.max() if data.size else 0
    for i in range(rows):
        for j in range(cols):
            value = int(data[i, j])
            mark = " †" if 0 < value < small else ""
            ax.text(j, i, f"{value}{mark}", ha="center", va="center", fontsize=8,
                    color="white" if top and value > top * 0.6 else "black")
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[:].set_visible(False)
    return _svg(fig)


def timeline_chart(table: pd.DataFrame, title: str) -> str:
    """People per period and event type, as lines over time."""
    _setup()
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.6))
    x = range(len(table.index))
    for k, column in enumerate(table.columns):
        ax.plot(x, table[column].to_numpy(), marker="o", markersize=3, label=str(column),
                color=PALETTE[k % len(PALETTE)])
    step = max(1, len(table.index) // 12)
    ax.set_xticks(list(x)[::step], [str(p) for p in table.index][::step], rotation=40, ha="right")
    ax.set_ylabel("people")
    ax.set_title(title, loc="left", fontsize=11)
    ax.legend(frameon=False, fontsize=8)
    return _svg(fig)


def histogram(values: list[int], title: str, xlabel: str) -> str:
    """Counts of integer values (e.g. sizes of family circles)."""
    _setup()
    from matplotlib import pyplot as plt

    series = pd.Series(values, dtype="int64").value_counts().sort_index()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.bar([str(v) for v in series.index], series.to_numpy(), color=PALETTE[0])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("circles")
    ax.set_title(title, loc="left", fontsize=11)
    return _svg(fig)
