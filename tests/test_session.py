"""One archive session per crawl: one MongoDB client, handed to the components that need it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pymongo import monitoring
from scrapy import signals
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.core.spidermw import SpiderMiddlewareManager
from scrapy.crawler import Crawler
from scrapy.pipelines import ItemPipelineManager
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_reactor_settings

from crawler import settings as project
from crawler.archive.writer import open_store
from crawler.cli.running import project_settings
from crawler.items import ExtractionFailure
from crawler.middlewares.incremental import IncrementalMiddleware
from crawler.middlewares.warc import WarcMiddleware
from crawler.session import ArchiveSession
from spiders.news import NewsSpider
from tests.archive_session import PROFILE, SessionCrawl
from tests.test_store_articles import article

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from pymongo.database import Database


class _Topologies(monitoring.TopologyListener):
    """Counts MongoDB clients as they open (one topology per client)."""

    def __init__(self) -> None:
        self.count = 0

    def opened(self, event: Any) -> None:
        """One more client."""
        self.count += 1

    def description_changed(self, event: Any) -> None:
        """Not counted."""

    def closed(self, event: Any) -> None:
        """Not counted."""


def test_a_crawl_opens_one_database_client(
    mongo_uri: str, mongo_db: Database[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSARCHIVE_VAR", str(tmp_path))
    listener = _Topologies()
    monitoring.register(listener)  # every client created from here on
    crawl = SessionCrawl(mongo_uri, mongo_db.name)
    incremental = build_from_crawler(IncrementalMiddleware, crawl.crawler)
    warc = build_from_crawler(WarcMiddleware, crawl.crawler)
    crawl.open()
    for n in range(3):
        crawl.pipeline.process_item(article(n))
    index = crawl.session.index
    assert index is not None and len(index) == 3  # the archive the session loaded, kept up to date
    crawl.close()
    # pipeline, run record, lease, index, learner, spill import: all through the session's client
    assert listener.count == 1
    # ... and the components read the archive the session loaded, without signals
    assert incremental.archive is crawl.session
    assert warc.archive is crawl.session
    assert crawl.spider.archive is crawl.session
    assert index.path is None and len(index) == 0  # its scratch file went with the session
    assert mongo_db.crawl_runs.count_documents({"status": "finished"}) == 1


def test_every_component_of_a_real_crawl_shares_the_session_client(
    mongo_uri: str, mongo_db: Database[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every pipeline, middleware and extension the project's settings enable, opened and closed."""
    monkeypatch.setenv("NEWSARCHIVE_VAR", str(tmp_path))
    listener = _Topologies()
    monitoring.register(listener)
    settings = project_settings(
        {"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db.name, "EXTRACT_WORKERS": 1}
    )
    values = settings.copy_to_dict()  # the project's and the overrides, over Scrapy's defaults
    ours = {name: values[name] for name in values if settings.getpriority(name)}
    crawler = Crawler(NewsSpider, {**ours, **get_reactor_settings()})  # whichever reactor a test installed
    spider = crawler.spider = crawler._create_spider(profile=PROFILE)  # as Crawler.crawl does
    crawler._apply_settings()
    crawler.stats.open_spider()
    managers = [
        DownloaderMiddlewareManager.from_crawler(crawler),
        SpiderMiddlewareManager.from_crawler(crawler),
        ItemPipelineManager.from_crawler(crawler),
        crawler.extensions,
    ]
    built = {type(component) for manager in managers for component in manager.middlewares}
    paths = [
        path
        for setting in ("ITEM_PIPELINES", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS")
        for path, order in crawler.settings.getdict(setting).items()
        if order is not None and path.startswith(("crawler.", "pipelines.", "spiders."))
    ]
    assert "pipelines.failures.ExtractionFailuresPipeline" in paths
    assert all(load_object(path) in built for path in paths), paths
    pipelines = managers[2].middlewares
    for pipeline in pipelines:  # the engine opens the pipelines (the session first), then signals
        if hasattr(pipeline, "open_spider"):
            pipeline.open_spider()
    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    failure = ExtractionFailure(
        url="http://a.cn/1.html",
        site="demo",
        reason="timeout",
        message="m",
        status=200,
        fetched_at=datetime.now(UTC),
    )
    for item in (article(1), failure):  # through every pipeline, in order
        for pipeline in pipelines:
            item = pipeline.process_item(item)
    for pipeline in pipelines:
        if hasattr(pipeline, "close_spider"):
            pipeline.close_spider()
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
    assert listener.count == 1
    assert mongo_db.extraction_failures.count_documents({"site": "demo"}) == 1
    assert mongo_db.articles.count_documents({}) == 1


def test_the_add_on_installs_the_components_that_use_it(mongo_uri: str) -> None:
    settings = SessionCrawl(mongo_uri, "unused").crawler.settings
    assert settings.getdict("ITEM_PIPELINES")["pipelines.articles.ArticlesPipeline"] == 500
    assert "crawler.middlewares.incremental.IncrementalMiddleware" in settings.getdict("SPIDER_MIDDLEWARES")
    assert "crawler.middlewares.warc.WarcMiddleware" in settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert settings.getdict("ITEM_PIPELINES")["crawler.session.ArchiveSession"] == 0  # opens first


def test_the_session_pipeline_is_the_add_on_itself(mongo_uri: str) -> None:
    crawl = SessionCrawl(mongo_uri, "unused")
    assert build_from_crawler(ArchiveSession, crawl.crawler) is crawl.session


def test_store_defaults_are_the_settings_defaults(mongo_db: Database[dict[str, Any]]) -> None:
    store = open_store(mongo_db)
    assert (store.insert_batch, store.update_batch) == (
        project.STORE_INSERT_BATCH,
        project.STORE_UPDATE_BATCH,
    )
    assert (store.max_batch_bytes, store.max_delay) == (
        project.STORE_MAX_BATCH_BYTES,
        project.STORE_MAX_DELAY,
    )
