"""Store articles in MongoDB: batched, idempotent, and nothing lost when the database goes away."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from pymongo.errors import PyMongoError
from scrapy import signals

from crawler.items import Article, PageVisit
from crawler.signals import archive_flushed, archive_index_loaded
from crawler.store import ArticleStore, DatabaseUnavailable, open_from_settings, redact_uri, resolve_uri
from crawler.store.articles import NEW, UNCHANGED, UNKNOWN
from crawler.store.boilerplate import load_learner, save_learner
from crawler.store.spill import write_spill
from crawler.workdir import var_dir

if TYPE_CHECKING:
    from pathlib import Path

    from pymongo import MongoClient
    from pymongo.database import Database
    from scrapy.crawler import Crawler

    from crawler.extract.learned import BoilerplateLearner

logger = logging.getLogger(__name__)


def learner_thresholds(settings: Any) -> dict[str, Any]:
    """LEARN_* settings as BoilerplateLearner thresholds."""
    return {
        "min_articles": settings.getint("LEARN_MIN_ARTICLES", 20),
        "min_share": settings.getfloat("LEARN_MIN_SHARE", 0.2),
        "min_count": settings.getint("LEARN_MIN_COUNT", 5),
    }


class ArticlesPipeline:
    """Writes every article to the `articles` collection through ArticleStore.

    Connects (and fails the crawl, before anything is fetched) in open_spider; learns which
    articles of the site are stored with one scan; flushes in batches and at the end. When the
    database goes away mid-crawl the buffered articles (and any that arrive while the crawl
    closes) are written to a JSON Lines spill file that `newsarchive import` loads back.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.insert_batch = settings.getint("STORE_INSERT_BATCH", 100)
        self.update_batch = settings.getint("STORE_UPDATE_BATCH", 50)
        self.max_batch_bytes = settings.getint("STORE_MAX_BATCH_BYTES", 8 * 1024 * 1024)
        self.max_delay = settings.getfloat("STORE_MAX_DELAY", 30.0)
        self.client: MongoClient[dict[str, Any]] | None = None
        self.db: Database[dict[str, Any]] | None = None
        self.store: ArticleStore | None = None
        self.learner: BoilerplateLearner | None = None
        self.spill_files: list[Path] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Build from the crawler's MONGO_* and STORE_* settings."""
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle)
        return pipeline

    def spider_idle(self) -> None:
        """Nothing is being fetched: write what is buffered (a distributed run waits for it)."""
        if self.store is None or self.stats.get_value("store/unavailable"):
            return
        if self.store.pending:
            self._flush()
        else:
            self.crawler.signals.send_catch_log(archive_flushed)

    def open_spider(self) -> None:
        """Connect, create indexes, learn what is stored; raises DatabaseUnavailable before any fetch."""
        settings = self.crawler.settings
        site = self.crawler.spider.profile.name
        self.client, db = open_from_settings(settings)
        self.store = ArticleStore(
            db,
            insert_batch=self.insert_batch,
            update_batch=self.update_batch,
            max_batch_bytes=self.max_batch_bytes,
            max_delay=self.max_delay,
        )
        self.store.ensure_indexes()
        known = self.store.load_known(site)
        self.stats.set_value("store/known_at_start", known)
        self.db = db
        self.learner = load_learner(db, site, **learner_thresholds(settings))
        self.crawler.signals.send_catch_log(
            archive_index_loaded, index=self.store.index, boilerplate=self.learner
        )
        logger.info(
            "storing into %s, database %r: %d articles of %s already archived",
            redact_uri(resolve_uri(settings.get("MONGO_URI"))),
            db.name,
            known,
            site,
        )

    def process_item(self, item: Any) -> Any:
        """Buffer the article; write a batch when one is full."""
        if self.store is None:
            return item
        if isinstance(item, Article):
            outcome = self.store.add(item, datetime.now(UTC))
            if outcome == NEW and self.learner is not None:
                self.learner.add_fingerprints(item.fingerprints)  # each article counted once, ever
            if item.published_at is None and outcome != UNCHANGED:
                self.stats.inc_value("extract/missing_date")
        elif isinstance(item, PageVisit):
            outcome = self.store.add_visit(item)
            if outcome == UNKNOWN:
                logger.info("%s answered %s (%s) but was never archived", item.url, item.status, item.reason)
        else:
            return item
        self.stats.inc_value(f"store/seen_{outcome}")
        if self.store.should_flush():
            self._flush()
        return item

    def close_spider(self) -> None:
        """Write what is left; spill it to disk if the database is gone; keep what was learned."""
        if self.store is not None:
            self._flush(final=True)
        if self.learner is not None and self.db is not None and not self.stats.get_value("store/unavailable"):
            try:
                save_learner(self.db, self.crawler.spider.profile.name, self.learner)
            except PyMongoError as exc:
                logger.error("could not save the learned boilerplate: %s", exc)
        if self.client is not None:
            self.client.close()

    def _flush(self, final: bool = False) -> None:
        assert self.store is not None
        try:
            counts = self.store.flush()
        except DatabaseUnavailable as exc:
            # The driver already retried (failover, blips); the server is gone. Keep every
            # article on disk and stop fetching pages that could not be stored.
            self.stats.inc_value("store/unavailable")
            logger.error("%s", exc)
            self._spill()
            if not final:
                self._close_soon()
            return
        for name in ("inserted", "updated", "unchanged", "gone"):
            if value := getattr(counts, name):
                self.stats.inc_value(f"store/{name}", value)
        if counts.errors:
            self.stats.inc_value("store/write_errors", counts.errors)
        self.crawler.signals.send_catch_log(archive_flushed)

    def _close_soon(self) -> None:
        from scrapy.utils.defer import deferred_from_coro

        if self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="database_unavailable"))

    def _spill(self) -> None:
        assert self.store is not None
        docs = self.store.drain()
        if not docs:
            return
        path = write_spill(docs, var_dir() / "unsaved", self.crawler.spider.profile.name)
        self.spill_files.append(path)
        self.stats.inc_value("store/spilled", len(docs))
        logger.error(
            "the database is unavailable: %d articles saved to %s; load them with `newsarchive import %s` "
            "once it is back",
            len(docs),
            path,
            path,
        )
