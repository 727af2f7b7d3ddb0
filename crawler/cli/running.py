"""Run one crawl in this process with the project's settings: what `newsarchive crawl` and the demo use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.project.layout import init_project

#: Finish reasons of a crawl that ran until it was done or used up a budget (--limit, pages, time).
BUDGET_REASONS = ("finished", "closespider_itemcount", "closespider_pagecount", "closespider_timeout")


@dataclass
class CrawlResult:
    """What a finished crawl reports back to the command that started it."""

    stats: dict[str, Any]
    bootstrap_failed: bool

    @property
    def finish_reason(self) -> str:
        """Scrapy's reason for closing the spider ("finished" when it ran to the end)."""
        return str(self.stats.get("finish_reason", "not started"))

    def summary(self) -> str:
        """One line for people: what was fetched and what the archive gained."""
        n = self.stats.get
        return (
            f"{n('response_received_count', 0)} pages fetched, {n('store/inserted', 0)} new articles, "
            f"{n('store/updated', 0)} updated, {n('store/unchanged', 0)} unchanged, "
            f"{n('store/gone', 0)} gone, "
            f"{n('item_dropped_count', 0)} pages without article text; "
            f"{n('incremental/skipped_known', 0)} archived articles not due; finished: {self.finish_reason}"
            + (f"; {self.history}" if self.history else "")
        )

    @property
    def history_incomplete(self) -> int:
        """Lists of the site whose history is not walked to the end yet (0: complete)."""
        return int(self.stats.get("history/incomplete") or 0)

    @property
    def history(self) -> str:
        """`history: complete`, or how many lists a next run continues ("" when not known)."""
        if "history/incomplete" not in self.stats:
            return ""
        if not self.history_incomplete:
            return "history: complete"
        return f"history: {self.history_incomplete} sections incomplete, run again to continue"

    @property
    def ok(self) -> bool:
        """True when the crawl ran to its end, fetched what it was allowed to, and stored everything."""
        return (
            not self.bootstrap_failed
            and self.finish_reason in BUDGET_REASONS
            and not self.write_errors
            and self.all_refused is None
        )

    @property
    def all_refused(self) -> str | None:
        """Why the outbound policy refused every request (and the fix), when no page was fetched for that."""
        from crawler.outbound.middleware import refused_everything

        return refused_everything(self.stats)

    @property
    def write_errors(self) -> int:
        """Articles and visits not stored: spilled (database away) or refused, and other write errors."""
        n = self.stats.get
        return n("store/spilled", 0) + n("store/write_errors", 0)


def project_settings(overrides: dict[str, Any] | None = None) -> Any:
    """Scrapy settings of this project (spiders/ and pipelines/ importable), plus overrides."""
    init_project()
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(
    site: str, *, base_url: str | None = None, settings: dict[str, Any] | None = None
) -> CrawlResult:
    """Crawl one site to the end (blocks; one call per process, Twisted's reactor cannot restart)."""
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(project_settings(settings))
    crawler = process.create_crawler("news")
    kwargs: dict[str, Any] = {"site": site}
    if base_url:
        kwargs["base_url"] = base_url
    process.crawl(crawler, **kwargs)
    process.start()
    return CrawlResult(dict(crawler.stats.get_stats()) if crawler.stats else {}, process.bootstrap_failed)
