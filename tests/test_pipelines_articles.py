"""The storage pipeline as a Scrapy component, against real database servers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.localdb import LocalServer, free_port
from crawler.profiles import parse_profile
from crawler.store import DatabaseUnavailable, connect
from pipelines.articles import ArticlesPipeline
from pipelines.validate import ValidateArticlePipeline
from spiders.news import NewsSpider
from tests.conftest import run_cli
from tests.test_store_articles import article

if TYPE_CHECKING:
    from pathlib import Path

    from scrapy.crawler import Crawler

PROFILE = parse_profile("name: demo\nbase_url: http://a.cn/\n")


def crawler_for(uri: str, database: str, **settings: Any) -> Crawler:
    crawler = get_crawler(NewsSpider, {"MONGO_URI": uri, "MONGO_DATABASE": database, **settings})
    crawler.spider = NewsSpider(profile=PROFILE)
    crawler.spider.crawler = crawler
    crawler.stats.open_spider()
    return crawler


def test_pipeline_writes_in_batches_and_counts(mongo_uri: str, database_name: str) -> None:
    crawler = crawler_for(mongo_uri, database_name, STORE_INSERT_BATCH=4)
    pipeline = build_from_crawler(ArticlesPipeline, crawler)
    pipeline.open_spider()
    try:
        for n in range(10):
            pipeline.process_item(article(n))
        assert crawler.stats.get_value("store/inserted") == 8  # two full batches so far
        pipeline.close_spider()
        assert crawler.stats.get_value("store/inserted") == 10
        assert crawler.stats.get_value("store/seen_new") == 10
    finally:
        client = connect(mongo_uri)
        assert client[database_name].articles.count_documents({}) == 10
        client.drop_database(database_name)
        client.close()


def test_open_spider_fails_fast_when_the_database_is_absent(tmp_path: Path) -> None:
    crawler = crawler_for(f"mongodb://127.0.0.1:{free_port()}/", "x", MONGO_CONNECT_TIMEOUT_MS=500)
    pipeline = build_from_crawler(ArticlesPipeline, crawler)
    with pytest.raises(DatabaseUnavailable, match="cannot reach the database"):
        pipeline.open_spider()


def test_database_going_away_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kill the server mid-crawl: buffered articles go to a spill file that `newsarchive import` loads."""
    monkeypatch.setenv("NEWSARCHIVE_VAR", str(tmp_path / "var"))
    server = LocalServer(tmp_path / "db", free_port())
    uri = server.start()
    try:
        crawler = crawler_for(uri, "archive", STORE_INSERT_BATCH=5, MONGO_TIMEOUT_MS=3000)
        pipeline = build_from_crawler(ArticlesPipeline, crawler)
        pipeline.open_spider()
        for n in range(5):  # one batch written
            pipeline.process_item(article(n))
        server.stop()
        for n in range(5, 8):  # buffered, never written
            pipeline.process_item(article(n))
        pipeline.close_spider()
        assert crawler.stats.get_value("store/spilled") == 3
        [spill] = pipeline.spill_files
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
