"""Turns a crawl into a worker of a distributed crawl when a frontier URL is given."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

#: Environment variable naming the frontier (the FRONTIER_URL setting wins over it).
FRONTIER_ENV = "NEWSARCHIVE_FRONTIER"


def frontier_url(settings: BaseSettings) -> str | None:
    """FRONTIER_URL, else $NEWSARCHIVE_FRONTIER, else None (a crawl on its own)."""
    return settings.get("FRONTIER_URL") or os.environ.get(FRONTIER_ENV) or None


class FrontierAddon:
    """Scrapy add-on: with a frontier (redis://HOST:PORT/DB), share the crawl through Redis.

    It switches to our FrontierScheduler (scrapy-redis's scheduler, queue and duplicate
    filter underneath) and adds the seeding middleware.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        """Switch the scheduler when a frontier is configured; change nothing otherwise."""
        url = frontier_url(settings)
        if not url:
            return
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                f"the frontier must be a Redis URL (redis://HOST:PORT/DB), got {url!r}; "
                f"check --frontier, FRONTIER_URL or ${FRONTIER_ENV}"
            )
        settings.set("REDIS_URL", url, priority="addon")
        # "project": the project's settings name the non-distributed scheduler (crawler/settings.py)
        settings.set("SCHEDULER", "crawler.frontier.scheduler.FrontierScheduler", priority="project")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority="project")
        from crawler.frontier.seeding import FrontierSeedMiddleware

        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", FrontierSeedMiddleware, 10)
