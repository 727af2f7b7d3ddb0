"""Scheduling: timing rules, the site lease, and the long-lived scheduler running real crawls."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from crawler.demo.server import serve
from crawler.profiles.loader import BUNDLED_DIR
from crawler.profiles.model import Schedule
from crawler.schedule import ScheduleError, SiteSchedule, from_file
from crawler.store import connect
from crawler.store.locks import SiteBusy, SiteLock
from tests.conftest import FAST_CRAWL, ROOT, cli_environment, run_cli, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pymongo.database import Database

NOW = datetime(2026, 11, 29, 10, 7, tzinfo=UTC)


def test_interval_runs_first_now_then_from_the_last_start() -> None:
    plan = SiteSchedule(site="demo", timing=Schedule(every_minutes=30))
    assert plan.next_run(None, NOW) == NOW
    assert plan.next_run(NOW - timedelta(minutes=10), NOW) == NOW + timedelta(minutes=20)


def test_cron_runs_at_the_next_matching_minute() -> None:
    plan = SiteSchedule(site="demo", timing=Schedule(cron="15 */2 * * *"))
    assert plan.next_run(None, NOW) == datetime(2026, 11, 29, 10, 15, tzinfo=UTC)
    assert plan.next_run(datetime(2026, 11, 29, 10, 15, tzinfo=UTC), NOW) == datetime(
        2026, 11, 29, 12, 15, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sites: {demo: {every_minutes: 5, cron: '* * * * *'}}", "give exactly one of every_minutes or cron"),
        ("sites: {demo: {cron: 'every day'}}", "not a valid cron expression"),
        ("sites: {nope: {every_minutes: 5}}", "no profile named 'nope'"),
        ("sites: {demo: {every_minute: 5}}", "every_minute"),
        ("site: {}", "sites"),
    ],
)
def test_bad_schedule_files_say_why(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScheduleError, match=message):
        from_file(path)


def test_the_lease_admits_one_crawl_per_site(mongo_db: Database[dict[str, Any]]) -> None:
    first, second = SiteLock(mongo_db, "demo"), SiteLock(mongo_db, "demo")
    first.acquire()
    with pytest.raises(SiteBusy, match=f"another crawl of demo is running \\(pid {os.getpid()}"):
        second.acquire()
    SiteLock(mongo_db, "other").acquire()  # other sites are independent
    first.release()
    second.acquire()


def test_a_dead_holders_lease_is_taken_over(mongo_db: Database[dict[str, Any]]) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = SiteLock(mongo_db, "demo")
    stale.pid = int(dead.stdout)
    stale.acquire()
    SiteLock(mongo_db, "demo").acquire()
    assert mongo_db.crawl_locks.find_one({"_id": "demo"})["pid"] == os.getpid()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The demo site on a free port, and a profile folder with a second site `demo2` (same pages)."""
    data = yaml.safe_load((BUNDLED_DIR / "demo.yaml").read_text(encoding="utf-8"))
    data["name"] = "demo2"
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "demo2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    server, url = serve(port=0)
    try:
        yield url, profiles
    finally:
        server.stop()


def _env(mongo_uri: str, database: str, tmp_path: Path, profiles: Path) -> dict[str, str]:
    return cli_environment(mongo_uri, database, tmp_path / "var", profiles)


@pytest.mark.integration
def test_a_held_lease_stops_a_crawl_before_it_fetches(
    site: tuple[str, Path], mongo_uri: str, database_name: str, tmp_path: Path
) -> None:
    url, profiles = site
    client = connect(mongo_uri)
    try:
        SiteLock(client[database_name], "demo").acquire()
        result = run_cli(
            ["crawl", "demo", "--base-url", url, *FAST_CRAWL],
            _env(mongo_uri, database_name, tmp_path, profiles),
        )
        assert result.returncode == 75
        assert "demo is being crawled by another process; nothing was fetched" in result.stderr
        assert client[database_name].articles.count_documents({}) == 0
        assert client[database_name].crawl_runs.find_one()["status"] == "skipped"
    finally:
        client.drop_database(database_name)
        client.close()


@pytest.mark.integration
def test_scheduler_runs_two_sites_on_short_intervals(
    site: tuple[str, Path], mongo_uri: str, database_name: str, tmp_path: Path
) -> None:
    url, profiles = site
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(
        yaml.safe_dump(
            {
                "args": ["--base-url", url, *FAST_CRAWL],
                "sites": {"demo": {"every_minutes": 0.01}, "demo2": {"every_minutes": 0.01}},
            }
        ),
        encoding="utf-8",
    )
    result = run_cli(
        ["schedule", "--file", str(schedule), "--max-runs", "2"],
        _env(mongo_uri, database_name, tmp_path, profiles),
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    client = connect(mongo_uri)
    try:
        runs = list(client[database_name].crawl_runs.find().sort("started_at", 1))
    finally:
        client.drop_database(database_name)
        client.close()
    for name in ("demo", "demo2"):
        mine = [r for r in runs if r["site"] == name]
        assert len(mine) == 2, result.stderr[-4000:]
        assert all(r["status"] == "finished" for r in mine)
        assert mine[0]["finished_at"] <= mine[1]["started_at"], "two runs of one site overlapped"
    # Both profiles point at the same pages: whichever stored an article first has it, once.
    assert sum(r["articles_new"] for r in runs) == 16
    assert "scheduler: started demo" in result.stderr and "scheduler: stopped" in result.stderr


@pytest.mark.integration
def test_sigterm_stops_the_scheduler_and_its_crawls_cleanly(
    site: tuple[str, Path], mongo_uri: str, database_name: str, tmp_path: Path
) -> None:
    url, profiles = site
    schedule = tmp_path / "schedule.yaml"
    slow = [
        "-s",
        "DOWNLOAD_DELAY=0.5",
        "-s",
        "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        "-s",
        "AUTOTHROTTLE_ENABLED=false",
        "-s",
        "STORE_INSERT_BATCH=1",
    ]
    schedule.write_text(
        yaml.safe_dump({"sites": {"demo": {"every_minutes": 60, "args": ["--base-url", url, *slow]}}})
    )
    env = _env(mongo_uri, database_name, tmp_path, profiles)
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "schedule", "--file", str(schedule), "--grace", "60"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    client = connect(mongo_uri)
    try:
        wait_for(
            lambda: scheduler.poll() is not None or client[database_name].articles.count_documents({}) >= 2,
            120,
            "the scheduled crawl to store its first articles",
        )
        assert scheduler.poll() is None, scheduler.stderr.read() if scheduler.stderr else ""
        scheduler.send_signal(signal.SIGTERM)
        _, stderr = scheduler.communicate(timeout=120)
        assert scheduler.returncode == 0, stderr[-3000:]
        [run] = list(client[database_name].crawl_runs.find())
        assert run["status"] == "stopped" and run["finish_reason"] == "shutdown"
        assert client[database_name].crawl_locks.count_documents({}) == 0  # lease released
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
        client.drop_database(database_name)
        client.close()
