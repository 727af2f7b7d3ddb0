"""Record pages whose extraction did not complete, so that re-extraction can retry them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Self

from pymongo.errors import PyMongoError

from crawler.items import ExtractionFailure
from crawler.store import DatabaseUnavailable, open_from_settings
from crawler.store.failures import ExtractionFailures

if TYPE_CHECKING:
    from pymongo import MongoClient
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ExtractionFailuresPipeline:
    """Writes ExtractionFailure items to ``extraction_failures`` (rare, so one write each)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.client: MongoClient[dict[str, Any]] | None = None
        self.failures: ExtractionFailures | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Uses the crawl's MONGO_* settings."""
        return cls(crawler)

    def open_spider(self) -> None:
        """Connect (lazily: pymongo connects on the first write)."""
        try:
            self.client, db = open_from_settings(self.crawler.settings)
        except DatabaseUnavailable as exc:
            logger.error("extraction failures will only be logged: %s", exc)
            return
        self.failures = ExtractionFailures(db)

    def process_item(self, item: Any) -> Any:
        """Record an ExtractionFailure; pass everything else on."""
        if not isinstance(item, ExtractionFailure):
            return item
        if self.failures is None:
            return item
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

    def close_spider(self) -> None:
        """Close the connection."""
        if self.client is not None:
            self.client.close()
