"""Refuse to start a second crawl of a site while one runs (here, in another process, or elsewhere).

The workers of one distributed run (`crawl --frontier`) share the run's lease instead.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Self

from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from twisted.internet import task

from crawler.signals import frontier_opened
from crawler.store import open_from_settings
from crawler.store.locks import RunLease, SiteBusy, SiteLock

if TYPE_CHECKING:
    from pymongo import MongoClient
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from crawler.frontier.scheduler import FrontierSession

logger = logging.getLogger(__name__)


class SiteLockExtension:
    """Takes the site's lease when the spider opens (closing it as `site_busy` if taken), beats, releases."""

    def __init__(self, crawler: Crawler, ttl_s: int) -> None:
        self.crawler = crawler
        self.ttl_s = ttl_s
        self.client: MongoClient[dict[str, Any]] | None = None
        self.lock: SiteLock | None = None
        self.heartbeat: task.LoopingCall | None = None
        self.session: FrontierSession | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Enabled by CRAWL_LOCK_ENABLED; a lease without heartbeat expires after CRAWL_LOCK_TTL seconds."""
        if not crawler.settings.getbool("CRAWL_LOCK_ENABLED", True):
            raise NotConfigured("CRAWL_LOCK_ENABLED is false")
        extension = cls(crawler, crawler.settings.getint("CRAWL_LOCK_TTL", 900))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.frontier_opened, signal=frontier_opened)
        return extension

    def frontier_opened(self, session: FrontierSession) -> None:
        """A worker of a distributed run shares the run's lease."""
        self.session = session

    def spider_opened(self, spider: Spider) -> None:
        """Take the lease before the first request, or close the spider as `site_busy`."""
        profile = getattr(spider, "profile", None)
        site = profile.name if profile is not None else spider.name
        self.client, db = open_from_settings(self.crawler.settings)
        ttl = timedelta(seconds=self.ttl_s)
        session = self.session
        try:
            if session is None:
                self.lock = SiteLock(db, site, ttl=ttl)
                self.lock.acquire()
            else:
                self.lock = RunLease(db, site, session.run_id, ttl=ttl)
                self.lock.acquire(replaces=session.previous_run_id)
        except SiteBusy as exc:
            logger.error("%s", exc)
            raise CloseSpider("site_busy") from exc
        self.heartbeat = task.LoopingCall(self._beat)
        self.heartbeat.start(max(5, self.ttl_s // 10), now=False)

    def _beat(self) -> None:
        try:
            if self.lock is not None:
                self.lock.refresh()
        except PyMongoError as exc:
            logger.warning("could not refresh the crawl lease: %s", exc)

    def spider_closed(self, spider: Spider) -> None:
        """Give the lease back (a distributed run's: only its last worker)."""
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        try:
            if self.lock is not None and (self.session is None or self.session.last_out):
                self.lock.release()
        except PyMongoError as exc:
            logger.warning("could not release the crawl lease (it expires by itself): %s", exc)
        finally:
            if self.client is not None:
                self.client.close()
