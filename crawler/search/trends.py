"""How often a search matched, per period and per site: `newsarchive trends` and the search page's chart.

The hits are those of `newsarchive search` (the same parsing: script-insensitive terms, quoted
phrases, filters). They are counted per site and per day in the time zone, then summed into
weeks (ISO weeks, from Monday) or months. On the local database the local search index counts
them in SQL without reading a document (a day is the UTC millisecond plus the zone's offset
at that instant, the offset changes of the range written into the query); elsewhere one
projected query (`site`, `published_at`) is counted here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from crawler.search.query import SearchQuery
    from crawler.search.source import Searchable

PERIODS = ("day", "week", "month")
DAY_MS = 86_400_000
#: Longest span a trend covers, in days (a typo'd --since 0001-01-01 must not make 700k rows).
MAX_DAYS = 366 * 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Trend:
    """Hits per period (start dates, oldest first) and per site, plus the undated hits per site."""

    by: str
    tz: str
    periods: list[date] = field(default_factory=list)
    counts: dict[str, list[int]] = field(default_factory=dict)
    undated: dict[str, int] = field(default_factory=dict)

    @property
    def sites(self) -> list[str]:
        """Sites with hits, most hits first."""
        return sorted(self.counts, key=lambda site: (-sum(self.counts[site]), site))

    @property
    def totals(self) -> list[int]:
        """Hits per period, every site."""
        return (
            [sum(column) for column in zip(*self.counts.values(), strict=True)]
            if self.counts
            else [0 for _ in self.periods]
        )

    def label(self, start: date) -> str:
        """How a period is named: 2026-11-20, 2026-W47 or 2026-11."""
        if self.by == "week":
            year, week, _ = start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.by == "month":
            return f"{start.year}-{start.month:02d}"
        return start.isoformat()

    def as_json(self) -> dict[str, Any]:
        """The trend as one JSON object (the `--json` output)."""
        return {
            "by": self.by,
            "tz": self.tz,
            "sites": self.sites,
            "periods": [
                {
                    "start": start.isoformat(),
                    "label": self.label(start),
                    "total": total,
                    "sites": {site: self.counts[site][i] for site in self.sites if self.counts[site][i]},
                }
                for i, (start, total) in enumerate(zip(self.periods, self.totals, strict=True))
            ],
            "total": sum(self.totals),
            "undated": sum(self.undated.values()),
        }


def period_start(day: date, by: str) -> date:
    """The first day of day's period."""
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def _next(start: date, by: str) -> date:
    if by == "week":
        return start + timedelta(days=7)
    if by == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def zone_offsets(tz: ZoneInfo, first: datetime, last: datetime) -> list[tuple[int, int]]:
    """(from UTC ms, offset ms) of every offset the zone has between first and last, oldest first.

    The range is widened to whole 30-day blocks so that one archive's calls share a cached answer.
    """
    block = 30 * DAY_MS
    start = (first - _EPOCH) // timedelta(milliseconds=1) // block * block
    end = -(-((last - _EPOCH) // timedelta(milliseconds=1)) // block) * block
    return list(_zone_offsets(tz, start, max(end, start + block)))


@lru_cache(maxsize=64)
def _zone_offsets(tz: ZoneInfo, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Weeks are stepped (no zone keeps an offset for less than a week), each change bisected to the ms."""

    def offset(ms: int) -> int:
        moment = _EPOCH + timedelta(milliseconds=ms)
        return int(moment.astimezone(tz).utcoffset().total_seconds() * 1000)  # type: ignore[union-attr]

    segments = [(start, offset(start))]
    at = start
    while at < end:
        step = min(at + 7 * DAY_MS, end)
        if offset(step) != segments[-1][1]:
            low, high = at, step  # offset(low) is the last one, offset(high) a new one
            while high - low > 1:
                middle = (low + high) // 2
                if offset(middle) == segments[-1][1]:
                    low = middle
                else:
                    high = middle
            segments.append((high, offset(high)))
        at = step
    return tuple(segments)


def count_by_day(
    day_counts: Any, undated: dict[str, int], by: str, tz: str, first: date | None, last: date | None
) -> Trend:
    """A Trend from (site, local day, count) rows: summed into periods, every period between present."""
    per: dict[str, Counter[date]] = {}
    days: set[date] = set()
    starts: dict[date, date] = {}
    for site, day, count in day_counts:
        name = site if isinstance(site, str) else "-"
        counter = per.get(name)
        if counter is None:
            counter = per[name] = Counter()
        start = starts.get(day)
        if start is None:
            start = starts[day] = period_start(day, by)
            days.add(day)
        counter[start] += count
    trend = Trend(by=by, tz=tz, undated=undated)
    low = first if first is not None else min(days, default=None)
    high = last if last is not None else max(days, default=None)
    if low is None or high is None:
        return trend
    if days:  # a bound far beyond every hit (--since 0001-01-01) would chart centuries of zeros
        if (min(days) - low).days > MAX_DAYS:
            low = min(days)
        if (high - max(days)).days > MAX_DAYS:
            high = max(days)
    if (high - low).days > MAX_DAYS:
        high = low + timedelta(days=MAX_DAYS)
    start = period_start(low, by)
    while start <= high:
        trend.periods.append(start)
        start = _next(start, by)
    for site, counter in per.items():
        trend.counts[site] = [counter.get(start, 0) for start in trend.periods]
    return trend


def trend(archive: Searchable, query: SearchQuery, *, by: str = "week", tz: ZoneInfo) -> Trend:
    """The hits of query per period and site; the range is --since/--until, else the first and last hit."""
    if by not in PERIODS:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}, not {by!r}")
    first = _local_day(query.since, tz)
    last = _local_day(query.until - timedelta(milliseconds=1), tz) if query.until else None
    index = archive.local_index
    if index is not None:
        rows, undated = index.day_counts(query, tz)
    else:
        rows, undated = _scan_day_counts(archive, query, tz)
    return count_by_day(rows, undated, by, str(tz), first, last)


def _local_day(moment: datetime | None, tz: ZoneInfo) -> date | None:
    """The local day of a range bound; None (no bound) for one at the edge of what a date holds."""
    if moment is None:
        return None
    try:
        return moment.astimezone(tz).date()
    except OverflowError:
        return None


def _scan_day_counts(
    archive: Searchable, query: SearchQuery, tz: ZoneInfo
) -> tuple[list[Any], dict[str, int]]:
    """(site, local day, count) from one projected query (MongoDB's indexes, or FerretDB's scan)."""
    days: Counter[tuple[str, date]] = Counter()
    undated: Counter[str] = Counter()
    projection = {"_id": 0, "site": 1, "published_at": 1}
    for doc in archive.articles.find(query.filter(), projection, batch_size=5000):
        named = doc.get("site")
        site = named if isinstance(named, str) else "-"
        when = doc.get("published_at")
        if isinstance(when, datetime):
            moment = when if when.tzinfo else when.replace(tzinfo=UTC)
            days[(site, moment.astimezone(tz).date())] += 1
        else:
            undated[site] += 1
    return [(site, day, count) for (site, day), count in days.items()], dict(undated)
