"""The chart of `newsarchive trends --plot`: matches per period, stacked by site, as PNG or SVG (Agg)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from crawler.search.trends import Trend

#: Fonts tried in order for Chinese query words in the title (Debian: fonts-wqy-microhei).
CJK_FONTS = [
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Droid Sans Fallback",
    "DejaVu Sans",
]


def plot_trend(trend: Trend, title: str, path: Path) -> None:
    """Bars per period stacked by site; the format is the file's suffix (.png or .svg)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 4.8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(trend.periods)))
    bottom = [0] * len(positions)
    for site in trend.sites:
        counts = trend.counts[site]
        axes.bar(positions, counts, bottom=bottom, width=0.8, label=f"{site} ({sum(counts)})")
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    step = max(1, len(positions) // 12)
    axes.set_xticks(
        positions[::step], [trend.label(p) for p in trend.periods][::step], rotation=30, ha="right"
    )
    axes.set_ylabel(f"matching articles per {trend.by}")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title, fontfamily=CJK_FONTS)
    axes.grid(axis="y", alpha=0.3)
    if trend.sites:
        axes.legend(loc="upper left", fontsize="small", ncols=max(1, len(trend.sites) // 8 + 1))
    figure.savefig(path, format=path.suffix.lstrip(".").lower())
