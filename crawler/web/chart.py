"""The articles-per-day chart as inline SVG geometry, computed here so it draws without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

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


@dataclass(frozen=True)
class Chart:
    """Bars plus the axis facts the template prints."""

    bars: list[Bar]
    top: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = BOTTOM
    plot_top: int = TOP

    @property
    def baseline(self) -> int:
        """The y of the zero line."""
        return self.height - self.bottom

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
