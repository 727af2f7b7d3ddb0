"""The charts as inline SVG geometry (articles per day, matches per period), drawn without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from crawler.search.trends import Trend

WIDTH, HEIGHT = 720, 200
#: Room for the axis labels.
LEFT, BOTTOM, TOP = 36, 22, 8


@dataclass(frozen=True)
class Bar:
    """One day's bar in SVG user units, with what its tooltip says."""

    x: float
    y: float
    width: float
    height: float
    day: date
    count: int


@dataclass(frozen=True, kw_only=True)
class Frame:
    """The axis facts the templates print: the drawing's size and the plot's margins."""

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = BOTTOM
    plot_top: int = TOP

    @property
    def baseline(self) -> int:
        """The y of the zero line."""
        return self.height - self.bottom


@dataclass(frozen=True)
class Chart(Frame):
    """Bars plus the axis facts the template prints."""

    bars: list[Bar]
    top: int

    @property
    def labels(self) -> list[Bar]:
        """The bars whose date is printed under the axis (about six of them)."""
        step = max(1, len(self.bars) // 6)
        return [bar for i, bar in enumerate(self.bars) if i % step == 0]


def per_day_chart(days: list[date], counts: list[int]) -> Chart:
    """Bars scaled to the busiest day (an empty chart draws the axis only)."""
    top = max(counts, default=0)
    span = (WIDTH - LEFT) / max(1, len(days))
    usable = HEIGHT - BOTTOM - TOP
    bars = []
    for i, (day, count) in enumerate(zip(days, counts, strict=True)):
        height = usable * count / top if top else 0.0
        bars.append(
            Bar(
                x=round(LEFT + i * span + span * 0.1, 2),
                y=round(HEIGHT - BOTTOM - height, 2),
                width=round(span * 0.8, 2),
                height=round(height, 2),
                day=day,
                count=count,
            )
        )
    return Chart(bars, top)


#: Colours of the sites in a trend chart (Tableau 10), the eleventh site onwards grey.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip
OTHER_COLOUR = "#888888"


@dataclass(frozen=True)
class Segment:
    """One site's part of one period's bar."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    #: "2026-W47 · dongying: 3" (the readout adds "article(s)").
    label: str
    total: int


@dataclass(frozen=True)
class TrendChart(Frame):
    """Stacked bars (one per period, one segment per site), the legend and the axis facts."""

    segments: list[Segment]
    legend: list[tuple[str, str, int]]
    labels: list[tuple[float, str]]
    top: int


def trend_chart(trend: Trend) -> TrendChart:
    """The search page's chart of a Trend: hits per period stacked by site, scaled to the busiest period."""
    totals = trend.totals
    top = max(totals, default=0)
    span = (WIDTH - LEFT) / max(1, len(trend.periods))
    usable = HEIGHT - BOTTOM - TOP
    sites = trend.sites
    colours = {site: PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR for i, site in enumerate(sites)}
    segments = []
    for i, start in enumerate(trend.periods):
        y = float(HEIGHT - BOTTOM)
        for site in sites:
            count = trend.counts[site][i]
            if not count:
                continue
            height = usable * count / top
            y -= height
            segments.append(
                Segment(
                    x=round(LEFT + i * span + span * 0.1, 2),
                    y=round(y, 2),
                    width=round(max(span * 0.8, 0.5), 2),
                    height=round(height, 2),
                    colour=colours[site],
                    label=f"{trend.label(start)} · {site}: {count}",
                    total=totals[i],
                )
            )
    step = max(1, len(trend.periods) // 6)
    labels = [
        (round(LEFT + i * span, 2), trend.label(start))
        for i, start in enumerate(trend.periods)
        if i % step == 0
    ]
    legend = [(site, colours[site], sum(trend.counts[site])) for site in sites]
    return TrendChart(segments, legend, labels, top)
