"""Crawl progress for people: a live panel on a terminal, a plain log line every so often elsewhere."""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.project.defaults import project_bool, project_float
from crawler.session.runs import crawl_errors

if TYPE_CHECKING:
    from rich.live import Live
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def progress_figures(stats: dict[str, Any], elapsed: float) -> dict[str, Any]:
    """The figures shown, from the crawl's stats."""
    pages = stats.get("response_received_count", 0)
    stored = stats.get("store/seen_new", 0) + stats.get("store/seen_changed", 0)
    minutes = max(elapsed / 60, 1 / 60)
    return {
        "pages": pages,
        "new": stats.get("store/seen_new", 0),
        "updated": stats.get("store/seen_changed", 0),
        "unchanged": stats.get("store/seen_unchanged", 0) + stats.get("store/seen_not_modified", 0),
        "gone": stats.get("store/seen_gone", 0),
        "dropped": stats.get("item_dropped_count", 0),
        "skipped": stats.get("incremental/skipped_known", 0),
        "errors": crawl_errors(stats),
        "pages_per_min": pages / minutes,
        "articles_per_min": stored / minutes,
    }


def progress_line(site: str, figures: dict[str, Any]) -> str:
    """One plain line (logs, cron mail)."""
    f = figures
    return (
        f"{site}: {f['pages']} pages ({f['pages_per_min']:.0f}/min); articles {f['new']} new, {f['updated']} "
        f"updated, {f['unchanged']} unchanged, {f['gone']} gone, {f['dropped']} without text; "
        f"{f['skipped']} archived not due; {f['errors']} errors"
    )


class ProgressExtension:
    """Live panel when stderr is a terminal (PROGRESS_LIVE), else a log line every PROGRESS_INTERVAL s."""

    def __init__(self, crawler: Crawler, interval: float, live: bool) -> None:
        self.crawler = crawler
        self.interval = interval
        self.live_wanted = live
        self.site = ""
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self.live: Live | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Enabled by PROGRESS_ENABLED."""
        settings = crawler.settings
        if not project_bool(settings, "PROGRESS_ENABLED"):
            raise NotConfigured("PROGRESS_ENABLED is false")
        live = project_bool(settings, "PROGRESS_LIVE") and sys.stderr.isatty()
        extension = cls(crawler, project_float(settings, "PROGRESS_INTERVAL"), live)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        """Start the display."""
        profile = getattr(spider, "profile", None)
        self.site = profile.name if profile is not None else spider.name
        self.started = time.monotonic()
        if self.live_wanted:
            from rich.console import Console
            from rich.live import Live

            self.live = Live(
                self._panel(), console=Console(stderr=True), refresh_per_second=4, transient=False
            )
            self.live.start()
            self.loop = task.LoopingCall(self._refresh)
            self.loop.start(0.5, now=False)
        elif self.interval > 0:
            self.loop = task.LoopingCall(self._log)
            self.loop.start(self.interval, now=False)

    def spider_closed(self, spider: Spider) -> None:
        """Final figures, then stop."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live is not None:
            self.live.update(self._panel())
            self.live.stop()
        else:
            self._log()

    def _figures(self) -> dict[str, Any]:
        return progress_figures(self.crawler.stats.get_stats(), time.monotonic() - self.started)

    def _log(self) -> None:
        logger.info("progress %s", progress_line(self.site, self._figures()))

    def _refresh(self) -> None:
        if self.live is not None:
            self.live.update(self._panel())

    def _panel(self) -> Any:
        from rich.table import Table

        f = self._figures()
        table = Table(title=f"crawling {self.site}", show_header=False, box=None, padding=(0, 2))
        table.add_row("pages fetched", f"{f['pages']}  ({f['pages_per_min']:.0f}/min)")
        table.add_row(
            "articles",
            f"{f['new']} new, {f['updated']} updated, {f['unchanged']} unchanged, {f['gone']} gone",
        )
        table.add_row("skipped", f"{f['skipped']} archived and not due, {f['dropped']} pages without text")
        table.add_row("errors", str(f["errors"]))
        return table
