"""Per-site figures: counts, first/last dates, articles per day, and what is missing.

FerretDB 1.24 aggregates only with simple stages: `$group` knows `$sum` but not `$min`/`$max`,
and there is no `$dateToString` or `$cond`. So the figures come from one projected scan
(site, date, authors: small documents) computed here, plus two `$match`/`$group` pipelines for
the text checks, which must look at the text on the server. The same queries run on MongoDB,
so both servers give the same figures.

On the local database with its search index (crawler/search/index/), the same figures come
from the index's per-article summary instead (no scan of the articles: well under a second at
100,000 articles); `index_stats` computes them there by the same definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from crawler.search.index import day_bounds, from_millis
from crawler.search.query import DEFAULT_TZ, zone

if TYPE_CHECKING:
    from pymongo.collection import Collection

    from crawler.search.index import SearchIndex
    from crawler.search.source import Searchable

#: Texts shorter than this many characters count as short (a teaser, a caption, a failed extraction).
SHORT_TEXT_CHARS = 200
NO_SITE = "(none)"


@dataclass
class SiteStats:
    """Figures of one site; shares are fractions of `articles`."""

    site: str
    articles: int = 0
    first: datetime | None = None
    last: datetime | None = None
    #: Articles published on each day of the window, oldest first.
    per_day: list[int] = field(default_factory=list)
    missing_date: int = 0
    missing_author: int = 0
    empty_text: int = 0
    #: Not empty, but shorter than the short-text limit.
    short_text: int = 0

    def share(self, count: int) -> float:
        """The fraction of the site's articles that count is."""
        return count / self.articles if self.articles else 0.0

    @property
    def in_window(self) -> int:
        """Articles published within the window."""
        return sum(self.per_day)


@dataclass
class ArchiveStats:
    """Figures of every site over a window of days ending on `days[-1]` (dates in `tz`)."""

    days: list[date]
    tz: str
    short_chars: int
    sites: list[SiteStats]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures (dates as ISO strings)."""
        return {
            "days": [d.isoformat() for d in self.days],
            "tz": self.tz,
            "short_text_chars": self.short_chars,
            "sites": [
                {
                    "site": s.site,
                    "articles": s.articles,
                    "first": s.first.isoformat() if s.first else None,
                    "last": s.last.isoformat() if s.last else None,
                    "per_day": s.per_day,
                    "missing_date": s.missing_date,
                    "missing_author": s.missing_author,
                    "empty_text": s.empty_text,
                    "short_text": s.short_text,
                }
                for s in self.sites
            ],
        }


def _site_key(value: Any) -> str:
    return value if isinstance(value, str) and value else NO_SITE


def _group_counts(collection: Collection[dict[str, Any]], match: dict[str, Any]) -> dict[str, int]:
    pipeline = [{"$match": match}, {"$group": {"_id": "$site", "n": {"$sum": 1}}}]
    counts: dict[str, int] = {}
    for row in collection.aggregate(pipeline):
        key = _site_key(row["_id"])
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def _window(days: int, end: date | None, tz: str) -> tuple[Any, list[date], dict[date, int]]:
    """The time zone, the `days` local days up to `end` (today in tz), and each day's slot."""
    if days < 1:
        raise ValueError("days must be 1 or more")
    local = zone(tz)
    end = end or datetime.now(local).date()
    window = [end - timedelta(days=days - 1 - i) for i in range(days)]
    return local, window, {day: i for i, day in enumerate(window)}


def archive_stats(
    collection: Collection[dict[str, Any]],
    *,
    days: int = 30,
    end: date | None = None,
    tz: str = DEFAULT_TZ,
    sites: list[str] | None = None,
    short_chars: int = SHORT_TEXT_CHARS,
) -> ArchiveStats:
    """Figures per site; the window is the `days` days up to `end` (today in tz by default)."""
    local, window, index = _window(days, end, tz)
    scope: dict[str, Any] = {"site": {"$in": list(sites)}} if sites else {}
    by_site: dict[str, SiteStats] = {}

    projection = {"_id": 0, "site": 1, "published_at": 1, "authors": 1}
    with collection.find(scope, projection, batch_size=2000) as cursor:
        for doc in cursor:
            key = _site_key(doc.get("site"))
            stats = by_site.get(key) or by_site.setdefault(key, SiteStats(key, per_day=[0] * days))
            stats.articles += 1
            if not doc.get("authors"):
                stats.missing_author += 1
            published = doc.get("published_at")
            if not isinstance(published, datetime):
                stats.missing_date += 1
                continue
            published = published.astimezone(UTC)
            stats.first = published if stats.first is None else min(stats.first, published)
            stats.last = published if stats.last is None else max(stats.last, published)
            slot = index.get(published.astimezone(local).date())
            if slot is not None:
                stats.per_day[slot] += 1

    not_blank = {"$regex": r"\S"}
    empty = _group_counts(collection, {**scope, "text": {"$not": not_blank}})
    long_enough = {"$regex": rf"^[\s\S]{{{short_chars}}}"}
    short_match = {**scope, "$and": [{"text": not_blank}, {"text": {"$not": long_enough}}]}
    short = _group_counts(collection, short_match)
    for key, stats in by_site.items():
        stats.empty_text = empty.get(key, 0)
        stats.short_text = short.get(key, 0)
    ordered = sorted(by_site.values(), key=lambda s: s.site)
    return ArchiveStats(days=window, tz=tz, short_chars=short_chars, sites=ordered)


def index_stats(
    index: SearchIndex,
    *,
    days: int = 30,
    end: date | None = None,
    tz: str = DEFAULT_TZ,
    sites: list[str] | None = None,
    short_chars: int = SHORT_TEXT_CHARS,
) -> ArchiveStats:
    """The figures of archive_stats, read from the local search index instead of the articles."""
    local, window, slots = _window(days, end, tz)
    by_site: dict[str, SiteStats] = {}
    for site, count, first, last, no_date, no_author, blank in index.site_figures(sites):
        key = _site_key(site)
        stats = by_site.get(key) or by_site.setdefault(key, SiteStats(key, per_day=[0] * days))
        stats.articles += count
        stats.missing_date += no_date
        stats.missing_author += no_author
        stats.empty_text += blank
        for moment in (first, last):
            if moment is not None:
                when = from_millis(moment)
                stats.first = when if stats.first is None else min(stats.first, when)
                stats.last = when if stats.last is None else max(stats.last, when)
    for site, count in index.short_texts(short_chars, sites).items():
        by_site[_site_key(site)].short_text += count
    start, stop = day_bounds(window, local)
    for site, published in index.published_between(start, stop, sites):
        slot = slots.get(published.astimezone(local).date())
        if slot is not None:
            by_site[_site_key(site)].per_day[slot] += 1
    ordered = sorted(by_site.values(), key=lambda s: s.site)
    return ArchiveStats(days=window, tz=tz, short_chars=short_chars, sites=ordered)


def figures_for(archive: Searchable, **options: Any) -> ArchiveStats:
    """archive_stats from the local search index when the archive has one, else by the scan."""
    index = archive.local_index
    if index is not None:
        return index_stats(index, **options)
    return archive_stats(archive.articles, **options)
