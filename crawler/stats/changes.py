"""Edits and take-downs as data: the changes the archive saw, and their share per month.

Read from the archive sequence (crawler/store/changelog.py), which lists every new article,
new version and gone / restored event with its time, article and site: one read of the log
(about a hundred changes per document), not a scan of the articles with their history and
events (~100 s at 100,000 articles on the local FerretDB). History from before the sequence
existed is there once the backfill has run (crawler/store/backfill.py: `db sequence`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from crawler.store.changelog import GONE, NEW, RESTORED, VERSION, ChangeLog

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pymongo.database import Database

#: How the commands and pages name the kinds of change (a new version is an edit).
LABELS = {VERSION: "edited", GONE: "gone", RESTORED: "restored"}
KINDS = tuple(LABELS.values())


@dataclass(slots=True)
class Change:
    """One edit, take-down or restoration."""

    seq: int
    kind: str
    site: str | None
    url: str
    at: datetime | None
    #: The version current after the change (an edit made version `version` from `version - 1`).
    version: int

    def as_json(self) -> dict[str, Any]:
        """For `changes --json`."""
        at = self.at.astimezone(UTC).isoformat().replace("+00:00", "Z") if self.at else None
        return {
            "seq": self.seq,
            "kind": self.kind,
            "site": self.site,
            "url": self.url,
            "at": at,
            "version": self.version,
        }


def _entries(db: Database[dict[str, Any]]) -> Iterator[tuple[int, Any]]:
    """Every change that reached the store, in sequence order, up to the low-water mark."""
    log = ChangeLog(db)
    for block in log.blocks(0, scan=True):
        void = block.void if block.done else log.void_entries(block)
        for offset, entry in enumerate(block.entries):
            if offset not in void:
                yield block.start + offset, entry


def changes(
    db: Database[dict[str, Any]],
    *,
    sites: list[str] | None = None,
    since: datetime | None = None,
    kinds: list[str] | None = None,
) -> list[Change]:
    """Edits, take-downs and restorations (kinds: names from KINDS), newest first."""
    wanted = set(kinds or KINDS)
    found = []
    for seq, entry in _entries(db):
        label = LABELS.get(entry.kind)
        if label not in wanted or (sites and entry.site not in sites):
            continue
        if since is not None and (entry.at is None or entry.at < since):
            continue
        found.append(Change(seq, label, entry.site, entry.article, entry.at, entry.version))
    found.sort(key=lambda c: (c.at or datetime.min.replace(tzinfo=UTC), c.seq), reverse=True)
    return found


@dataclass
class MonthShare:
    """One month of one site (or all): articles archived by its end, and those edited or gone in it."""

    month: str
    archived: int
    edited: int
    gone: int

    @property
    def edited_share(self) -> float:
        """Articles edited in the month, per article archived by its end."""
        return self.edited / self.archived if self.archived else 0.0

    @property
    def gone_share(self) -> float:
        """Articles taken down in the month, per article archived by its end."""
        return self.gone / self.archived if self.archived else 0.0


@dataclass
class Shares:
    """Per month, per site: how much of the archive was edited or taken down."""

    tz: str
    sites: dict[str, list[MonthShare]] = field(default_factory=dict)


def monthly_shares(
    db: Database[dict[str, Any]], *, sites: list[str] | None = None, tz: str | ZoneInfo = "UTC"
) -> Shares:
    """The share of articles edited or gone per month and site (distinct articles, time zone tz)."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    new: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    touched: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(
        lambda: defaultdict(lambda: {VERSION: set(), GONE: set()})
    )
    for _seq, entry in _entries(db):
        site = entry.site or "unknown"
        if (sites and site not in sites) or entry.at is None:
            continue
        month = entry.at.astimezone(zone).strftime("%Y-%m")
        if entry.kind == NEW:
            new[site][month] += 1
        elif entry.kind in (VERSION, GONE):
            touched[site][month][entry.kind].add(entry.article)
    result = Shares(str(zone))
    for site in sorted(set(new) | set(touched)):
        months = sorted(set(new[site]) | set(touched[site]))
        archived = 0
        rows = []
        for month in months:
            archived += new[site].get(month, 0)
            sets = touched[site].get(month) or {VERSION: set(), GONE: set()}
            rows.append(MonthShare(month, archived, len(sets[VERSION]), len(sets[GONE])))
        result.sites[site] = rows
    return result
