"""The workers of a distributed run on the real local server: joins, results and losses at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.store import CrawlRuns, connect
from crawler.store.run_workers import RunWorkers
from tests.processes import at_once

if TYPE_CHECKING:
    from pymongo.database import Database

DB = dict[str, Any]
PROCESSES = 4
ROUNDS = 4


def _worker(uri: str, name: str, me: int, barrier: Any, closed: Any) -> None:
    """One worker process: in each round, join a run with the others, then leave it with them."""
    runs = CrawlRuns(connect(uri)[name])
    mine = []
    for r in range(ROUNDS):
        run_id = f"demo-run-{r}"
        worker = f"host:{me}:w"
        barrier.wait()
        slot = runs.join(run_id, "demo", {"worker": worker, "host": "host"}, spider="news")
        barrier.wait()  # every worker joined: the last one to leave closes the run
        figures = {"pages_fetched": me + 1, "articles_new": 1}
        state = runs.leave(run_id, slot, worker, figures, completed=True, status="finished")
        if state is not None:
            runs.finish(run_id, "finished", finish_reason="finished", **state.record())
            mine.append(run_id)
    closed.put(mine)


def test_workers_joining_and_leaving_one_run_at_once_are_all_counted(
    mongo_uri: str, mongo_db: Database[DB]
) -> None:
    closers = sorted(run for mine in at_once(_worker, PROCESSES, mongo_uri, mongo_db.name) for run in mine)
    assert closers == [f"demo-run-{r}" for r in range(ROUNDS)]  # each run closed, by one worker
    everyone = sorted(f"host:{me}:w" for me in range(PROCESSES))
    for run in mongo_db.crawl_runs.find():
        assert run["status"] == "finished", run
        assert run["distributed"] is True and run["spider"] == "news"
        assert sorted(w["worker"] for w in run["workers"]) == everyone
        assert run["active_workers"] == []
        assert sorted(r["worker"] for r in run["worker_results"]) == everyone
        assert run["pages_fetched"] == sum(me + 1 for me in range(PROCESSES))
        assert run["articles_new"] == PROCESSES
        assert run["frontier_completed"] is True
    assert mongo_db.crawl_runs.count_documents({}) == ROUNDS


def test_a_lost_worker_is_counted_once_and_back_when_it_beats_again(mongo_db: Database[DB]) -> None:
    runs = CrawlRuns(mongo_db)
    one = runs.join("r", "demo", {"worker": "w1"})
    two = runs.join("r", "demo", {"worker": "w2"})
    assert (one, two) == (1, 2)
    runs.worker_lost("r", "w2")
    runs.worker_lost("r", "w2")  # noticed twice: one loss
    assert RunWorkers(mongo_db).state("r").active == ["w1"]
    runs.rejoin("r", two)
    assert RunWorkers(mongo_db).state("r").active == ["w1", "w2"]
    runs.worker_lost("r", "w2")  # dead again, for good
    assert RunWorkers(mongo_db).state("r").workers[1].lost == 2
    state = runs.leave("r", one, "w1", {"pages_fetched": 3}, completed=False, status="stopped")
    assert state is not None  # w2 is gone: w1 was the last
    assert state.results == [
        {"worker": "w1", "status": "stopped", "frontier_completed": False, "pages_fetched": 3}
        | {"finished_at": state.results[0]["finished_at"]},
        {"worker": "w2", "status": "lost"},
    ]
    assert state.totals()["pages_fetched"] == 3
    assert not state.frontier_completed
    runs.interrupt("r", "abandoned")  # already closed by its last worker: left alone
    assert mongo_db.crawl_runs.find_one({"_id": "r"})["status"] == "running"  # finish is the caller's


def test_a_worker_taken_for_dead_that_leaves_gives_its_own_result(mongo_db: Database[DB]) -> None:
    runs = CrawlRuns(mongo_db)
    one = runs.join("r", "demo", {"worker": "w1"})
    two = runs.join("r", "demo", {"worker": "w2"})
    runs.worker_lost("r", "w2")  # it missed heartbeats while closing
    assert runs.leave("r", two, "w2", {"pages_fetched": 2}, completed=True, status="finished") is None
    state = runs.leave("r", one, "w1", {"pages_fetched": 1}, completed=True, status="finished")
    assert state is not None
    assert [(r["worker"], r["status"]) for r in state.results] == [("w1", "finished"), ("w2", "finished")]
    assert state.totals()["pages_fetched"] == 3
    assert runs.leave("r", one, "w1", {}, completed=True, status="finished") is None  # closed once


def test_an_abandoned_run_is_interrupted_with_what_its_workers_reported(mongo_db: Database[DB]) -> None:
    runs = CrawlRuns(mongo_db)
    one = runs.join("old", "demo", {"worker": "w1"})
    runs.join("old", "demo", {"worker": "w2"})  # killed: nobody noticed before the others left
    assert runs.leave("old", one, "w1", {"pages_fetched": 5}, completed=False, status="stopped") is None
    runs.interrupt("old", "its workers are gone")
    run = mongo_db.crawl_runs.find_one({"_id": "old"})
    assert run["status"] == "interrupted" and run["finish_reason"] == "its workers are gone"
    assert run["active_workers"] == ["w2"] and run["pages_fetched"] == 5
    legacy = {"_id": "older", "status": "running", "active_workers": ["x"], "pages_fetched": 7}
    mongo_db.crawl_runs.insert_one(legacy)  # a distributed run as archives kept them before
    runs.interrupt("older", "gone")
    run = mongo_db.crawl_runs.find_one({"_id": "older"})
    assert (run["status"], run["active_workers"], run["pages_fetched"]) == ("interrupted", ["x"], 7)
