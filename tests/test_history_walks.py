"""List walks and their durable state: the history invariant of crawler/discovery/walks.py.

Unit tests of the bookkeeping, the store on the real local database, and a simulation of a list
that shifts as a site publishes, crawled by runs killed at random points.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import pytest
from pymongo import MongoClient

from crawler.discovery.walks import Cursor, ListKind, ListRecord, ListWalk, SiteWalks, known_streak
from crawler.store.history import ListHistory, backfill_states

if TYPE_CHECKING:
    from pymongo.database import Database

LIST = "http://site.test/news/index.htm"


def page_url(n: int) -> str:
    return LIST if n == 0 else f"http://site.test/news/index_{n}.htm"


def bar(n: int, last: int) -> dict[int, str]:
    """A pagination bar: five pages on either side."""
    return {k: page_url(k) for k in range(max(0, n - 5), min(last, n + 5) + 1) if k != n}


def walk_on(walks: SiteWalks, walk: ListWalk, last: int) -> None:
    """Walk pages with bars up to page `last` until the walk requests no more (no archived article)."""
    todo = walk.to_request()
    while todo:
        todo = [nxt for n, url in todo for nxt in walks.walked(walk, n, url, [], bar(n, last), follow=True)]


def test_streak_counts_only_articles_archived_before_this_crawl() -> None:
    assert known_streak([True, True, False, True], 5) == 1
    assert known_streak([True, None, None, True], 0) == 2  # stored by this crawl: neither counts nor resets
    assert known_streak([], 3) == 3


def test_the_first_walk_is_the_backfill_and_goes_to_the_end() -> None:
    walks = SiteWalks(budget=None)
    walk = walks.top(LIST)
    assert walk is not None and walk.backfill and not walks.may_stop_on_streak(walk)
    walk_on(walks, walk, last=9)
    assert walk.finished and walk.reached_end and sorted(walk.walked) == list(range(10))
    assert walks.lists[LIST].complete
    top = walks.top(LIST)
    assert top is None  # one top walk per list and crawl
    again = SiteWalks(walks.lists).top(LIST)
    assert again is not None and not again.backfill  # the list is covered below: streaks may stop it


def test_a_streak_stops_a_top_walk_and_drops_pages_not_requested() -> None:
    walk = ListWalk(LIST, ListKind.SECTION, backfill=False)
    walk.start_at(0, LIST)
    walk.to_request()
    walk.walk_page(0, LIST, bar(0, 50))
    assert [n for n, _ in walk.to_request()] == [1, 2]  # two pages in flight at a time
    walk.walk_page(1, page_url(1), bar(1, 50), follow=False)
    assert walk.streak_stopped and set(walk.pending) == {2}  # page 2 is in flight: still walked
    walk.walk_page(2, page_url(2), bar(2, 50))
    assert walk.finished and not walk.reached_end


def test_budget_and_errors_leave_the_walk_resumable_at_its_lowest_unwalked_page() -> None:
    walk = ListWalk(LIST, ListKind.SECTION, budget=3)
    walk.start_at(0, LIST)
    walk.to_request()
    walk.walk_page(0, LIST, bar(0, 50))
    [(one, _), (two, _)] = walk.to_request()
    walk.fail_page(one)  # a 500: the next crawl retries it
    walk.walk_page(two, page_url(two), bar(two, 50))
    assert walk.to_request() == []  # 3 pages: the budget of this crawl
    assert walk.over_budget and walk.resume_point() == (1, page_url(1))


def test_a_top_walk_ends_one_page_into_a_resumed_walk() -> None:
    """Not where the resumed walk started: one page further, for what was published in between."""
    cursor = Cursor(LIST, ListKind.SECTION, "old", backfill=True, page=7, url=page_url(7))
    walks = SiteWalks({LIST: ListRecord(LIST, ListKind.SECTION, cursors=[cursor])})
    [resumed] = walks.resumed()
    top = walks.top(LIST)
    assert top is not None and top.join_at == 7 and not top.backfill and resumed.join_at is None
    walk_on(walks, top, last=50)
    assert sorted(top.walked) == list(range(8))  # page 7 walked by both: the overlap
    assert top.finished and top.joined and not top.reached_end
    assert [c.walk_id for c in walks.lists[LIST].cursors] == ["old"]  # the resumed walk goes on


def test_list_history_round_trip(mongo_db: Database[dict[str, Any]]) -> None:
    history = ListHistory(mongo_db, "site")
    walks = SiteWalks(history.load(), history, budget=2)
    walk = walks.top(LIST)
    assert walk is not None
    for n, url in walk.to_request():
        walks.walked(walk, n, url, [f"http://site.test/a{n}.htm"], bar(n, 50), follow=True)
    history.record_lists(walks.lists)
    lists = ListHistory(mongo_db, "site").load()
    [cursor] = lists[LIST].cursors
    assert (cursor.page, cursor.url, cursor.backfill, cursor.walk_id) == (1, page_url(1), True, walk.walk_id)
    assert not lists[LIST].complete and lists[LIST].depth == 1
    stored = {"http://site.test/a0.htm"}
    assert list(history.pending_links(stored.__contains__)) == []  # stored: nothing to fetch again
    assert history.settle(stored.__contains__) == 0
    assert mongo_db.list_backlog.count_documents({}) == 0
    # an article never stored is asked for by BACKLOG_TRIES crawls, then given up (logged, counted)
    history.keep_links(walk, 0, ["http://site.test/never.htm"])
    asked = [list(ListHistory(mongo_db, "site").pending_links(stored.__contains__)) for _ in range(4)]
    assert asked == [["http://site.test/never.htm"]] * 3 + [[]]


def test_a_database_outage_stops_history_writes_behind_the_truth(mongo_db: Database[dict[str, Any]]) -> None:
    history = ListHistory(mongo_db, "site")
    walks = SiteWalks(history.load(), history, budget=None)
    walk = walks.top(LIST)
    assert walk is not None
    [(n, url)] = walk.to_request()
    following = walks.walked(walk, n, url, [], bar(0, 50), follow=True)
    dead = MongoClient("mongodb://127.0.0.1:1/", serverSelectionTimeoutMS=200)
    history.walks = dead.db.list_walks
    history.backlog = dead.db.list_backlog
    for n, url in following:
        walks.walked(walk, n, url, ["http://site.test/x.htm"], bar(n, 50), follow=True)
    assert history.failed
    [cursor] = ListHistory(mongo_db, "site").load()[LIST].cursors
    assert cursor.page == 1  # where the database last heard of the walk: behind it, never ahead


@pytest.mark.parametrize("seed", range(10))
def test_invariant_a_shifting_list_crawled_by_killed_runs(
    mongo_db: Database[dict[str, Any]], seed: int
) -> None:
    """Articles published between and during runs, runs killed after a random number of steps,
    writes buffered and lost with the kill: every article is stored once the runs complete."""
    rng = random.Random(seed)
    site: list[int] = list(range(120, 0, -1))  # article ids, newest first
    next_id = 121
    per_page = 2
    archive: set[int] = set()

    def url_of(article: int) -> str:
        return f"http://site.test/a{article}.htm"

    def page_of(n: int) -> list[int]:
        return site[n * per_page : (n + 1) * per_page]

    def last_page() -> int:
        return (len(site) - 1) // per_page

    complete = False
    for run in range(40):
        history = ListHistory(mongo_db, "site")
        is_stored = {url_of(a) for a in archive}.__contains__
        walks = SiteWalks(history.load(), history, budget=rng.choice([4, 8, None]))
        fetch = [
            int(u.removeprefix("http://site.test/a").removesuffix(".htm"))
            for u in history.pending_links(is_stored)
        ]
        buffer: set[int] = set()
        kill_at = rng.randrange(3, 60) if run < 8 else None
        queue: list[tuple[ListWalk, int, str]] = []
        resumed = walks.resumed()  # as the spider does: first, so the top walk knows where to end
        top = walks.top(LIST)
        assert top is not None
        queue += [(top, n, u) for n, u in top.to_request()]
        for walk in resumed:
            queue += [(walk, n, u) for n, u in walk.to_request()]
        steps = 0
        killed = False
        while queue or fetch:
            steps += 1
            if kill_at is not None and steps >= kill_at:
                killed = True
                break
            if killed is False and kill_at is not None and rng.random() < 0.1:  # publishing while it runs
                site.insert(0, next_id)
                next_id += 1
            if fetch and (not queue or rng.random() < 0.6):
                buffer.add(fetch.pop(0))
                if len(buffer) >= 3:  # a write batch
                    archive |= buffer
                    buffer = set()
                continue
            walk, n, u = queue.pop(0)
            if n > last_page():
                queue += [(walk, k, v) for k, v in walks.gone(walk, n)]
                continue
            links = page_of(n)
            flags = [True if a in archive else (None if a in buffer else False) for a in links]
            streak = known_streak(flags, 0)
            follow = not (walks.may_stop_on_streak(walk) and streak >= 2)
            unstored = [url_of(a) for a, f in zip(links, flags, strict=True) if f is not True]
            fetch += [a for a in links if a not in archive and a not in buffer and a not in fetch]
            nav = {k: page_url(k) for k in range(n + 1, min(last_page(), n + 5) + 1)}
            queue += [(walk, k, v) for k, v in walks.walked(walk, n, u, unstored, nav, follow=follow)]
        if not killed:
            archive |= buffer
            history.record_lists(walks.lists)
            history.settle({url_of(a) for a in archive}.__contains__)
            if not walks.incomplete([LIST]):
                complete = True
                break
        if rng.random() < 0.5:  # and between runs
            site.insert(0, next_id)
            next_id += 1
    assert complete
    assert archive == set(site), sorted(set(site) - archive)[:10]


def test_backfill_states_say_per_site_what_is_left(mongo_db: Database[dict[str, Any]]) -> None:
    """What `stats`, `db check` and the health page show."""
    done = ListHistory(mongo_db, "done")
    done.record_lists({LIST: ListRecord(LIST, ListKind.SECTION, reached_end=True, deepest=40)})
    going = ListHistory(mongo_db, "going")
    walks = SiteWalks(going.load(), going)
    walk = walks.top(LIST)
    assert walk is not None
    for n, url in walk.to_request():
        walks.walked(walk, n, url, [], bar(n, 50), follow=True)
    going.record_lists(walks.lists)
    assert backfill_states(mongo_db) == {
        "done": "complete",
        "going": "1 of 1 lists incomplete (deepest open page 1)",
    }
    assert backfill_states(mongo_db, ["done"]) == {"done": "complete"}


def test_pages_that_can_never_be_walked_free_their_place() -> None:
    """Refused, offsite or gone pages (a sitemap index naming file:// and other ports) end, the rest go on."""
    walk = ListWalk("http://site.test/sitemap.xml", ListKind.SITEMAP)
    walk.start_at(0, walk.list_url)
    walk.to_request()
    walk.walk_page(0, walk.list_url, {n: f"http://site.test/s{n}.xml" for n in range(1, 5)})
    assert [n for n, _ in walk.to_request()] == [1, 2]
    walk.give_up_page(1)
    walk.give_up_page(2)
    assert [n for n, _ in walk.to_request()] == [3, 4]
    walk.walk_page(3, "http://site.test/s3.xml", {})
    walk.walk_page(4, "http://site.test/s4.xml", {})
    assert walk.finished and walk.reached_end


@pytest.mark.parametrize("seed", range(20))
def test_workers_sharing_a_walk_take_it_to_the_end(seed: int) -> None:
    """A distributed run: each worker knows only the pages it walked.

    The shared seen set drops a page asked for twice; the spider then asks for the walk's next
    pages (`list_dropped`). Pages another worker walked must not stall this worker's window.
    """
    rng = random.Random(seed)
    last = 40
    views = [SiteWalks(budget=None) for _ in range(3)]
    top = views[0].top(LIST)
    assert top is not None
    meta = SiteWalks.meta(top)
    queue: list[int] = []
    seen: set[int] = set()
    walked: set[int] = set()

    def ask(view: SiteWalks, walk: ListWalk, pages: list[tuple[int, str]]) -> None:
        for n, _ in pages:
            if n in seen:
                ask(view, walk, view.failed(walk, n))
            else:
                seen.add(n)
                queue.append(n)

    ask(views[0], top, top.to_request())
    while queue:
        queue.sort()
        n = queue.pop(rng.randrange(min(3, len(queue))))  # lower pages first, workers in any order
        view = rng.choice(views)
        walk = view.adopt(meta)
        walked.add(n)
        ask(view, walk, view.walked(walk, n, page_url(n), [], bar(n, last), follow=True))
    assert walked == set(range(last + 1))
