"""The storage pipeline as a Scrapy component, against real database servers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.localdb import LocalServer, free_port
from crawler.store import DatabaseUnavailable, connect
from pipelines.validate import ValidateArticlePipeline
from spiders.news import NewsSpider
from tests.archive_session import SessionCrawl
from tests.conftest import run_cli
from tests.test_store_articles import article

if TYPE_CHECKING:
    from pathlib import Path


def test_pipeline_writes_in_batches_and_counts(mongo_uri: str, database_name: str) -> None:
    crawl = SessionCrawl(mongo_uri, database_name, STORE_INSERT_BATCH=4).open()
    try:
        for n in range(10):
            crawl.pipeline.process_item(article(n))
        assert crawl.stats.get_value("store/inserted") == 8  # two full batches so far
        crawl.close()
        assert crawl.stats.get_value("store/inserted") == 10
        assert crawl.stats.get_value("store/seen_new") == 10
    finally:
        client = connect(mongo_uri)
        assert client[database_name].articles.count_documents({}) == 10
        run = client[database_name].crawl_runs.find_one()
        assert (run["status"], run["articles_new"]) == ("finished", 10)
        assert client[database_name].crawl_locks.count_documents({}) == 0  # the lease was given back
        client.drop_database(database_name)
        client.close()


def test_the_crawl_fails_to_start_when_the_database_is_absent() -> None:
    crawl = SessionCrawl(f"mongodb://127.0.0.1:{free_port()}/", "x", MONGO_CONNECT_TIMEOUT_MS=500)
    with pytest.raises(DatabaseUnavailable, match="cannot reach the database"):
        crawl.open()
    assert crawl.session.store is None
    crawl.close("database_unavailable")  # nothing to write, nothing fails


def test_database_going_away_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kill the server mid-crawl: buffered articles go to a spill file that `newsarchive import` loads."""
    monkeypatch.setenv("NEWSARCHIVE_VAR", str(tmp_path / "var"))
    server = LocalServer(tmp_path / "db", free_port())
    uri = server.start()
    try:
        crawl = SessionCrawl(uri, "archive", STORE_INSERT_BATCH=5, MONGO_TIMEOUT_MS=3000).open()
        for n in range(5):  # one batch written
            crawl.pipeline.process_item(article(n))
        server.stop()
        for n in range(5, 8):  # buffered, never written
            crawl.pipeline.process_item(article(n))
        crawl.close("database_unavailable")
        assert crawl.stats.get_value("store/spilled") == 3
        [spill] = crawl.pipeline.spill_files
        assert spill.exists()

        server.start()
        env = {"MONGO_URI": uri, "MONGO_DATABASE": "archive", "PATH": "/usr/bin:/bin"}
        first = run_cli(["import", str(spill)], env)
        again = run_cli(["import", str(spill)], env)
        assert first.returncode == 0, first.stderr
        assert "total: 3 new, 0 updated, 0 unchanged, 0 gone, 0 errors" in first.stdout
        assert "total: 0 new, 0 updated, 3 unchanged, 0 gone, 0 errors" in again.stdout
        client = connect(uri)
        assert client.archive.articles.count_documents({}) == 8
        client.close()
    finally:
        server.stop()


def test_validation_drops_empty_articles_with_the_reason() -> None:
    crawler = get_crawler(NewsSpider)
    crawler.stats.open_spider()
    pipeline = build_from_crawler(ValidateArticlePipeline, crawler)
    empty = article(1, text=" ")
    with pytest.raises(
        DropItem, match=r"no article text found at http://a\.cn/p/1\.htm\?utm_source=x \(0 characters"
    ):
        pipeline.process_item(empty)
    assert pipeline.process_item(article(2)) is not None
    assert crawler.stats.get_value("extract/empty_text") == 1
