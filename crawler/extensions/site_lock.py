"""Refuse to start a second crawl of a site while one runs (here, in another process, or elsewhere).

Fails closed: without the lease (taken by another crawl, or the database cannot say) there is
no crawl, and a crawl whose heartbeat finds the lease gone (or cannot confirm it for a whole
TTL) stops, since another crawl may have taken the site over.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Self

from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from twisted.internet import task

from crawler.store import DatabaseUnavailable, open_from_settings
from crawler.store.locks import SiteBusy, SiteLock

if TYPE_CHECKING:
    from pymongo import MongoClient
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SiteLockExtension:
    """Takes the site's lease when the spider opens (closing it as `site_busy` if taken), beats, releases."""

    def __init__(self, crawler: Crawler, ttl_s: int) -> None:
        self.crawler = crawler
        self.ttl_s = ttl_s
        self.client: MongoClient[dict[str, Any]] | None = None
        self.lock: SiteLock | None = None
        self.heartbeat: task.LoopingCall | None = None
        #: When the lease was last confirmed ours (monotonic seconds).
        self.confirmed_at = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Enabled by CRAWL_LOCK_ENABLED; a lease without heartbeat expires after CRAWL_LOCK_TTL seconds."""
        if not crawler.settings.getbool("CRAWL_LOCK_ENABLED", True):
            raise NotConfigured("CRAWL_LOCK_ENABLED is false")
        extension = cls(crawler, crawler.settings.getint("CRAWL_LOCK_TTL", 900))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        """Take the lease before the first request, or close the spider as `site_busy`."""
        profile = getattr(spider, "profile", None)
        site = profile.name if profile is not None else spider.name
        try:
            self.client, db = open_from_settings(self.crawler.settings)
            self.lock = SiteLock(db, site, ttl=timedelta(seconds=self.ttl_s))
            self.lock.acquire(self.crawler.stats.get_value("run/id"))
        except SiteBusy as exc:
            logger.error("%s", exc)
            raise CloseSpider("site_busy") from exc
        except (DatabaseUnavailable, PyMongoError) as exc:
            logger.error("could not take the crawl lease of %s, so nothing is fetched: %s", site, exc)
            raise CloseSpider("lease_unavailable") from exc
        self.confirmed_at = time.monotonic()
        self.heartbeat = task.LoopingCall(self._beat)
        self.heartbeat.start(max(5, self.ttl_s // 10), now=False)

    def _beat(self) -> None:
        """Refresh the lease; stop the crawl when it is lost or unconfirmed for a whole TTL."""
        if self.lock is None:
            return
        try:
            held = self.lock.refresh()
        except PyMongoError as exc:
            unconfirmed = time.monotonic() - self.confirmed_at
            if unconfirmed < self.ttl_s:
                logger.warning("could not refresh the crawl lease (will retry): %s", exc)
                return
            logger.error(
                "could not confirm the crawl lease of %s for %.0f s (another crawl may have taken it "
                "over); stopping: %s",
                self.lock.site,
                unconfirmed,
                exc,
            )
            self._stop("lease_lost")
            return
        if held:
            self.confirmed_at = time.monotonic()
            return
        logger.error("the crawl lease of %s was taken over by another crawl; stopping", self.lock.site)
        self._stop("lease_lost")

    def _stop(self, reason: str) -> None:
        self.crawler.stats.set_value("lease/lost", 1)
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not crawling (yet): nothing to stop
            return
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(engine.close_spider_async(reason=reason))

    def spider_closed(self, spider: Spider) -> None:
        """Give the lease back."""
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        try:
            if self.lock is not None:
                self.lock.release()
        except PyMongoError as exc:
            logger.warning("could not release the crawl lease (it expires by itself): %s", exc)
        finally:
            if self.client is not None:
                self.client.close()
