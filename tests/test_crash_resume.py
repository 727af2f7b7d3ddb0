"""A crawl killed with SIGKILL and started again ends with every article exactly once."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from crawler.demo.content import ARTICLES
from crawler.demo.server import serve
from crawler.store import connect
from crawler.warc import iter_captures
from tests.conftest import FAST_CRAWL, ROOT, cli_environment, run_cli, wait_for

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration


def test_sigkill_mid_crawl_then_resume(mongo_uri: str, database_name: str, tmp_path: Path) -> None:
    env = cli_environment(mongo_uri, database_name, tmp_path / "var")
    server, url = serve(port=0)
    client = connect(mongo_uri)
    db = client[database_name]
    try:
        slow = [
            "-s",
            "DOWNLOAD_DELAY=0.3",
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=1",
            "-s",
            "AUTOTHROTTLE_ENABLED=false",
            "-s",
            "STORE_INSERT_BATCH=2",
        ]
        crawl = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", "demo", "--base-url", url, *slow],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(
            lambda: crawl.poll() is not None or db.articles.count_documents({}) >= 4, 120, "4 stored articles"
        )
        assert crawl.poll() is None, "the crawl ended before it could be killed"
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        stored_before = db.articles.count_documents({})
        assert 4 <= stored_before < len(ARTICLES)

        resumed = run_cli(["crawl", "demo", "--base-url", url, *FAST_CRAWL], env)
        assert resumed.returncode == 0, resumed.stderr[-3000:]

        ids = [d["_id"] for d in db.articles.find({}, {"_id": 1})]
        assert sorted(ids) == sorted(a.url(url) for a in ARTICLES)  # each exactly once
        assert db.articles.count_documents({"version": {"$ne": 1}}) == 0
        killed, finished = list(db.crawl_runs.find().sort("started_at", 1))
        assert killed["status"] == "interrupted"
        assert finished["status"] == "finished"
        assert finished["articles_new"] == len(ARTICLES) - stored_before
        # The killed run's WARC file is readable up to its last complete record.
        for path in (tmp_path / "var" / "warc" / "demo").glob("*.warc.gz"):
            assert list(iter_captures(path))
    finally:
        server.stop()
        client.drop_database(database_name)
        client.close()
