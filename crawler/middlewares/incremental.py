"""Incremental crawls: skip archived articles not yet due.

Due articles are fetched with the stored ETag / Last-Modified, so an unchanged page can
answer 304. How far a section's list pages are walked is decided by the walk itself
(crawler/discovery/walks.py: the streak of archived articles stops a walk only where the list
is covered below).

State lives in the database (the archive index loaded by the storage pipeline), so a crawl on
a new machine with the same database continues where the last one stopped.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import Request
from scrapy.exceptions import NotConfigured

from crawler.discovery.revisit import is_due
from crawler.project.defaults import project_bool
from crawler.session import ArchiveSession

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable, Iterator

    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from crawler.session import ArchiveView
    from crawler.store.index import KnownArticle

logger = logging.getLogger(__name__)


def conditional(request: Request, known: KnownArticle) -> Request:
    """The request with the stored validators, so an unchanged page can answer 304.

    Not for a multi-page article: its first page's validators say nothing about the others
    (an edit on page 2 leaves page 1 unchanged), so it is fetched and compared whole.
    """
    if known.pages > 1:
        return request
    headers: dict[str, str] = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    if not headers:
        return request
    return request.replace(headers={**request.headers.to_unicode_dict(), **headers})  # type: ignore[misc]


class IncrementalMiddleware:
    """Filters the requests a callback yields, using what the archive already holds."""

    def __init__(self, crawler: Crawler, archive: ArchiveView) -> None:
        self.crawler = crawler
        #: The archive session's view: its index is there once the session has opened.
        self.archive = archive
        self.started = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Enabled by INCREMENTAL_ENABLED (`newsarchive crawl --full` turns it off)."""
        if not project_bool(crawler.settings, "INCREMENTAL_ENABLED"):
            raise NotConfigured("INCREMENTAL_ENABLED is false: every discovered article is fetched")
        archive = ArchiveSession.of(crawler)
        if archive is None:
            raise NotConfigured("the archive session add-on is not in ADDONS: nothing is known to skip")
        return cls(crawler, archive)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        """Sync callbacks."""
        for obj in result:
            kept = self._decide(obj)
            if kept is not None:
                yield kept

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        """Async callbacks."""
        async for obj in result:
            kept = self._decide(obj)
            if kept is not None:
                yield kept

    def _decide(self, obj: Any) -> Any:
        index = self.archive.index
        if not isinstance(obj, Request) or index is None or obj.meta.get("kind") != "article":
            return obj
        stats = self.crawler.stats
        known = index.find_url(obj.url)
        if known is None:
            return obj
        if known.last_seen is not None and known.last_seen >= self.started:
            stats.inc_value("incremental/seen_this_crawl")  # stored minutes ago, by this crawl
            return None
        lastmod = obj.meta.get("lastmod")
        announced = lastmod is not None and (known.last_seen is None or lastmod > known.last_seen)
        if announced:
            stats.inc_value("incremental/lastmod_newer")  # the sitemap says it changed since
        elif not is_due(known, self.crawler.spider.profile.revisit, datetime.now(UTC)):  # type: ignore[union-attr]
            if index.first_skip(known.id):  # feeds, sitemaps and lists link an article many times
                stats.inc_value("incremental/skipped_known")
            return None
        stats.inc_value("incremental/revisits")
        return conditional(obj, known)
