"""The run record of a crawl in `crawl_runs`: site, start and end, pages, articles, errors, health."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pymongo.errors import PyMongoError

from crawler.session.health import Thresholds, check_run
from crawler.store import CrawlRuns, redact_uri

if TYPE_CHECKING:
    from pymongo.database import Database

    from crawler.frontier.scheduler import FrontierSession

logger = logging.getLogger(__name__)

#: Run status by Scrapy finish reason (anything else, e.g. shutdown or an item limit: "stopped").
RUN_STATUS = {
    "finished": "finished",
    "site_busy": "skipped",
    "database_unavailable": "failed",
    "database_error": "failed",
    "lease_unavailable": "failed",
    "lease_lost": "failed",
}


def crawl_errors(stats: dict[str, Any]) -> int:
    """Failed fetches and extractions, spider exceptions and write errors: what a run calls errors."""
    fetch_failures = sum(v for k, v in stats.items() if k.startswith(("fetch/failed/", "fetch/http_error/")))
    return (
        fetch_failures
        + stats.get("extract/failed", 0)
        + stats.get("spider_exceptions/count", 0)
        + stats.get("store/write_errors", 0)
    )


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
        "extraction_failed": stats.get("extract/failed", 0),
        "errors": errors,
        **history_figures(stats),
        "stats": {
            k.replace("/", "_"): redact_uri(v) if isinstance(v, str) else v
            for k, v in stats.items()
            if isinstance(v, int | float | str)
        },
    }


def history_figures(stats: dict[str, Any]) -> dict[str, Any]:
    """The site's backfill state after the run: complete or not, lists left, the oldest article reached."""
    if "history/incomplete" not in stats:
        return {}
    return {
        "history": {
            "complete": not stats["history/incomplete"],
            "lists": stats.get("history/lists", 0),
            "incomplete_lists": stats["history/incomplete"],
            "oldest_published": stats.get("history/oldest_published"),
        }
    }


def _shown_url(url: str | None) -> str | None:
    """A URL as a run record keeps it: no credentials, no secret-looking query values."""
    return redact_uri(url) if url else url


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
        #: this worker's slot in a distributed run (crawler/store/run_workers.py)
        self.slot = 0
        self.site = ""

    def start(self, site: str, base_url: str | None, spider: str) -> str | None:
        """Insert the "running" document; its id, or None when it could not be written (logged)."""
        self.site = site
        try:
            self.runs.ensure_indexes()
            self.run_id = self.runs.start(site, base_url=_shown_url(base_url), spider=spider)
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

    # Distributed runs (`crawl --frontier`): the workers share one document. ------------------

    def join(self, frontier: FrontierSession, site: str, base_url: str | None, spider: str) -> str | None:
        """Join the run the frontier named (creating its document with the first worker)."""
        self.site = site
        try:
            self.runs.ensure_indexes()
            if frontier.previous_run_id:
                self.runs.interrupt(
                    frontier.previous_run_id, "its workers are gone; a new run resumed its frontier"
                )
            worker = {"worker": frontier.worker, "host": frontier.worker.split(":")[0]}
            self.slot = self.runs.join(
                frontier.run_id,
                site,
                worker,
                base_url=_shown_url(base_url),
                spider=spider,
                frontier=redact_uri(frontier.frontier_url),
            )
        except PyMongoError as exc:
            logger.error("could not record that this worker joined run %s: %s", frontier.run_id, exc)
            return None
        self.run_id = frontier.run_id
        logger.info("crawl run %s joined by worker %s", self.run_id, frontier.worker)
        return self.run_id

    def leave(self, frontier: FrontierSession, reason: str, stats: dict[str, Any]) -> list[str]:
        """Add this worker's figures to the run; the last worker closes it. The health warnings."""
        if self.run_id is None:
            return []
        status = run_status(reason, stats)
        figures = run_figures(stats)
        try:
            run = self.runs.leave(
                self.run_id, self.slot, frontier.worker, figures, completed=frontier.completed, status=status
            )
            if run is None:
                return []
            totals: dict[str, Any] = run.record() | history_figures(stats)
            final = "finished" if run.frontier_completed and status in ("finished", "stopped") else status
            if final == "finished":
                previous = [r for r in self.runs.latest(self.site, limit=20) if r["_id"] != self.run_id]
                totals["health"] = check_run(totals, previous, self.thresholds)
                for warning in totals["health"]["warnings"]:
                    logger.warning("health of %s: %s", self.site, warning)
            self.runs.finish(self.run_id, final, finish_reason=reason, **totals)
        except PyMongoError as exc:
            logger.error("could not record the end of run %s: %s", self.run_id, exc)
            return []
        return list(totals.get("health", {}).get("warnings", []))

    def worker_lost(self, worker: str, requeued: int) -> None:
        """Another worker of the run died; this one noticed and requeued its work."""
        if self.run_id is not None:
            try:
                self.runs.worker_lost(self.run_id, worker)
            except PyMongoError as exc:
                logger.warning("could not record the loss of worker %s: %s", worker, exc)

    def rejoined(self, session: FrontierSession) -> None:
        """Back in the run after another worker took this one for dead."""
        if self.run_id is not None:
            try:
                self.runs.rejoin(self.run_id, self.slot)
            except PyMongoError as exc:
                logger.warning("could not record that this worker is back: %s", exc)
