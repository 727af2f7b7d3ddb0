"""Store articles in MongoDB: batched, idempotent, and nothing lost when the database goes away.

The pipeline only writes: the archive session (crawler/session/) owns the client, the write
buffer and the learned boilerplate, and opens them before the first request.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.items import Article, PageVisit
from crawler.project.signals import archive_flushed
from crawler.project.workdir import unsaved_dir
from crawler.session import ArchiveSession
from crawler.store import DatabaseUnavailable
from crawler.store.articles import KEPT_COMPLETE, NEW, REJECTED, UNCHANGED, UNKNOWN
from crawler.store.spill import pending_records, rejected_records, write_spill

if TYPE_CHECKING:
    from pathlib import Path

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from crawler.store.articles import WriteCounts

logger = logging.getLogger(__name__)


class ArticlesPipeline:
    """Writes every article and visit through the session's ArticleStore.

    Flushes in batches and at the end. When the database goes away mid-crawl the buffered
    articles and visits (and any that arrive while the crawl closes) are written to a JSON
    Lines spill file that the next crawl of the site, or `newsarchive import`, loads back;
    documents the database refuses go to var/unsaved/rejected/ with the reason.
    """

    def __init__(
        self, session: ArchiveSession, stats: StatsCollector, stop: Any, crawler: Crawler | None = None
    ) -> None:
        self.session = session
        self.stats = stats
        self.crawler = crawler
        #: Called with a finish reason to close the crawl (the database is gone).
        self.stop = stop
        self.spill_files: list[Path] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Needs the archive session add-on (ADDONS)."""
        session = ArchiveSession.of(crawler)
        if session is None:
            raise NotConfigured("the archive session add-on (crawler.session.ArchiveSession) is off")
        pipeline = cls(session, crawler.stats, session.stop, crawler)
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle)
        return pipeline

    def spider_idle(self) -> None:
        """Nothing is being fetched: write what is buffered (a distributed run waits for it)."""
        store = self.session.store
        if store is None or self.stats.get_value("store/unavailable"):
            return
        if store.pending:
            self._flush()
        else:
            self._flushed()

    def _flushed(self) -> None:
        """Everything received so far is stored: tell the frontier (it acknowledges finished requests)."""
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(archive_flushed)

    def process_item(self, item: Any) -> Any:
        """Buffer the article or visit; write a batch when one is full."""
        store = self.session.store
        if store is None:  # the session did not open: the crawl is closing
            return item
        if isinstance(item, Article):
            outcome = store.add(item, datetime.now(UTC))
            if item.canonical_ignored:
                self.stats.inc_value(f"canonical/ignored/{item.canonical_ignored}")
            if outcome == NEW and self.session.learner is not None:
                self.session.learner.add_fingerprints(item.fingerprints)  # each article counted once, ever
            if outcome == NEW and self.session.layout is not None:
                self.session.layout.add(item.layout)
            if item.published_at is None and outcome not in (UNCHANGED, REJECTED, KEPT_COMPLETE):
                self.stats.inc_value("extract/missing_date")
        elif isinstance(item, PageVisit):
            outcome = store.add_visit(item)
            if outcome == UNKNOWN:
                logger.info("%s answered %s (%s) but was never archived", item.url, item.status, item.reason)
        else:
            return item
        if outcome != REJECTED:
            self.stats.inc_value(f"store/seen_{outcome}")
        if store.should_flush():
            self._flush()
        return item

    def close_spider(self) -> None:
        """Write what is left; spill it to disk if the database is gone."""
        if self.session.store is not None:
            self._flush(final=True)

    def _flush(self, final: bool = False) -> None:
        store = self.session.store
        assert store is not None
        try:
            counts = store.flush()
        except DatabaseUnavailable as exc:
            # The driver already retried (failover, blips); the server is gone. Keep every
            # article on disk and stop fetching pages that could not be stored.
            self.stats.inc_value("store/unavailable")
            logger.error("%s", exc)
            self._spill()
            if not final:
                self.stop("database_unavailable")
            return
        self._count(counts)
        self._spill_rejected()
        self._flushed()

    def _count(self, counts: WriteCounts) -> None:
        for name in ("inserted", "updated", "unchanged", "gone"):
            if value := getattr(counts, name):
                self.stats.inc_value(f"store/{name}", value)
        if counts.errors:
            self.stats.inc_value("store/write_errors", counts.errors)

    def _spill_rejected(self) -> None:
        """Documents and visits the database refused go to var/unsaved/rejected/, with their reasons."""
        store = self.session.store
        assert store is not None
        rejected = store.take_rejected()
        if not rejected:
            return
        path = write_spill(rejected_records(rejected), unsaved_dir() / "rejected", self.session.site)
        self.spill_files.append(path)
        self.stats.inc_value("store/rejected", len(rejected))
        logger.error(
            "%d articles or visits were refused by the database and saved with the reason to %s; "
            "fix the cause, then `newsarchive import %s`",
            len(rejected),
            path,
            path,
        )

    def _spill(self) -> None:
        store = self.session.store
        assert store is not None
        pending = store.drain()
        self._spill_rejected()
        if not pending:
            return
        path = write_spill(pending_records(pending), unsaved_dir(), self.session.site)
        self.spill_files.append(path)
        self.stats.inc_value("store/spilled", len(pending))
        logger.error(
            "the database is unavailable: %d articles and visits saved to %s; the next crawl of the site "
            "stores them, or `newsarchive import %s` once the database is back",
            len(pending),
            path,
            path,
        )
