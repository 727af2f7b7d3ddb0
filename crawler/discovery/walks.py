"""Walks of a site's lists within one crawl: section pages with their pagination, feeds, sitemaps.

A section's list is walked newest first, page after page, and lists shift as the site publishes
(page N today holds what page N-k held before). What must hold is the history invariant:

    Every article a list ever linked is stored, or kept in the backlog (the article links of
    walked pages that are not stored yet, written to the database before the page counts as
    walked), or on a page that an open walk has still to reach (a cursor in the database: the
    lowest linked page it has not walked), or above the top of the list (new since the last
    walk: the next crawl's top walk reaches it).

It follows from three rules, kept here and in `crawler/store/history.py`:

* a page counts as walked (the cursor moves past it) only after its unstored links are in the
  backlog; a kill at any point therefore leaves the cursor at or above every unwalked page;
* an unfinished walk resumes at its lowest linked page not walked yet: no page is skipped,
  and since publishing only pushes articles deeper, nothing moves above the resume point;
* a walk stops on a streak of articles archived before this crawl (`stop_after_known`) only
  when something covers the list below that point: a walk of the list reached its end once,
  or an unfinished walk (the backfill, or an earlier interrupted top walk) continues from its
  cursor. The first walk of a list, the backfill, never stops on a streak: it walks to the end,
  over as many crawls as its budgets allow (`max_list_pages` pages per walk and crawl, `--limit`,
  `CLOSESPIDER_*`).

Pure bookkeeping: no database, no Scrapy. The spider asks what to request next; the store
(`ListHistory`) keeps cursors, list records and the backlog.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class ListKind(StrEnum):
    """What kind of list a walk reads."""

    SECTION = "section"
    FEED = "feed"
    SITEMAP = "sitemap"


@dataclass
class ListWalk:
    """One walk of one list in this crawl: which pages are linked, walked, requested.

    Page numbers order the pages of a list (the first page is 0, `index_7.htm` is 7); a walk
    only goes forward (to higher numbers), so a pagination bar's links back are ignored.
    """

    list_url: str
    kind: ListKind
    walk_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    #: Nothing covers the list below this walk: it never stops on a streak of archived articles.
    backfill: bool = True
    #: Pages this walk may request in this crawl (`max_list_pages`); None: no budget.
    budget: int | None = None
    #: Resumed from a cursor of an earlier crawl (else it started at the list's first page).
    resumed: bool = False
    #: Linked pages not walked yet, by number.
    pending: dict[int, str] = field(default_factory=dict)
    walked: dict[int, str] = field(default_factory=dict)
    requested: set[int] = field(default_factory=set)
    reached_end: bool = False
    streak_stopped: bool = False
    #: Pages requested in this crawl.
    fetched: int = 0
    #: Pages in flight at once: a walk goes page after page, so its resume point stays close
    #: behind what it fetched and a streak stop wastes at most this many pages.
    window: int = 2
    #: Pages that could not be walked in this crawl (errors): left for the next crawl.
    failed: set[int] = field(default_factory=set)
    #: Where another walk of the list started in this crawl: this one walks that page too (an
    #: overlap of one page, for what the site published in between) and ends there.
    join_at: int | None = None
    joined: bool = False
    #: The streak of archived articles at the end of each walked page.
    streaks: dict[int, int] = field(default_factory=dict)

    def start_at(self, number: int, url: str) -> None:
        """The page the walk starts (or resumes) at."""
        self.pending.setdefault(number, url)

    def to_request(self) -> list[tuple[int, str]]:
        """Pending pages not requested yet, lowest first, as far as the budget allows."""
        out: list[tuple[int, str]] = []
        # A requested page below the deepest one walked was walked elsewhere: in a distributed run
        # another worker took it (the walk goes on there), so it holds no place in this window.
        deepest = self.deepest
        in_flight = sum(
            1 for n in self.requested if n > deepest and n in self.pending and n not in self.failed
        )
        for number in sorted(self.pending):
            if number in self.requested:
                continue
            if self.budget is not None and self.fetched >= self.budget:
                break
            if in_flight >= self.window:
                break
            in_flight += 1
            self.requested.add(number)
            self.fetched += 1
            out.append((number, self.pending[number]))
        return out

    def walk_page(self, number: int, url: str, links: dict[int, str], *, follow: bool = True) -> None:
        """Page `number` is walked (its unstored article links are kept): take its forward links.

        `follow` False: the page ended a streak of archived articles, so the walk stops here.
        A page that links no page after it is the end of the list.
        """
        self.pending.pop(number, None)
        self.walked[number] = url
        if not follow:
            self.streak_stopped = True
        if self.streak_stopped:
            # Covered below: drop the pages not requested yet (those in flight are still walked).
            self.pending = {n: u for n, u in self.pending.items() if n in self.requested}
            return
        if self.join_at is not None and number >= self.join_at:
            self.joined = True  # the other walk goes on from here
            self.pending = {n: u for n, u in self.pending.items() if n in self.requested}
            return
        forward = {n: u for n, u in links.items() if n > number}
        if not forward:
            self.reached_end = True
        if self.join_at is not None:
            forward = {n: u for n, u in forward.items() if n <= self.join_at}
        for n, u in forward.items():
            if n not in self.walked and n not in self.pending:
                self.pending[n] = u

    def fail_page(self, number: int) -> None:
        """A page not walked in this crawl (a fetch error, or another walk fetched it): it stays pending."""
        self.failed.add(number)

    def give_up_page(self, number: int) -> None:
        """A page that cannot be walked (gone: 404/410): the list ends before it."""
        self.pending.pop(number, None)
        if not any(n > number for n in self.walked):
            self.reached_end = True

    def streak_before(self, number: int, fallback: int) -> int:
        """The streak of archived articles before page `number`: at the end of the page walked before it."""
        before = [n for n in self.streaks if n < number]
        return self.streaks[max(before)] if before else fallback

    @property
    def finished(self) -> bool:
        """Nothing linked is left to walk (the end, a streak stop, or a dead end)."""
        return not self.pending

    @property
    def over_budget(self) -> bool:
        """Pages are left that this crawl's budget did not allow."""
        return any(n not in self.requested for n in self.pending)

    def resume_point(self) -> tuple[int, str] | None:
        """Where an unfinished walk continues: its lowest linked page not walked yet."""
        if not self.pending:
            return None
        number = min(self.pending)
        return number, self.pending[number]

    @property
    def deepest(self) -> int:
        """The highest page number walked (-1 before the first)."""
        return max(self.walked, default=-1)

    @property
    def covers_whole_list(self) -> bool:
        """Walked from the first page to the end without stopping: every earlier cursor is obsolete."""
        return self.finished and self.reached_end and not self.streak_stopped and not self.resumed


def known_streak(flags: list[bool | None], streak: int) -> int:
    """The streak of archived articles after a page's links, in page order.

    Each flag: True for an article archived before this crawl, False for one the archive does
    not hold (the streak starts again), None for one stored during this crawl (a feed or
    another walk got it first): it tells nothing about what earlier walks covered.
    """
    for flag in flags:
        if flag is None:
            continue
        streak = streak + 1 if flag else 0
    return streak


@dataclass
class Cursor:
    """Where an unfinished walk of a list continues (kept in the database between crawls)."""

    list_url: str
    kind: ListKind
    walk_id: str
    backfill: bool
    page: int
    url: str


@dataclass
class ListRecord:
    """What the archive knows about one list: how deep walks got, whether one reached the end."""

    list_url: str
    kind: ListKind
    reached_end: bool = False
    deepest: int = -1
    cursors: list[Cursor] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """A walk reached the end and no walk is left unfinished: the whole history was walked."""
        return self.reached_end and not self.cursors

    @property
    def covered_below(self) -> bool:
        """Something covers the list below any top walk: the end was reached, or a backfill goes on."""
        return self.reached_end or any(c.backfill for c in self.cursors)

    @property
    def depth(self) -> int:
        """The deepest page reached by any walk (finished or not)."""
        return max([self.deepest, *(c.page for c in self.cursors)])


class WalkRecorder(Protocol):
    """Keeps the walks' progress durable (crawler/store/history.py: ListHistory)."""

    def keep_links(self, walk: ListWalk, number: int, urls: list[str]) -> None:
        """The unstored article links of a walked page (the backlog)."""

    def save_cursor(self, walk: ListWalk, number: int, url: str) -> None:
        """Where the walk would resume."""

    def drop_cursor(self, walk: ListWalk) -> None:
        """The walk is finished."""

    def drop_list_cursors(self, list_url: str, keep: str) -> None:
        """A walk covered the whole list: every other cursor of it is obsolete."""


class SiteWalks:
    """The walks of one crawl of a site: started at the top, resumed from cursors, or adopted.

    `lists` is what the archive knew at the start (ListHistory.load); `recorder` keeps every
    walked page durable as it happens, so a crawl ended at any point (SIGKILL included) leaves
    its unfinished walks as cursors. `budget` is `max_list_pages` per walk and crawl; `may_stop`
    is False when archived articles are refetched anyway (`--full`): walks then go to the end.
    """

    def __init__(
        self,
        lists: dict[str, ListRecord] | None = None,
        recorder: WalkRecorder | None = None,
        *,
        budget: int | None = None,
        may_stop: bool = True,
    ) -> None:
        self.lists = dict(lists or {})
        self.recorder = recorder
        self.budget = budget
        self.may_stop = may_stop
        self.walks: dict[str, ListWalk] = {}
        self._saved: dict[str, tuple[int, str] | None] = {}
        #: Pages where walks resumed from cursors start in this crawl, per list.
        self._cursor_starts: dict[str, list[int]] = {}

    def top(self, list_url: str, kind: ListKind = ListKind.SECTION) -> ListWalk | None:
        """A walk from the first page of a list (None when this crawl already walks it from the top)."""
        if any(w.list_url == list_url and not w.resumed for w in self.walks.values()):
            return None
        record = self.lists.get(list_url)
        backfill = kind is ListKind.SECTION and not (record is not None and record.covered_below)
        budget = self.budget if kind is ListKind.SECTION else None
        walk = ListWalk(
            list_url, kind, backfill=backfill, budget=budget, join_at=self._join_point(list_url, 0)
        )
        walk.start_at(0, list_url)
        self.walks[walk.walk_id] = walk
        return walk

    def _join_point(self, list_url: str, start: int) -> int | None:
        """The nearest page below `start` where another walk of the list starts in this crawl."""
        return min((s for s in self._cursor_starts.get(list_url, ()) if s > start), default=None)

    def resumed(self) -> list[ListWalk]:
        """Walks continuing from the cursors of earlier crawls (section lists; feeds and sitemaps restart)."""
        out = []
        for record in self.lists.values():
            for cursor in record.cursors:
                if cursor.kind is not ListKind.SECTION or cursor.walk_id in self.walks:
                    continue
                walk = ListWalk(
                    cursor.list_url,
                    cursor.kind,
                    walk_id=cursor.walk_id,
                    backfill=cursor.backfill,
                    budget=self.budget,
                    resumed=True,
                )
                walk.start_at(cursor.page, cursor.url)
                self._saved[walk.walk_id] = (cursor.page, cursor.url)
                self._cursor_starts.setdefault(walk.list_url, []).append(cursor.page)
                self.walks[walk.walk_id] = walk
                out.append(walk)
        for walk in out:
            walk.join_at = self._join_point(walk.list_url, min(walk.pending))
        return out

    def adopt(self, meta: dict[str, Any]) -> ListWalk:
        """The walk a list request belongs to (one started by another worker of a distributed run, too)."""
        walk = self.walks.get(meta["id"])
        if walk is None:
            kind = ListKind(meta["kind"])
            walk = ListWalk(
                meta["list"],
                kind,
                walk_id=meta["id"],
                backfill=meta["backfill"],
                budget=self.budget if kind is ListKind.SECTION else None,
                resumed=True,
                join_at=meta.get("join_at"),
            )
            self.walks[walk.walk_id] = walk
        return walk

    @staticmethod
    def meta(walk: ListWalk) -> dict[str, Any]:
        """What a list request carries to say which walk it belongs to."""
        return {
            "id": walk.walk_id,
            "list": walk.list_url,
            "kind": str(walk.kind),
            "backfill": walk.backfill,
            "join_at": walk.join_at,
        }

    def may_stop_on_streak(self, walk: ListWalk) -> bool:
        """Only where something covers the list below: never the backfill, never in `--full`."""
        return self.may_stop and not walk.backfill

    def walked(
        self,
        walk: ListWalk,
        number: int,
        url: str,
        unstored: list[str],
        links: dict[int, str],
        *,
        follow: bool,
    ) -> list[tuple[int, str]]:
        """Record a walked page (backlog first, then the cursor); the pages to request next."""
        walk.pending.setdefault(number, url)
        if unstored and self.recorder is not None and walk.kind is not ListKind.SITEMAP:
            self.recorder.keep_links(walk, number, unstored)
        walk.walk_page(number, url, links, follow=follow)
        nxt = walk.to_request()
        self._record(walk)
        return nxt

    def failed(self, walk: ListWalk, number: int) -> list[tuple[int, str]]:
        """A list page not walked in this crawl: the next crawl resumes at it. The pages to request now."""
        walk.fail_page(number)
        return walk.to_request()

    def gone(self, walk: ListWalk, number: int) -> list[tuple[int, str]]:
        """A list page answered 404/410 (or is no page at all): the list ends before it."""
        walk.give_up_page(number)
        self._record(walk)
        return walk.to_request()

    def _record(self, walk: ListWalk) -> None:
        record = self.lists.setdefault(walk.list_url, ListRecord(walk.list_url, walk.kind))
        if walk.kind is not ListKind.SECTION:  # read whole every crawl: no cursor, no backfill
            record.reached_end = record.reached_end or (walk.finished and walk.reached_end)
            return
        record.deepest = max(record.deepest, walk.deepest)
        point = walk.resume_point()
        if point is None and walk.reached_end and not walk.streak_stopped:
            record.reached_end = True
        if walk.covers_whole_list:
            record.cursors = []
            if self.recorder is not None:
                self.recorder.drop_list_cursors(walk.list_url, keep=walk.walk_id)
        else:
            record.cursors = [c for c in record.cursors if c.walk_id != walk.walk_id]
            if point is not None:
                record.cursors.append(
                    Cursor(walk.list_url, walk.kind, walk.walk_id, walk.backfill, point[0], point[1])
                )
        if self.recorder is None or self._saved.get(walk.walk_id) == point:
            return
        if point is None:
            self.recorder.drop_cursor(walk)
        else:
            self.recorder.save_cursor(walk, *point)
        self._saved[walk.walk_id] = point

    def incomplete(self, declared: list[str]) -> list[str]:
        """Lists whose history is not walked to the end: declared ones never finished, any with a cursor."""
        out = [url for url in declared if url not in self.lists or not self.lists[url].complete]
        out += [url for url, record in self.lists.items() if url not in out and record.cursors]
        return out
