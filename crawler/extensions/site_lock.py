"""Refuse to start a second crawl of a site while one runs (here, in another process, or elsewhere)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Self

from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from crawler.store import open_from_settings
from crawler.store.heartbeat import Heartbeat
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
        self.heartbeat: Heartbeat | None = None

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
        self.client, db = open_from_settings(self.crawler.settings)
        self.lock = SiteLock(db, site, ttl=timedelta(seconds=self.ttl_s))
        try:
            self.lock.acquire()
        except SiteBusy as exc:
            logger.error("%s", exc)
            raise CloseSpider("site_busy") from exc
        # Its own thread: the reactor thread also writes batches to the database and must never
        # make the lease wait (nor must the lease wait for a page).
        self.heartbeat = Heartbeat(self._beat, max(5, self.ttl_s // 10), name=f"lease-{site}")
        self.heartbeat.start()

    def _beat(self) -> None:
        try:
            if self.lock is not None:
                self.lock.refresh()
        except PyMongoError as exc:
            logger.warning("could not refresh the crawl lease: %s", exc)

    def spider_closed(self, spider: Spider) -> None:
        """Give the lease back."""
        if self.heartbeat is not None:
            self.heartbeat.stop()
        try:
            if self.lock is not None:
                self.lock.release()
        except PyMongoError as exc:
            logger.warning("could not release the crawl lease (it expires by itself): %s", exc)
        finally:
            if self.client is not None:
                self.client.close()
