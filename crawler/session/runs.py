"""The run record of a crawl in `crawl_runs`: site, start and end, pages, articles, errors, health."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pymongo.errors import PyMongoError

from crawler.health import Thresholds, check_run
from crawler.store import CrawlRuns

if TYPE_CHECKING:
    from pymongo.database import Database

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


def run_status(reason: str, stats: dict[str, Any]) -> str:
    """The status of a run that ended for reason; a run that lost writes is "failed"."""
    status = RUN_STATUS.get(reason, "stopped")
    if status == "finished" and (stats.get("store/write_errors") or stats.get("store/spilled")):
        return "failed"  # ran to its end, but not everything reached the database
    return status


class RunRecorder:
    """Opens the run document when the crawl starts and completes it when the crawl ends."""

    def __init__(self, db: Database[dict[str, Any]], thresholds: Thresholds) -> None:
        self.runs = CrawlRuns(db)
        self.thresholds = thresholds
        self.run_id: str | None = None
        self.site = ""

    def start(self, site: str, base_url: str | None, spider: str) -> str | None:
        """Insert the "running" document; its id, or None when it could not be written (logged)."""
        self.site = site
        try:
            self.runs.ensure_indexes()
            self.run_id = self.runs.start(site, base_url=base_url, spider=spider)
        except PyMongoError as exc:
            logger.error("could not record the start of this run: %s", exc)
            return None
        logger.info("crawl run %s started", self.run_id)
        return self.run_id

    def finish(self, reason: str, stats: dict[str, Any]) -> list[str]:
        """Complete the run with its figures (and health checks when it finished); the health warnings."""
        if self.run_id is None:
            return []
        status = run_status(reason, stats)
        figures = run_figures(stats)
        try:
            if status == "finished":
                previous = [r for r in self.runs.latest(self.site, limit=20) if r["_id"] != self.run_id]
                figures["health"] = check_run(figures, previous, self.thresholds)
                for warning in figures["health"]["warnings"]:
                    logger.warning("health of %s: %s", self.site, warning)
            self.runs.finish(self.run_id, status, finish_reason=reason, **figures)
        except PyMongoError as exc:
            logger.error("could not record the end of run %s: %s", self.run_id, exc)
        return list(figures.get("health", {}).get("warnings", []))
