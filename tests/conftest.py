"""Shared fixtures: a real local database (or MONGO_URI), the CLI in a subprocess, profiles, eval data."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from crawler.localdb import LocalServer, free_port
from crawler.profiles import SiteProfile, parse_profile
from crawler.project.layout import init_project
from crawler.store import connect
from tests import system_tools

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pymongo.database import Database

ROOT = Path(__file__).resolve().parents[1]
init_project()  # spiders/ and pipelines/ found as every entry point finds them (crawler/project/layout.py)
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """MONGO_URI when set (a real MongoDB), else our own FerretDB on a free port with a temporary folder."""
    if uri := os.environ.get("MONGO_URI"):
        yield uri
        return
    system_tools.require("go")
    server = LocalServer(tmp_path_factory.mktemp("ferretdb"), free_port())
    server.start()
    try:
        yield server.uri
    finally:
        server.stop()


def _folder_in_env(tmp_path_factory: pytest.TempPathFactory, name: str, variable: str) -> Iterator[Path]:
    """A temporary folder named by `variable` for the session, the variable restored after."""
    folder = tmp_path_factory.mktemp(name)
    before = os.environ.get(variable)
    os.environ[variable] = str(folder)
    yield folder
    if before is None:
        os.environ.pop(variable, None)
    else:
        os.environ[variable] = before


@pytest.fixture(scope="session", autouse=True)
def search_index_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Local search index files of the tests' databases in a temporary folder, not the checkout's var/."""
    yield from _folder_in_env(tmp_path_factory, "search-index", "NEWSARCHIVE_SEARCH_INDEX")


@pytest.fixture(scope="session", autouse=True)
def archive_index_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Archive index scratch files (crawler/store/index.py) in a temporary folder, not the checkout's var/."""
    yield from _folder_in_env(tmp_path_factory, "archive-index", "NEWSARCHIVE_ARCHIVE_INDEX")


@pytest.fixture
def database_name(request: pytest.FixtureRequest) -> str:
    """A database of this test's own (dropped afterwards)."""
    stem = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:30]
    return f"t_{stem}_{uuid.uuid4().hex[:6]}"


@pytest.fixture
def mongo_db(mongo_uri: str, database_name: str) -> Iterator[Database[dict[str, Any]]]:
    """An empty database on the test server."""
    client = connect(mongo_uri)
    try:
        yield client[database_name]
    finally:
        client.drop_database(database_name)
        client.close()


def cli_environment(uri: str, database: str, var: Path | str, profiles: Path | None = None) -> dict[str, str]:
    """Environment for `newsarchive` in a subprocess: this database, var/ in a temp folder, extra profiles."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "NEWSARCHIVE_"))}
    env.update(MONGO_URI=uri, MONGO_DATABASE=database, NEWSARCHIVE_VAR=str(var))
    if folder := os.environ.get("NEWSARCHIVE_SEARCH_INDEX"):
        env["NEWSARCHIVE_SEARCH_INDEX"] = folder  # the same index files as the test's own process
    if profiles is not None:
        env["NEWSARCHIVE_PROFILES"] = str(profiles)
    return env


@pytest.fixture
def cli_env(mongo_uri: str, database_name: str, tmp_path: Path) -> dict[str, str]:
    """cli_environment for this test's own database."""
    return cli_environment(mongo_uri, database_name, tmp_path / "var")


def run_cli(args: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `newsarchive ARGS` as a user would, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


#: Settings that make loopback crawls quick while keeping AutoThrottle and robots.txt on.
FAST_CRAWL = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "LOG_LEVEL=INFO"]


def wait_for(condition: Any, timeout: float, what: str, interval: float = 0.1) -> None:
    """Wait until condition() is true (checked every interval), failing with `what` after timeout."""
    import threading
    import time

    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        pause.wait(interval)


@pytest.fixture
def profile() -> SiteProfile:
    """A profile with every default (Asia/Shanghai)."""
    return parse_profile("name: dezhou\nbase_url: http://www.dezhoudaily.com/\n")


@pytest.fixture
def shared_eval() -> Path:
    """The evaluation pages folder, or skip."""
    path = SHARED / "eval"
    if not path.is_dir():
        pytest.skip(f"evaluation data not found at {path} (expected ../shared/eval next to the repository)")
    return path


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    """The demo news site on a free loopback port, for the tests of one module."""
    from crawler.demo.server import serve

    server, url = serve(port=0)
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of the session on a free loopback port, temporary folder, no persistence."""
    from tests.redis_server import RedisServer

    system_tools.require("redis-server")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per missing system tool: how many tests skipped for want of it, and its install command."""
    reasons = []
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            reasons.append(str(longrepr[2]))
    if lines := system_tools.skip_summary(reasons):
        terminalreporter.section("system tools missing", sep="-", yellow=True)
        for line in lines:
            terminalreporter.line(line, yellow=True)


@pytest.fixture
def frontier(redis_url: str) -> Iterator[str]:
    """redis_url, emptied before and after the test (a distributed crawl's frontier)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    try:
        yield redis_url
    finally:
        client.flushdb()
        client.close()
