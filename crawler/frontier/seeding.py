"""Only one worker of a distributed run puts the start requests into the shared frontier."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from crawler.project.signals import frontier_opened

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from scrapy.crawler import Crawler

    from crawler.frontier.scheduler import FrontierSession

logger = logging.getLogger(__name__)


class FrontierSeedMiddleware:
    """Spider middleware: one worker passes the spider's start requests on, the others none.

    The worker that claims seeding yields the start requests (feeds, sitemaps, list pages,
    due revisits) and marks the frontier seeded at their end; every other worker, and a run
    resuming a frontier that is seeded already, starts none.
    """

    def __init__(self) -> None:
        self.session: FrontierSession | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Listens for the frontier scheduler's `frontier_opened`."""
        middleware = cls()
        crawler.signals.connect(middleware.frontier_opened, signal=frontier_opened)
        return middleware

    def frontier_opened(self, session: FrontierSession) -> None:
        """Remember the run this worker joined."""
        self.session = session

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass the start requests on only if this worker seeds the frontier."""
        session = self.session
        if session is None:  # no frontier: a plain crawl
            async for item in start:
                yield item
            return
        if not session.frontier.claim_seeding(session.worker):
            logger.info("frontier %s: seeded by another worker; taking work from it", session.frontier.site)
            return
        logger.info("frontier %s: this worker seeds the frontier", session.frontier.site)
        async for item in start:
            yield item
        session.frontier.mark_seeded()
        logger.info("frontier %s: seeded", session.frontier.site)
