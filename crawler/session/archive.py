"""The archive session: one per crawl, installed as a Scrapy add-on (`ADDONS`).

It owns the crawl's database side, so that one crawl opens one MongoDB client: the client,
the site's lease, the run record, the write buffer (ArticleStore) with the archive index,
the learned boilerplate and the learned site template. It opens before the first request, as
the first item pipeline (order 0; Scrapy opens pipelines before anything is fetched, and an
error there fails the crawl's start, so `scrapy crawl` exits non-zero without a database,
while CloseSpider, e.g. `site_busy`, closes it cleanly) and closes last (spider_closed, after
the pipelines' final flush). Components get it through their constructors, typed by what they
may use (ArchiveView: the index and the learners, read-only), instead of signals.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, Self

from pymongo.errors import OperationFailure, PyMongoError
from scrapy import signals
from scrapy.exceptions import CloseSpider

from crawler.archive.writer import open_store
from crawler.discovery.walks import SiteWalks
from crawler.extract.urls import UrlRules
from crawler.project.defaults import project_bool, project_float, project_int
from crawler.project.signals import frontier_opened, frontier_rejoined, frontier_worker_lost
from crawler.project.workdir import unsaved_dir
from crawler.session.health import Thresholds
from crawler.session.lease import LeaseKeeper
from crawler.session.runs import RunRecorder
from crawler.store import ArticleStore, DatabaseUnavailable, open_from_settings, redact_uri, resolve_uri
from crawler.store.boilerplate import load_learner, save_learner
from crawler.store.connection import database_error
from crawler.store.history import ListHistory
from crawler.store.layout import load_layout, save_layout
from crawler.store.locks import RunLease
from crawler.store.profiles import SiteProfiles
from crawler.store.spill import load_spill, spill_files

if TYPE_CHECKING:
    from pymongo import MongoClient
    from pymongo.database import Database
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

    from crawler.extract.learned import BoilerplateLearner
    from crawler.extract.template import LayoutLearner
    from crawler.frontier.scheduler import FrontierSession
    from crawler.profiles import SiteProfile
    from crawler.store.index import ArchiveIndex

logger = logging.getLogger(__name__)

#: The components that use the session, installed by the add-on (setting, class path, order).
COMPONENTS = (
    # the session itself, first of the pipelines: it opens before any request (see above)
    ("ITEM_PIPELINES", "crawler.session.ArchiveSession", 0),
    ("ITEM_PIPELINES", "pipelines.articles.ArticlesPipeline", 500),
    ("ITEM_PIPELINES", "pipelines.failures.ExtractionFailuresPipeline", 600),
    ("SPIDER_MIDDLEWARES", "crawler.middlewares.incremental.IncrementalMiddleware", 550),
    # next to the downloader: archive what the server sent, before decompression and redirects
    ("DOWNLOADER_MIDDLEWARES", "crawler.middlewares.warc.WarcMiddleware", 950),
)


class ArchiveView(Protocol):
    """What the spider and the middlewares may see of the archive (None until the session opens)."""

    @property
    def index(self) -> ArchiveIndex | None:
        """What the archive holds for the site."""
        ...

    @property
    def learner(self) -> BoilerplateLearner | None:
        """The site's learned boilerplate paragraphs."""
        ...

    @property
    def layout(self) -> LayoutLearner | None:
        """Where the site prints its headline, date line and byline, as learned so far."""
        ...

    @property
    def walks(self) -> SiteWalks | None:
        """The walks of the site's lists in this crawl, kept durable as they go."""
        ...

    def is_stored(self, url: str) -> bool:
        """Whether the archive holds the article at ``url``."""
        ...


class ArchiveSession:
    """The crawl's MongoDB client, lease, run record, archive index and learner (a Scrapy add-on)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.client: MongoClient[dict[str, Any]] | None = None
        self.db: Database[dict[str, Any]] | None = None
        self.store: ArticleStore | None = None
        self.learner: BoilerplateLearner | None = None
        self.layout: LayoutLearner | None = None
        self.lease: LeaseKeeper | None = None
        self.runs: RunRecorder | None = None
        self.history: ListHistory | None = None
        self.walks: SiteWalks | None = None
        self.site = ""
        #: set when this crawl is a worker of a distributed run (`crawl --frontier`)
        self.frontier: FrontierSession | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.frontier_opened, signal=frontier_opened)
        crawler.signals.connect(self.worker_lost, signal=frontier_worker_lost)
        crawler.signals.connect(self.rejoined, signal=frontier_rejoined)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """One session per crawler: the add-on, and the same object again as the first pipeline."""
        existing = crawler.get_addon(cls)
        return existing if existing is not None else cls(crawler)

    @classmethod
    def of(cls, crawler: Crawler) -> ArchiveSession | None:
        """The crawl's session, or None when the add-on is not installed."""
        return crawler.get_addon(cls)

    def update_settings(self, settings: BaseSettings) -> None:
        """Install the components that work through the session."""
        for name, path, order in COMPONENTS:
            settings[name][path] = order

    @property
    def index(self) -> ArchiveIndex | None:
        """What the archive holds for the site (None until the session opened)."""
        return self.store.index if self.store is not None else None

    # Opening -----------------------------------------------------------------------------

    def open_spider(self) -> None:
        """Connect, record the run, take the lease, learn what is stored; or close the crawl.

        Raises DatabaseUnavailable (the crawl fails to start) or CloseSpider (`site_busy`,
        `lease_unavailable`, `database_unavailable` once the lease is held).
        """
        spider = self.crawler.spider
        assert spider is not None
        settings = self.crawler.settings
        profile = getattr(spider, "profile", None)
        self.site = profile.name if profile is not None else spider.name
        self.client, self.db = open_from_settings(settings)
        run_id = None
        base_url = getattr(profile, "base_url", None)
        frontier = self.frontier
        if project_bool(settings, "CRAWL_RUNS_ENABLED"):
            self.runs = RunRecorder(self.db, Thresholds.from_settings(settings))
            if frontier is None:
                run_id = self.runs.start(self.site, base_url, spider.name)
            else:
                run_id = self.runs.join(frontier, self.site, base_url, spider.name)
            if run_id is not None:
                self.crawler.stats.set_value("run/id", run_id)
        if project_bool(settings, "CRAWL_LOCK_ENABLED"):
            ttl_s = project_int(settings, "CRAWL_LOCK_TTL")
            lock = None
            if frontier is not None:  # all workers of the run share its lease
                lock = RunLease(
                    self.db,
                    self.site,
                    frontier.run_id,
                    replaces=frontier.previous_run_id,
                    ttl=timedelta(seconds=ttl_s),
                )
            self.lease = LeaseKeeper(self.db, self.site, ttl_s, self.stop, lock)
            self.lease.acquire(run_id)
        self._keep_profile(spider)
        try:
            self._open_store(settings)
        except OperationFailure as exc:  # the server answered: data it cannot read, not a lost connection
            self.crawler.stats.inc_value("store/database_error")
            logger.error("could not read the archive of %s: %s", self.site, database_error(exc))
            raise CloseSpider("database_error") from exc
        except (DatabaseUnavailable, PyMongoError) as exc:
            self.crawler.stats.inc_value("store/unavailable")
            logger.error("could not read the archive of %s: %s", self.site, exc)
            raise CloseSpider("database_unavailable") from exc

    def _keep_profile(self, spider: Spider) -> None:
        """Keep the site's profile as crawled with the site, so later commands find it by name."""
        assert self.db is not None
        written = getattr(spider, "profile_as_written", None)
        if written is None:
            return
        crawled = getattr(spider, "profile", written)
        base_url = crawled.base_url if crawled.base_url != written.base_url else None
        try:
            SiteProfiles(self.db).record(written, getattr(spider, "profile_source", None), base_url)
        except PyMongoError as exc:
            logger.error("could not keep the profile of %s in the archive: %s", self.site, exc)

    def _open_store(self, settings: BaseSettings) -> None:
        assert self.db is not None
        self.store = open_store(
            self.db,
            insert_batch=project_int(settings, "STORE_INSERT_BATCH"),
            update_batch=project_int(settings, "STORE_UPDATE_BATCH"),
            max_batch_bytes=project_int(settings, "STORE_MAX_BATCH_BYTES"),
            max_delay=project_float(settings, "STORE_MAX_DELAY"),
            stories=project_bool(settings, "STORE_STORIES"),
        )
        self.store.ensure_indexes()
        profile = getattr(self.crawler.spider, "profile", None)
        known = self.store.load_known(self.site, UrlRules.of(profile))
        self.crawler.stats.set_value("store/known_at_start", known)
        self.learner = load_learner(
            self.db,
            self.site,
            min_articles=project_int(settings, "LEARN_MIN_ARTICLES"),
            min_share=project_float(settings, "LEARN_MIN_SHARE"),
            min_count=project_int(settings, "LEARN_MIN_COUNT"),
        )
        self.layout = load_layout(
            self.db,
            self.site,
            min_articles=project_int(settings, "LEARN_LAYOUT_MIN_ARTICLES"),
            min_share=project_float(settings, "LEARN_LAYOUT_MIN_SHARE"),
        )
        self._import_spills()
        self._open_history(settings)
        logger.info(
            "storing into %s, database %r: %d articles of %s already archived",
            redact_uri(resolve_uri(settings.get("MONGO_URI"))),
            self.db.name,
            known,
            self.site,
        )

    def _open_history(self, settings: BaseSettings) -> None:
        """How far each list of the site was walked, and this crawl's walks (crawler/discovery/walks.py)."""
        assert self.db is not None
        profile = getattr(self.crawler.spider, "profile", None)
        self.history = ListHistory(self.db, self.site)
        lists = self.history.load()
        self.walks = SiteWalks(
            lists,
            self.history,
            budget=profile.max_list_pages if profile is not None else None,
            may_stop=project_bool(settings, "INCREMENTAL_ENABLED"),
        )
        open_walks = sum(len(r.cursors) for r in lists.values())
        if open_walks:
            logger.info("%d unfinished list walks of %s continue where they stopped", open_walks, self.site)

    def is_stored(self, url: str) -> bool:
        """The archive holds the article at url (stored, or buffered for the next write)."""
        index = self.index
        return index is not None and index.find_url(url) is not None

    def _close_history(self) -> None:
        """Record each list's state, drop the stored backlog, and say whether the history is complete."""
        stats = self.crawler.stats
        if self.walks is None or self.history is None:
            return
        if not stats.get_value("store/unavailable"):
            self.history.record_lists(self.walks.lists)
            left = self.history.settle(self.is_stored)
            if left >= 0:
                stats.set_value("history/backlog_left", left)
        profile = getattr(self.crawler.spider, "profile", None)
        declared = declared_lists(profile) if profile is not None else []
        incomplete = self.walks.incomplete(declared)
        if self.history.failed and not incomplete:
            incomplete = declared or ["?"]  # the database has less than this crawl walked
        stats.set_value("history/lists", len(set(declared) | set(self.walks.lists)))
        stats.set_value("history/incomplete", len(incomplete))
        if self.history.given_up:
            stats.set_value("history/backlog_given_up", self.history.given_up)
        oldest = self.index.oldest_published() if self.index is not None else None
        if oldest is not None:
            stats.set_value("history/oldest_published", oldest.isoformat())
        if incomplete:
            logger.info(
                "history of %s: %d lists not walked to the end (%s); run again to continue",
                self.site,
                len(incomplete),
                ", ".join(incomplete[:5]),
            )

    def _import_spills(self) -> None:
        """Store what earlier crawls of the site could not (their spill files), before fetching anything.

        What the database refuses now stays in store.rejected for the pipeline to spill with the reason.
        """
        assert self.store is not None
        stats = self.crawler.stats
        for path in spill_files(unsaved_dir(), self.site):
            try:
                loaded = load_spill(self.store, path)
            except DatabaseUnavailable as exc:
                self.store.drain()  # still complete in the file, which is kept
                raise DatabaseUnavailable(f"{exc}; {path} is kept for the next run") from exc
            stats.inc_value("store/spill_imported", loaded.records)
            if loaded.problems:
                for problem in loaded.problems:
                    logger.error("%s", problem)
                stats.inc_value("store/write_errors", len(loaded.problems))
                kept = unsaved_dir() / "rejected" / path.name
                kept.parent.mkdir(mode=0o700, exist_ok=True)
                path.replace(kept)
                logger.error(
                    "stored %d records of %s; %d lines are no records (above): the file is kept as %s "
                    "(`newsarchive import` loads it once it is fixed)",
                    loaded.records,
                    path,
                    len(loaded.problems),
                    kept,
                )
                continue
            path.unlink()
            logger.info(
                "stored %d records left by an earlier crawl in %s (file removed)", loaded.records, path
            )
        totals = self.store.totals
        for name in ("inserted", "updated", "unchanged", "gone"):
            if value := getattr(totals, name):
                stats.inc_value(f"store/{name}", value)
        if totals.errors:
            stats.inc_value("store/write_errors", totals.errors)

    def process_item(self, item: Any) -> Any:
        """As a pipeline the session only opens; items pass."""
        return item

    # Distributed runs ----------------------------------------------------------------------

    def frontier_opened(self, session: FrontierSession) -> None:
        """A worker of a distributed run joins its run record and shares its lease."""
        self.frontier = session

    def worker_lost(self, worker: str, requeued: int) -> None:
        """Another worker of the run died (its work is back in the frontier): say so in the run."""
        if self.runs is not None:
            self.runs.worker_lost(worker, requeued)

    def rejoined(self, session: FrontierSession) -> None:
        """Back in the run after another worker took this one for dead."""
        if self.runs is not None:
            self.runs.rejoined(session)

    # Closing -----------------------------------------------------------------------------

    def stop(self, reason: str) -> None:
        """Close the crawl early with reason (the database is gone, the lease was lost)."""
        self.crawler.stats.set_value(f"session/{reason}", 1)
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not crawling (yet): nothing to stop
            return
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(engine.close_spider_async(reason=reason))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Keep what was learned, complete the run, give the lease back, close the client."""
        stats = self.crawler.stats
        try:
            if self.learner is not None and self.db is not None and not stats.get_value("store/unavailable"):
                try:
                    save_learner(self.db, self.site, self.learner)
                    if self.layout is not None:
                        save_layout(self.db, self.site, self.layout)
                except PyMongoError as exc:
                    logger.error("could not save the learned boilerplate and template: %s", exc)
                    stats.inc_value("store/write_errors")
            try:
                self._close_history()
            except PyMongoError as exc:
                logger.error("could not record the history of %s: %s", self.site, exc)
            if self.runs is not None:
                # kept in the stats too: `newsarchive crawl` prints them without another client
                if self.frontier is None:
                    warnings = self.runs.finish(reason, stats.get_stats())
                else:
                    warnings = self.runs.leave(self.frontier, reason, stats.get_stats())
                stats.set_value("run/health_warnings", warnings)
        finally:
            if self.lease is not None:
                if self.frontier is None or self.frontier.last_out:
                    self.lease.release()
                else:
                    self.lease.leave()  # the run's other workers still hold it
            if self.store is not None:
                self.store.close()
            if self.client is not None:
                self.client.close()


def declared_lists(profile: SiteProfile) -> list[str]:
    """The lists a profile names: start URLs (or the base URL), feeds and sitemaps, absolute."""
    urls = [*(profile.start_urls or [profile.base_url]), *profile.feeds, *profile.sitemaps]
    return list(dict.fromkeys(profile.absolute(u) for u in urls))
