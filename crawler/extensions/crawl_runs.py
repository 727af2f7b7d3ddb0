"""Record every crawl in `crawl_runs`: site, start and end, pages fetched, articles new/updated, errors."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.health import Thresholds, check_run
from crawler.store import CrawlRuns, DatabaseUnavailable, open_from_settings

if TYPE_CHECKING:
    from pymongo import MongoClient
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


#: Run status by Scrapy finish reason (anything else, e.g. shutdown or an item limit: "stopped").
RUN_STATUS = {
    "finished": "finished",
    "site_busy": "skipped",
    "database_unavailable": "failed",
    "lease_unavailable": "failed",
    "lease_lost": "failed",
}


def crawl_errors(stats: dict[str, Any]) -> int:
    """Failed fetches, spider exceptions and write errors: what a run and its progress call errors."""
    fetch_failures = sum(v for k, v in stats.items() if k.startswith(("fetch/failed/", "fetch/http_error/")))
    return fetch_failures + stats.get("spider_exceptions/count", 0) + stats.get("store/write_errors", 0)


def run_figures(stats: dict[str, Any]) -> dict[str, Any]:
    """The figures a run document keeps, from Scrapy's stats (our keys are namespaced store/, fetch/)."""
    errors = crawl_errors(stats)
    return {
        "pages_fetched": stats.get("response_received_count", 0),
        "articles_new": stats.get("store/inserted", 0),
        "articles_updated": stats.get("store/updated", 0),
        "articles_unchanged": stats.get("store/unchanged", 0),
        "articles_dropped": stats.get("item_dropped_count", 0),
        "articles_gone": stats.get("store/gone", 0),
        "articles_missing_date": stats.get("extract/missing_date", 0),
        "errors": errors,
        "stats": {k.replace("/", "_"): v for k, v in stats.items() if isinstance(v, int | float | str)},
    }


class CrawlRunRecorder:
    """Opens a run document when the spider opens and completes it when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.client: MongoClient[dict[str, Any]] | None = None
        self.runs: CrawlRuns | None = None
        self.run_id: str | None = None
        self.site = ""
        self.thresholds = Thresholds.from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Enabled unless CRAWL_RUNS_ENABLED is false."""
        if not crawler.settings.getbool("CRAWL_RUNS_ENABLED", True):
            raise NotConfigured("CRAWL_RUNS_ENABLED is false")
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        """Insert the "running" run document."""
        profile = getattr(spider, "profile", None)
        site = self.site = profile.name if profile is not None else spider.name
        try:
            self.client, db = open_from_settings(self.crawler.settings)
            self.runs = CrawlRuns(db)
            self.runs.ensure_indexes()
            self.run_id = self.runs.start(
                site, base_url=getattr(profile, "base_url", None), spider=spider.name
            )
        except (DatabaseUnavailable, PyMongoError) as exc:
            logger.error("could not record the start of this run: %s", exc)
            return
        self.crawler.stats.set_value("run/id", self.run_id)
        logger.info("crawl run %s started", self.run_id)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Complete the run with its figures."""
        if self.runs is None or self.run_id is None:
            return
        stats = self.crawler.stats.get_stats()
        status = RUN_STATUS.get(reason, "stopped")
        figures = run_figures(stats)
        if status == "finished" and (stats.get("store/write_errors") or stats.get("store/spilled")):
            status = "failed"  # ran to its end, but not everything reached the database
        try:
            if status == "finished":
                previous = [r for r in self.runs.latest(self.site, limit=20) if r["_id"] != self.run_id]
                figures["health"] = check_run(figures, previous, self.thresholds)
                for warning in figures["health"]["warnings"]:
                    logger.warning("health of %s: %s", self.site, warning)
            self.runs.finish(self.run_id, status, finish_reason=reason, **figures)
        except PyMongoError as exc:
            logger.error("could not record the end of run %s: %s", self.run_id, exc)
        finally:
            if self.client is not None:
                self.client.close()
