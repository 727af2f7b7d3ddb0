"""Turns a crawl into a worker of a distributed crawl when a frontier URL is given."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.project.defaults import CONNECTION_ENV, connection_setting

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

#: Environment variable naming the frontier (it beats the FRONTIER_URL setting, like MONGO_URI).
FRONTIER_ENV = CONNECTION_ENV["FRONTIER_URL"]


def frontier_url(settings: BaseSettings) -> str | None:
    """$NEWSARCHIVE_FRONTIER, else FRONTIER_URL, else None (a crawl on its own)."""
    return connection_setting(settings, "FRONTIER_URL")


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
