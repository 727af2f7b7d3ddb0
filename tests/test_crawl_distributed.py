"""Distributed crawls on loopback: two workers share the demo site through one Redis frontier."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
import redis

from crawler.demo.content import ARTICLES
from crawler.demo.server import serve
from tests.conftest import ROOT, cli_environment, run_cli, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pymongo.database import Database

pytestmark = pytest.mark.integration

#: Slow enough that two workers both get work on a 16-article site; a dead worker is found in 5 s.
WORKER = [
    "-s", "DOWNLOAD_DELAY=0.1",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    "-s", "AUTOTHROTTLE_ENABLED=false",
    "-s", "STORE_INSERT_BATCH=2",
    "-s", "FRONTIER_WORKER_TIMEOUT=5",
    "-s", "FRONTIER_POLL_INTERVAL=0.5",
    "-s", "PROGRESS_LIVE=false",
]  # fmt: skip


@pytest.fixture
def site() -> Iterator[str]:
    server, url = serve(port=0)
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def db(mongo_db: Database) -> Database:
    """conftest's empty test database, under a short name."""
    return mongo_db


def start_worker(
    url: str, frontier: str, env: dict[str, str], log: Path, extra: list[str] | None = None
) -> subprocess.Popen[bytes]:
    args = ["crawl", "demo", "--base-url", url, "--frontier", frontier, *WORKER, *(extra or [])]
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def finish(process: subprocess.Popen[bytes], log: Path) -> None:
    try:
        code = process.wait(timeout=180)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"worker did not exit; log:\n{log.read_text()[-4000:]}")
    assert code == 0, log.read_text()[-4000:]


def archived_once(db: Database, url: str) -> None:
    ids = [d["_id"] for d in db.articles.find({}, {"_id": 1})]
    assert sorted(ids) == sorted(a.url(url) for a in ARTICLES)  # every article, each exactly once
    assert db.articles.count_documents({"version": {"$ne": 1}}) == 0


def test_two_workers_share_one_run(
    site: str, frontier: str, db: Database, mongo_uri: str, tmp_path: Path
) -> None:
    env = cli_environment(mongo_uri, db.name, tmp_path / "var")
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    workers = [start_worker(site, frontier, env, log) for log in logs]
    for worker, log in zip(workers, logs, strict=True):
        finish(worker, log)

    archived_once(db, site)
    (run,) = db.crawl_runs.find()
    assert run["status"] == "finished", run
    assert run["distributed"] is True
    assert run["frontier_completed"] is True
    assert run["active_workers"] == []
    results = run["worker_results"]
    assert len(results) == 2
    assert all(r["pages_fetched"] > 0 for r in results), results  # both did work
    assert run["articles_new"] == len(ARTICLES)
    assert run["pages_fetched"] == sum(r["pages_fetched"] for r in results)
    assert db.crawl_locks.count_documents({}) == 0  # the last worker out released the lease
    leftovers = [k for k in redis.Redis.from_url(frontier).keys("*") if b":done:" not in k]
    assert leftovers == []  # a complete frontier is cleared: the next run starts afresh


def test_sigkill_one_worker_the_other_finishes(
    site: str, frontier: str, db: Database, mongo_uri: str, tmp_path: Path
) -> None:
    env = cli_environment(mongo_uri, db.name, tmp_path / "var")
    slow = ["-s", "DOWNLOAD_DELAY=0.5"]
    victim = start_worker(site, frontier, env, tmp_path / "victim.log", slow)
    survivor = start_worker(site, frontier, env, tmp_path / "survivor.log", slow)
    server = redis.Redis.from_url(frontier)
    victims_work = f"newsarchive:{{demo}}:inflight:*:{victim.pid}:*"
    wait_for(
        lambda: (
            victim.poll() is not None
            or (
                db.articles.count_documents({}) >= 1
                and any(server.zcard(k) for k in server.keys(victims_work))
            )
        ),
        120,
        "an article stored and the first worker holding requests in flight",
    )
    assert victim.poll() is None, "the worker ended before it could be killed"
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert db.articles.count_documents({}) < len(ARTICLES)
    finish(survivor, tmp_path / "survivor.log")

    archived_once(db, site)
    (run,) = db.crawl_runs.find()
    assert run["status"] == "finished", run
    statuses = sorted(r["status"] for r in run["worker_results"])
    assert statuses == ["finished", "lost"], run["worker_results"]
    assert "stopped beating" in (tmp_path / "survivor.log").read_text()


def test_a_second_run_resumes_a_full_frontier(
    site: str, frontier: str, db: Database, mongo_uri: str, tmp_path: Path
) -> None:
    env = cli_environment(mongo_uri, db.name, tmp_path / "var")
    first = run_cli(
        ["crawl", "demo", "--base-url", site, "--frontier", frontier, "--limit", "3", *WORKER], env
    )
    assert first.returncode == 0, first.stderr[-3000:]
    stored_first = db.articles.count_documents({})
    assert 3 <= stored_first < len(ARTICLES)

    status = run_cli(["frontier", "status", "demo", "--frontier", frontier, "--json"], env)
    assert status.returncode == 0, status.stderr
    left = json.loads(status.stdout)
    assert left["queued"] > 0
    assert left["seen"] > left["queued"]
    assert left["seeded"] is True
    assert left["workers"] == []  # the worker left cleanly; nothing in flight
    assert left["in_flight"] == 0

    second = run_cli(["crawl", "demo", "--base-url", site, "--frontier", frontier, *WORKER], env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "resuming after run" in second.stderr
    assert "seeded by another worker" in second.stderr  # the start requests were not sent again

    archived_once(db, site)
    stopped, finished = list(db.crawl_runs.find().sort("started_at", 1))
    assert stopped["status"] == "stopped"
    assert finished["status"] == "finished"
    assert finished["articles_new"] == len(ARTICLES) - stored_first


def test_frontier_clear_and_bad_urls(frontier: str, cli_env: dict[str, str]) -> None:
    server = redis.Redis.from_url(frontier)
    server.zadd("newsarchive:{demo}:requests", {b"r": 0})
    cleared = run_cli(["frontier", "clear", "demo", "--frontier", frontier], cli_env)
    assert cleared.returncode == 0, cleared.stderr
    assert "removed 1 frontier keys" in cleared.stderr
    assert server.exists("newsarchive:{demo}:requests") == 0

    missing = run_cli(["frontier", "status", "demo"], cli_env)
    assert missing.returncode == 2
    assert "--frontier" in missing.stderr
    unreachable = run_cli(["crawl", "demo", "--frontier", "redis://127.0.0.1:1/0"], cli_env)
    assert unreachable.returncode == 1
    assert "cannot reach the frontier at redis://127.0.0.1:1/0" in unreachable.stderr


def test_schedule_starts_two_workers_per_run(
    site: str, frontier: str, db: Database, mongo_uri: str, tmp_path: Path
) -> None:
    env = cli_environment(mongo_uri, db.name, tmp_path / "var")
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(
        json.dumps(
            {"args": ["--base-url", site, *WORKER], "sites": {"demo": {"every_minutes": 60, "workers": 2}}}
        ),
        encoding="utf-8",
    )
    refused = run_cli(["schedule", "--file", str(schedule), "--max-runs", "1"], env)
    assert refused.returncode == 2
    assert "give --frontier" in refused.stderr

    result = run_cli(["schedule", "--file", str(schedule), "--max-runs", "1", "--frontier", frontier], env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(list((tmp_path / "var" / "logs").glob("demo-*-w*.log"))) == 2
    archived_once(db, site)
    (run,) = db.crawl_runs.find()
    assert run["status"] == "finished"
    assert len(run["workers"]) == 2
