"""The articles-per-day chart of `newsarchive stats --plot`, drawn without a display (Agg)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from crawler.stats.figures import ArchiveStats


def plot_per_day(stats: ArchiveStats, path: Path) -> None:
    """One line per site, articles per day over the window, saved as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(10, 4.8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for site in stats.sites:
        axes.plot(
            stats.days,  # type: ignore[arg-type]  # matplotlib plots dates
            site.per_day,
            marker="o" if len(stats.days) <= 31 else None,
            markersize=3,
            label=f"{site.site} ({site.in_window})",
        )
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.set_ylabel("articles per day")
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"Articles per day, {stats.days[0]} to {stats.days[-1]} ({stats.tz})")
    axes.grid(alpha=0.3)
    if stats.sites:
        axes.legend(loc="upper left", fontsize="small", ncols=max(1, len(stats.sites) // 8 + 1))
    figure.savefig(path, format="png")
