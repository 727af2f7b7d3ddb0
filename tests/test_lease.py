"""The crawl lease fails closed: no lease, no crawl; a lost lease stops the crawl."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from scrapy.exceptions import CloseSpider

from crawler.session.lease import LeaseKeeper
from crawler.store import connect
from crawler.store.locks import RunLease, SiteBusy, SiteLock
from tests.archive_session import SessionCrawl
from tests.conftest import wait_for
from tests.processes import at_once

if TYPE_CHECKING:
    from pymongo.database import Database


def _take_over(db: Database[dict[str, Any]], site: str) -> None:
    """What another crawl does to a lease whose heartbeat it found stale."""
    db.crawl_locks.update_one({"_id": site}, {"$set": {"host": "elsewhere", "pid": 1}})


def test_refresh_says_when_the_lease_was_taken_over(mongo_db: Database[dict[str, Any]]) -> None:
    lock = SiteLock(mongo_db, "demo")
    lock.acquire()
    assert lock.refresh() is True
    _take_over(mongo_db, "demo")
    assert lock.refresh() is False
    assert lock.held is False
    lock.release()  # never removes the new holder's lease
    assert mongo_db.crawl_locks.find_one({"_id": "demo"})["host"] == "elsewhere"


def test_a_database_error_means_no_lease_and_no_crawl(mongo_uri: str, database_name: str) -> None:
    client = connect(mongo_uri)
    keeper = LeaseKeeper(client[database_name], "demo", 900, stop=lambda reason: None)
    client.close()  # every operation now fails
    with pytest.raises(CloseSpider) as closed:
        keeper.acquire(None)
    assert closed.value.reason == "lease_unavailable"
    assert keeper.heartbeat is None


def test_a_busy_site_is_not_crawled(mongo_uri: str, mongo_db: Database[dict[str, Any]]) -> None:
    SiteLock(mongo_db, "demo").acquire()
    crawl = SessionCrawl(mongo_uri, mongo_db.name)
    with pytest.raises(CloseSpider) as closed:
        crawl.open()
    assert closed.value.reason == "site_busy"
    assert crawl.session.store is None  # nothing read, nothing will be written
    crawl.close("site_busy")
    assert mongo_db.crawl_runs.find_one()["status"] == "skipped"


def test_a_heartbeat_that_finds_the_lease_gone_stops_the_crawl(
    mongo_uri: str, mongo_db: Database[dict[str, Any]]
) -> None:
    crawl = SessionCrawl(mongo_uri, mongo_db.name).open()
    lease = crawl.session.lease
    assert lease is not None
    try:
        lease.beat()
        assert crawl.stats.get_value("session/lease_lost") is None
        _take_over(mongo_db, "demo")
        lease.beat()
        assert crawl.stats.get_value("session/lease_lost") == 1
        assert not lease.heartbeat.running
    finally:
        crawl.close("lease_lost")
    assert mongo_db.crawl_runs.find_one()["status"] == "failed"
    assert mongo_db.crawl_locks.find_one({"_id": "demo"})["host"] == "elsewhere"  # theirs, kept


def test_the_heartbeat_renews_the_lease_while_the_crawl_thread_is_blocked(
    mongo_db: Database[dict[str, Any]],
) -> None:
    """The heartbeat is a thread of its own: a crawl thread stuck in a long batch does not delay it."""
    stopped: list[str] = []
    keeper = LeaseKeeper(mongo_db, "demo", 900, stop=stopped.append, interval_s=0.2)
    keeper.acquire(None)
    try:
        before = mongo_db.crawl_locks.find_one({"_id": "demo"})["heartbeat_at"]
        # This (crawl) thread now blocks, as in a synchronous store batch, until the lease is renewed.
        wait_for(
            lambda: mongo_db.crawl_locks.find_one({"_id": "demo"})["heartbeat_at"] > before,
            timeout=20,
            what="a heartbeat while the crawl thread is blocked",
        )
        assert keeper.heartbeat is not None and keeper.heartbeat.running
        _take_over(mongo_db, "demo")
        wait_for(
            lambda: not keeper.heartbeat.running, timeout=20, what="the heartbeat to find the lease gone"
        )
    finally:
        keeper.release()
    assert mongo_db.crawl_locks.find_one({"_id": "demo"})["host"] == "elsewhere"  # theirs, kept


TAKERS = 4
STALE_LEASES = 8


def _taker(uri: str, name: str, run: bool, me: int, barrier: Any, won: Any) -> None:
    """One crawl (run: a worker of run-new) taking over each site's stale lease with the others at once."""
    db = connect(uri)[name]
    mine = []
    for n in range(STALE_LEASES):
        site = f"site{n}"
        lock = RunLease(db, site, "run-new", replaces="run-old") if run else SiteLock(db, site)
        barrier.wait()
        try:
            lock.acquire()
        except SiteBusy:
            continue
        mine.append(n)
    won.put(mine)


@pytest.mark.parametrize("run", [False, True], ids=["crawls", "workers-of-one-run"])
def test_a_stale_lease_is_taken_over_once_by_many_at_once(
    mongo_uri: str, mongo_db: Database[dict[str, Any]], run: bool
) -> None:
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    for n in range(STALE_LEASES):
        stale = {"host": "elsewhere", "pid": 1, "acquired_at": long_ago, "heartbeat_at": long_ago}
        mongo_db.crawl_locks.insert_one({"_id": f"site{n}", "run_id": "run-old", "shared": run, **stale})
    holders = sorted(n for won in at_once(_taker, TAKERS, mongo_uri, mongo_db.name, run) for n in won)
    # one crawl takes each lease over; the workers of one run all share it
    assert holders == sorted(list(range(STALE_LEASES)) * (TAKERS if run else 1))
    assert mongo_db.crawl_lock_claims.count_documents({}) == 0  # the claims are gone
