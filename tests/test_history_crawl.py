"""A site whose history is only in deep list pagination is archived whole, however its crawls end.

The fixture site is the demo site with 300 generated older articles (crawler/demo/deep.py): three
sections, two articles per list page, ~53 list pages per section (~160 in all), no sitemap, no
feed. Every test ends with every published article stored exactly once, and checks that each
run made progress: new articles, or its walks got deeper, or the history became complete.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest

from crawler.demo.deep import deep_profile, deep_state
from crawler.demo.server import serve
from crawler.store import connect
from tests.conftest import FAST_CRAWL, ROOT, cli_environment, run_cli, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pymongo.database import Database

    from crawler.demo.state import SiteState

pytestmark = pytest.mark.integration

DEEP_ARTICLES = 300
SECTIONS = ("/news/local/index.htm", "/news/society/index.htm", "/county/index.htm")
#: Small write batches, so that a kill finds articles stored and others only buffered.
CRAWL = [*FAST_CRAWL, "-s", "STORE_INSERT_BATCH=10", "-s", "PROGRESS_LIVE=false"]


class DeepSite:
    """The deep site, its profile and a database of the test's own."""

    def __init__(self, state: SiteState, url: str, env: dict[str, str], db: Database[dict[str, Any]]) -> None:
        self.state = state
        self.url = url
        self.env = env
        self.db = db

    def crawl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(["crawl", "deep", *CRAWL, *args], self.env)

    def start(self, *args: str, log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "crawler.cli", "crawl", "deep", *CRAWL, *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def stored(self) -> int:
        return self.db.articles.count_documents({})

    def depth(self) -> int:
        """How far the walks got: the deepest pages of the lists and of the open cursors, summed."""
        return sum(max(d.get("deepest", -1), d.get("page", -1)) for d in self.db.list_walks.find())

    def progress(self) -> tuple[int, int]:
        return self.stored(), self.depth()

    def until_complete(self, *args: str, max_runs: int = 8) -> list[str]:
        """Plain runs until one says `history: complete`; each must make progress. Their summaries."""
        summaries = []
        for _ in range(max_runs):
            before = self.progress()
            result = self.crawl(*args)
            assert result.returncode in (0, 3), result.stdout[-2000:] + result.stderr[-3000:]
            summary = result.stdout.strip().splitlines()[-1]
            summaries.append(summary)
            if "history: complete" in summary:
                return summaries
            assert re.search(r"history: \d+ sections incomplete, run again to continue", summary), summary
            after = self.progress()
            assert after[0] > before[0] or after[1] > before[1], (before, after, summary)
        pytest.fail(f"history not complete after {max_runs} runs: {summaries}")

    def assert_archived_once(self) -> None:
        """Every published article stored, each exactly once and once only, nothing left pending."""
        ids = [d["_id"] for d in self.db.articles.find({}, {"_id": 1})]
        assert len(ids) == len(set(ids))
        expected = {a.url(self.url) for a in self.state.published()}
        assert set(ids) == expected, (len(expected - set(ids)), sorted(expected - set(ids))[:5])
        assert self.db.articles.count_documents({"version": {"$ne": 1}}) == 0
        assert self.db.list_walks.count_documents({"type": "cursor"}) == 0
        assert self.db.list_backlog.count_documents({}) == 0
        lists = list(self.db.list_walks.find({"type": "list"}))
        assert {d["list"] for d in lists} == {self.url.rstrip("/") + s for s in SECTIONS}
        assert all(d["reached_end"] for d in lists)


@pytest.fixture
def deep(
    mongo_uri: str, database_name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[DeepSite]:
    max_list_pages = getattr(request, "param", 20)
    state = deep_state(DEEP_ARTICLES, pending=30)
    server, url = serve(port=0, state=state)
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "deep.yaml").write_text(deep_profile(url, max_list_pages=max_list_pages, stop_after_known=6))
    client = connect(mongo_uri)
    try:
        env = cli_environment(mongo_uri, database_name, tmp_path / "var", profiles)
        yield DeepSite(state, url, env, client[database_name])
    finally:
        server.stop()
        client.drop_database(database_name)
        client.close()


def test_limit_then_plain_runs_until_complete(deep: DeepSite) -> None:
    first = deep.crawl("--limit", "40", "--fail-on-warning")
    assert first.returncode == 3, first.stdout + first.stderr[-3000:]  # incomplete is a warning
    assert "history: 3 sections incomplete, run again to continue" in first.stdout
    assert 40 <= deep.stored() < len(deep.state.published()) // 2  # --limit stops this run only
    (run,) = deep.db.crawl_runs.find()
    assert run["history"]["complete"] is False and run["history"]["incomplete_lists"] == 3

    summaries = deep.until_complete()
    assert len(summaries) >= 2  # max_list_pages 20 of ~53 pages per section: a budget per run, not a cap
    deep.assert_archived_once()
    last = deep.db.crawl_runs.find_one(sort=[("started_at", -1)])
    assert last is not None and last["history"]["complete"] is True
    oldest = min(a.published for a in deep.state.published())
    assert datetime.fromisoformat(last["history"]["oldest_published"]) == oldest  # the history's start

    again = deep.crawl()  # nothing new: a complete history stays complete, the walk stops at the top
    assert again.returncode == 0 and "history: complete" in again.stdout
    assert "0 new articles" in again.stdout
    assert deep.db.crawl_runs.find_one(sort=[("started_at", -1)])["stats"]["history_list_pages_walked"] < 20


@pytest.mark.parametrize("deep", [200], indirect=True)
def test_sigkill_at_random_points_then_runs_until_complete(deep: DeepSite, tmp_path: Path) -> None:
    seed = int(os.environ.get("HISTORY_KILL_SEED") or random.randrange(1 << 30))
    rng = random.Random(seed)
    total = len(deep.state.published())
    for kill in range(3):
        before = deep.stored()
        target = before + rng.randrange(5, 90)
        log = tmp_path / f"killed-{kill}.log"
        crawl = deep.start(log=log)

        def reached(crawl: subprocess.Popen[bytes] = crawl, target: int = target) -> bool:
            return crawl.poll() is not None or deep.stored() >= target

        wait_for(reached, 120, f"{target} stored (seed {seed})")
        if crawl.poll() is not None:
            break  # it finished first: the rest of the test still holds
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        assert deep.stored() > before, f"seed {seed}"
        assert deep.stored() < total
    deep.until_complete()
    deep.assert_archived_once()
    statuses = [r["status"] for r in deep.db.crawl_runs.find().sort("started_at", 1)]
    assert "interrupted" in statuses, statuses


@pytest.mark.parametrize("deep", [20], indirect=True)
def test_new_articles_published_during_a_backfill(deep: DeepSite, tmp_path: Path) -> None:
    first = deep.crawl()
    assert first.returncode == 0 and "sections incomplete" in first.stdout
    published = 0
    log = tmp_path / "during.log"
    crawl = deep.start(log=log)
    target = deep.stored() + 20
    wait_for(lambda: crawl.poll() is not None or deep.stored() >= target, 120, "a running backfill")
    for _ in range(12):  # while it runs: they top their sections and push the rest a page deeper
        deep.state.add()
        published += 1
    assert crawl.wait(timeout=300) == 0, log.read_text()[-3000:]
    for _ in range(12):  # and between two runs
        deep.state.add()
        published += 1
    deep.until_complete()
    deep.assert_archived_once()
    assert published == 24


@pytest.mark.parametrize("deep", [200], indirect=True)
def test_two_frontier_workers_one_killed(deep: DeepSite, frontier: str, tmp_path: Path) -> None:
    worker = ["--frontier", frontier, "-s", "FRONTIER_WORKER_TIMEOUT=3", "-s", "FRONTIER_POLL_INTERVAL=0.5"]
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    workers = [deep.start(*worker, log=log) for log in logs]
    wait_for(lambda: deep.stored() >= 60 or any(w.poll() is not None for w in workers), 120, "60 stored")
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait()
    assert workers[1].wait(timeout=300) in (0, 3), logs[1].read_text()[-3000:]
    deep.until_complete(*worker)
    deep.assert_archived_once()
    first = deep.db.crawl_runs.find_one({"distributed": True}, sort=[("started_at", 1)])
    assert first is not None and first["status"] in ("finished", "stopped", "interrupted"), first["status"]
