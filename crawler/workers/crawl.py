"""The extraction pool inside a Scrapy crawl: settings, stats, and a prompt stop.

The spider calls ``await extraction.extract(page, profile, learned, template)`` and gets an Article or
an ExtractionFailed; the reactor thread never runs extraction, so downloads, storage and the
lease go on while pages are extracted on the other cores.

On SIGTERM/SIGINT Scrapy closes the spider gracefully, which waits for every callback in
flight. Here the first signal also fails the queued pages and, after EXTRACT_STOP_GRACE
seconds, kills the workers still extracting; those pages become extraction failures
(``stopped``), recorded like any other, so the crawl ends within seconds whatever a page does.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals

from crawler.project.defaults import project_float
from crawler.workers.pool import ExtractionFailed, ExtractionPool, PoolConfig

if TYPE_CHECKING:
    from types import FrameType

    from scrapy.crawler import Crawler

    from crawler.extract.page import Page
    from crawler.extract.pagination import PagesToMerge
    from crawler.extract.template import SiteTemplate
    from crawler.items import Article
    from crawler.profiles import SiteProfile

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class CrawlExtraction:
    """One ExtractionPool per crawl, closed with the spider; counts in the crawl's stats."""

    def __init__(self, crawler: Crawler, config: PoolConfig, stop_grace_s: float) -> None:
        self.crawler = crawler
        self.pool = ExtractionPool(config)
        self.stop_grace_s = stop_grace_s
        self._stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """EXTRACT_WORKERS (0: one per core), EXTRACT_BUDGET, EXTRACT_WORKER_MAX_PAGES, EXTRACT_STOP_GRACE."""
        settings = crawler.settings
        extraction = cls(
            crawler, PoolConfig.from_settings(settings), project_float(settings, "EXTRACT_STOP_GRACE")
        )
        crawler.signals.connect(extraction.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extraction.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extraction.spider_closed, signal=signals.spider_closed)
        return extraction

    async def extract(
        self,
        page: Page,
        profile: SiteProfile,
        learned: frozenset[str] = frozenset(),
        template: SiteTemplate | None = None,
    ) -> Article:
        """The page's article, extracted in a worker within the budget; raises ExtractionFailed."""
        return await self._run(page, profile, learned, template)

    async def merge(self, pages: PagesToMerge, profile: SiteProfile) -> Article:
        """The article merged from its pages, in a worker (where the language dictionaries are).

        Should the worker fail, the pages are merged here instead: they are fetched and
        extracted already, and nothing is lost for the price of those dictionaries in this process.
        """
        try:
            return await self._run(pages, profile)
        except ExtractionFailed as exc:
            logger.warning("merging in a worker failed (%s); merging here", exc)
            return pages.merge()

    async def _run(
        self,
        job: Page | PagesToMerge,
        profile: SiteProfile,
        learned: frozenset[str] = frozenset(),
        template: SiteTemplate | None = None,
    ) -> Article:
        try:
            return await asyncio.wrap_future(self.pool.submit(job, profile, learned, template))
        finally:
            self._record_stats()

    def _record_stats(self) -> None:
        stats = self.pool.stats
        self.crawler.stats.set_value("extract/worker_starts", stats.started)
        self.crawler.stats.set_value("extract/worker_recycled", stats.recycled)
        self.crawler.stats.set_value("extract/worker_killed", stats.killed)

    def spider_opened(self) -> None:
        """Start the workers while the first pages are being fetched."""
        self.pool.start()
        self.crawler.stats.set_value("extract/workers", self.pool.config.size)

    def engine_started(self) -> None:
        """Chain our stop handling before Scrapy's own SIGTERM/SIGINT handlers (installed by now)."""
        for signum in STOP_SIGNALS:
            previous = signal.getsignal(signum)

            def handler(sig: int, frame: FrameType | None, previous: Any = previous) -> None:
                self._on_signal()
                if callable(previous):
                    previous(sig, frame)

            signal.signal(signum, handler)

    def _on_signal(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        from twisted.internet import reactor

        # Signal handlers must not take locks the interrupted code may hold: go through the reactor.
        reactor.callFromThread(self._stop_extraction)  # type: ignore[attr-defined,arg-type]

    def _stop_extraction(self) -> None:
        from twisted.internet import reactor

        cancelled = self.pool.cancel_pending()
        logger.info(
            "stopping: %d queued pages not extracted; pages in extraction get %g s",
            cancelled,
            self.stop_grace_s,
        )
        reactor.callLater(self.stop_grace_s, self.pool.kill_busy)  # type: ignore[attr-defined,arg-type]

    def spider_closed(self) -> None:
        """Stop the workers (the pool's counters are in the crawl's stats after every page)."""
        self.pool.close(wait=self.stop_grace_s)
        self._record_stats()
