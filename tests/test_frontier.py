"""The shared Redis frontier: atomic take / acknowledge / requeue, completion, status and clear."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import redis
from scrapy.settings import Settings

from crawler.frontier import Frontier
from crawler.frontier.addon import FrontierAddon
from crawler.store.locks import RunLease, SiteBusy, SiteLock

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pymongo.database import Database

pytestmark = pytest.mark.integration


@pytest.fixture
def server(frontier: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(frontier)
    try:
        yield client
    finally:
        client.close()


def queue(frontier: Frontier, *members: bytes) -> None:
    for score, member in enumerate(members):
        frontier.server.zadd(frontier.queue_key, {member: score})


def test_take_moves_to_in_flight_and_acknowledge_removes(server: redis.Redis) -> None:
    frontier = Frontier(server, "demo")
    queue(frontier, b"a", b"b")
    assert frontier.take("w1") == (b"a", 0.0)
    assert server.zrange(frontier.inflight_key("w1"), 0, -1) == [b"a"]
    assert server.zrange(frontier.queue_key, 0, -1) == [b"b"]
    frontier.acknowledge("w1", [b"a"])
    assert server.zcard(frontier.inflight_key("w1")) == 0
    assert frontier.take("w1") == (b"b", 1.0)
    assert frontier.take("w1") is None


def test_dead_worker_work_is_requeued_once(server: redis.Redis) -> None:
    frontier = Frontier(server, "demo")
    frontier.join("dead", "run-1", heartbeat_ms=60_000)
    frontier.join("alive", "run-1", heartbeat_ms=60_000)
    queue(frontier, b"a", b"b", b"c")
    frontier.take("dead")
    frontier.take("dead")
    assert frontier.recover_dead() == []  # still beating
    server.delete(frontier.heartbeat_key("dead"))  # what an expired heartbeat looks like
    assert frontier.recover_dead() == [("dead", 2)]
    assert frontier.recover_dead() == []  # recovered exactly once
    assert sorted(server.zrange(frontier.queue_key, 0, -1)) == [b"a", b"b", b"c"]
    assert frontier.live_workers() == ["alive"]


def test_join_shares_a_run_and_a_resumed_frontier_gets_a_new_one(server: redis.Redis) -> None:
    frontier = Frontier(server, "demo")
    first = frontier.join("w1", "run-1", heartbeat_ms=60_000)
    second = frontier.join("w2", "run-2", heartbeat_ms=60_000)
    assert (first.run_id, first.other_live_workers) == ("run-1", 0)
    assert (second.run_id, second.other_live_workers) == ("run-1", 1)
    frontier.leave("w1")
    frontier.leave("w2")
    later = frontier.join("w3", "run-3", heartbeat_ms=60_000)
    assert (later.run_id, later.previous_run_id) == ("run-3", "run-1")


def test_complete_only_when_nothing_is_queued_or_in_flight(server: redis.Redis) -> None:
    frontier = Frontier(server, "demo")
    frontier.join("w1", "run-1", heartbeat_ms=60_000)
    assert frontier.claim_seeding("w1")
    assert not frontier.claim_seeding("w2")
    assert frontier.try_complete("run-1") == "busy"  # w1 is still seeding
    queue(frontier, b"a")
    frontier.mark_seeded()
    assert frontier.try_complete("run-1") == "busy"  # queued
    frontier.take("w1")
    assert frontier.try_complete("run-1") == "busy"  # in flight
    frontier.acknowledge("w1", [b"a"])
    server.sadd(frontier.dupefilter_key, "fp")
    assert frontier.try_complete("run-1") == "complete"
    assert not server.exists(frontier.queue_key, frontier.dupefilter_key, frontier.key("run"))
    assert frontier.try_complete("run-1") == "complete"  # asked again by a slower worker
    assert frontier.try_complete("run-other") == "gone"


def test_seeder_dying_before_it_finished_is_reported(server: redis.Redis) -> None:
    frontier = Frontier(server, "demo")
    frontier.join("w1", "run-1", heartbeat_ms=60_000)
    assert frontier.claim_seeding("w1")
    server.delete(frontier.heartbeat_key("w1"))
    frontier.recover_dead()
    assert frontier.try_complete("run-1") == "unseeded"


def test_status_and_clear(server: redis.Redis) -> None:
    frontier = Frontier(server, "demo")
    other = Frontier(server, "dezhou")
    frontier.join("w1", "run-1", heartbeat_ms=60_000)
    queue(frontier, b"a", b"b")
    queue(other, b"x")
    frontier.take("w1")
    server.sadd(frontier.dupefilter_key, "1", "2", "3")
    status = frontier.status()
    assert (status.run_id, status.queued, status.seen, status.in_flight) == ("run-1", 1, 3, 1)
    assert status.workers == [{"worker": "w1", "alive": True, "in_flight": 1}]
    assert status.memory_bytes > 0
    assert frontier.clear() >= 5
    assert frontier.status().queued == 0
    assert other.status().queued == 1  # another site's frontier is untouched


def test_addon_switches_the_scheduler_only_with_a_frontier(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSARCHIVE_FRONTIER", raising=False)
    plain = Settings({"SCHEDULER": "scrapy.core.scheduler.Scheduler"})
    FrontierAddon().update_settings(plain)
    assert plain["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"
    monkeypatch.setenv("NEWSARCHIVE_FRONTIER", "redis://127.0.0.1:1/2")
    shared = Settings()
    FrontierAddon().update_settings(shared)
    assert shared["SCHEDULER"] == "crawler.frontier.scheduler.FrontierScheduler"
    assert shared["REDIS_URL"] == "redis://127.0.0.1:1/2"
    monkeypatch.delenv("NEWSARCHIVE_FRONTIER")
    with pytest.raises(ValueError, match="must be a Redis URL"):
        FrontierAddon().update_settings(Settings({"FRONTIER_URL": "http://example.invalid/"}))


def test_run_lease_is_shared_by_one_run_and_refused_to_others(mongo_db: Database) -> None:
    first = RunLease(mongo_db, "demo", "run-1")
    first.acquire()
    joined = RunLease(mongo_db, "demo", "run-1")
    joined.acquire()  # a second worker of the same run
    with pytest.raises(SiteBusy, match="run run-1"):
        RunLease(mongo_db, "demo", "run-2").acquire()
    with pytest.raises(SiteBusy):
        SiteLock(mongo_db, "demo").acquire()  # a plain crawl, even on this host with another pid
    resumed = RunLease(mongo_db, "demo", "run-3", replaces="run-1")
    resumed.acquire()  # the abandoned run whose frontier run-3 resumes
    assert mongo_db.crawl_locks.find_one({"_id": "demo"})["run_id"] == "run-3"
    first.refresh()  # the old run's beat does not take it back
    assert mongo_db.crawl_locks.find_one({"_id": "demo"})["run_id"] == "run-3"
    resumed.release()
    assert mongo_db.crawl_locks.count_documents({}) == 0


def test_a_worker_leaving_is_never_taken_for_dead(frontier: str) -> None:
    """Leaving is one step: another worker looking for dead ones never catches it half-gone."""
    import threading

    leaver = Frontier(redis.Redis.from_url(frontier), "demo")
    watcher = Frontier(redis.Redis.from_url(frontier), "demo")
    done = threading.Event()
    recovered: list[tuple[str, int]] = []

    def watch() -> None:
        while not done.is_set():
            recovered.extend(watcher.recover_dead())

    thread = threading.Thread(target=watch)
    thread.start()
    try:
        for n in range(300):
            leaver.join(f"w{n}", "run-1", heartbeat_ms=60_000)
            leaver.leave(f"w{n}")
    finally:
        done.set()
        thread.join()
    assert recovered == []
