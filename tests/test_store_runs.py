from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING, Any

from crawler.store import CrawlRuns

if TYPE_CHECKING:
    from pymongo.database import Database


def test_run_is_opened_and_closed(mongo_db: Database[dict[str, Any]]) -> None:
    runs = CrawlRuns(mongo_db)
    runs.ensure_indexes()
    run_id = runs.start("demo", base_url="http://127.0.0.1:1/")
    assert mongo_db.crawl_runs.find_one({"_id": run_id})["status"] == "running"
    runs.finish(run_id, "finished", pages_fetched=12, articles_new=3)
    run = runs.latest("demo")[0]
    assert run["_id"] == run_id and run["status"] == "finished"
    assert run["pages_fetched"] == 12 and run["finished_at"] >= run["started_at"]


def test_a_run_whose_process_died_is_marked_interrupted(mongo_db: Database[dict[str, Any]]) -> None:
    runs = CrawlRuns(mongo_db)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = runs.start("demo")
    mongo_db.crawl_runs.update_one({"_id": stale}, {"$set": {"pid": int(dead.stdout)}})
    runs.start("demo")
    assert mongo_db.crawl_runs.find_one({"_id": stale})["status"] == "interrupted"
