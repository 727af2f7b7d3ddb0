"""Record every crawl in `crawl_runs`: site, start and end, pages fetched, articles new/updated, errors.

The workers of a distributed run (`crawl --frontier`) join one run document: each adds its
figures when it leaves, the last one closes the run (finished when the frontier was completed).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from pymongo.errors import PyMongoError
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.health import Thresholds, check_run
from crawler.signals import frontier_opened, frontier_rejoined, frontier_worker_lost
from crawler.store import CrawlRuns, DatabaseUnavailable, open_from_settings, redact_uri
from crawler.store.runs import SUMMED_FIGURES

if TYPE_CHECKING:
    from pymongo import MongoClient
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from crawler.frontier.scheduler import FrontierSession

logger = logging.getLogger(__name__)


#: Run status by Scrapy finish reason (anything else, e.g. shutdown or an item limit: "stopped").
RUN_STATUS = {"finished": "finished", "site_busy": "skipped", "database_unavailable": "failed"}


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
        self.session: FrontierSession | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Enabled unless CRAWL_RUNS_ENABLED is false."""
        if not crawler.settings.getbool("CRAWL_RUNS_ENABLED", True):
            raise NotConfigured("CRAWL_RUNS_ENABLED is false")
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(recorder.frontier_opened, signal=frontier_opened)
        crawler.signals.connect(recorder.worker_lost, signal=frontier_worker_lost)
        crawler.signals.connect(recorder.rejoined, signal=frontier_rejoined)
        return recorder

    def frontier_opened(self, session: FrontierSession) -> None:
        """A worker of a distributed run joins the run's document."""
        self.session = session

    def rejoined(self, session: FrontierSession) -> None:
        """Back in the run after another worker took this one for dead."""
        if self.runs is not None and self.run_id is not None:
            try:
                self.runs.rejoin(self.run_id, session.worker)
            except PyMongoError as exc:
                logger.warning("could not record that this worker is back: %s", exc)

    def worker_lost(self, worker: str, requeued: int) -> None:
        """Another worker of the run died; this one noticed and requeued its work."""
        if self.runs is not None and self.run_id is not None:
            try:
                self.runs.worker_lost(self.run_id, worker)
            except PyMongoError as exc:
                logger.warning("could not record the loss of worker %s: %s", worker, exc)

    def spider_opened(self, spider: Spider) -> None:
        """Insert the "running" run document."""
        profile = getattr(spider, "profile", None)
        site = self.site = profile.name if profile is not None else spider.name
        try:
            self.client, db = open_from_settings(self.crawler.settings)
            self.runs = CrawlRuns(db)
            self.runs.ensure_indexes()
            if self.session is None:
                self.run_id = self.runs.start(
                    site, base_url=getattr(profile, "base_url", None), spider=spider.name
                )
            else:
                self._join(site, getattr(profile, "base_url", None), spider.name)
        except (DatabaseUnavailable, PyMongoError) as exc:
            logger.error("could not record the start of this run: %s", exc)
            return
        self.crawler.stats.set_value("run/id", self.run_id)
        logger.info("crawl run %s started", self.run_id)

    def _join(self, site: str, base_url: str | None, spider: str) -> None:
        assert self.runs is not None
        assert self.session is not None
        session = self.session
        if session.previous_run_id:
            self.runs.interrupt(
                session.previous_run_id, "its workers are gone; a new run resumed its frontier"
            )
        self.run_id = session.run_id
        worker = {"worker": session.worker, "host": session.worker.split(":")[0]}
        frontier = redact_uri(session.frontier_url)
        self.runs.join(self.run_id, site, worker, base_url=base_url, spider=spider, frontier=frontier)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Complete the run with its figures."""
        if self.runs is None or self.run_id is None:
            return
        stats = self.crawler.stats.get_stats()
        status = RUN_STATUS.get(reason, "stopped")
        figures = run_figures(stats)
        if self.session is not None:
            self._leave(reason, status, figures)
            return
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

    def _leave(self, reason: str, status: str, figures: dict[str, Any]) -> None:
        """A worker of a distributed run leaves; the last one closes the run."""
        assert self.runs is not None
        assert self.run_id is not None
        assert self.session is not None
        try:
            run = self.runs.leave(
                self.run_id, self.session.worker, figures, completed=self.session.completed, status=status
            )
            if run is not None:
                totals = {k: run.get(k, 0) for k in SUMMED_FIGURES}
                final = "finished" if run.get("frontier_completed") else status
                if final == "finished":
                    previous = [r for r in self.runs.latest(self.site, limit=20) if r["_id"] != self.run_id]
                    totals["health"] = check_run(totals, previous, self.thresholds)
                    for warning in totals["health"]["warnings"]:
                        logger.warning("health of %s: %s", self.site, warning)
                self.runs.finish(self.run_id, final, finish_reason=reason, **totals)
        except PyMongoError as exc:
            logger.error("could not record the end of run %s: %s", self.run_id, exc)
        finally:
            if self.client is not None:
                self.client.close()
