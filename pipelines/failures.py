"""Record pages whose extraction did not complete, so that re-extraction can retry them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from pymongo.errors import PyMongoError
from scrapy.exceptions import NotConfigured

from crawler.items import ExtractionFailure
from crawler.session import ArchiveSession
from crawler.store.failures import ExtractionFailures

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ExtractionFailuresPipeline:
    """Writes ExtractionFailure items to ``extraction_failures`` (rare, so one write each).

    Through the archive session's database: one crawl, one MongoDB client.
    """

    def __init__(self, crawler: Crawler, session: ArchiveSession) -> None:
        self.crawler = crawler
        self.session = session
        self.failures: ExtractionFailures | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Needs the archive session add-on (ADDONS), which installs this pipeline."""
        session = ArchiveSession.of(crawler)
        if session is None:
            raise NotConfigured("the archive session add-on (crawler.session.ArchiveSession) is off")
        return cls(crawler, session)

    def process_item(self, item: Any) -> Any:
        """Record an ExtractionFailure; pass everything else on."""
        if not isinstance(item, ExtractionFailure):
            return item
        db = self.session.db
        if db is None:  # the session could not connect (and said so): the log and the WARC keep it
            logger.error("extraction failure of %s (%s) not recorded: no database", item.url, item.reason)
            return item
        if self.failures is None:
            self.failures = ExtractionFailures(db)
        try:
            self.failures.record(item, run_id=self.crawler.stats.get_value("run/id"))
            self.crawler.stats.inc_value("store/extraction_failures")
        except PyMongoError as exc:
            logger.error(
                "could not record the extraction failure of %s (%s): %s; it is in the log and the WARC only",
                item.url,
                item.reason,
                exc,
            )
        return item
