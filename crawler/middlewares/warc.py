"""Archive every fetched response (with its request) in WARC files, next to the extracted articles.

Sits next to the downloader (before decompression and redirects), so what is stored is what
the server sent. The record's location goes into ``request.meta["warc_record"]`` and from
there into the stored article, which makes `newsarchive reextract` possible.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from http.client import responses as reasons
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.project.defaults import project_bool, project_int
from crawler.project.workdir import private_tree, var_dir
from crawler.session import ArchiveSession
from crawler.warc.writer import Exchange, WarcFileWriter

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response

    from crawler.session import ArchiveView

logger = logging.getLogger(__name__)


def warc_root(settings: Any) -> Path:
    """Folder holding one sub-folder of WARC files per site (WARC_DIR, default var/warc)."""
    return Path(settings.get("WARC_DIR") or var_dir() / "warc")


def _header_pairs(headers: Headers) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values]


class WarcMiddleware:
    """Writes request/response pairs (or revisit records) as the responses arrive."""

    def __init__(self, crawler: Crawler, root: Path, max_bytes: int, archive: ArchiveView | None) -> None:
        self.crawler = crawler
        #: Earlier captures (for revisit records) are in the archive session's index, if any.
        self.archive = archive
        self.root = root
        self.max_bytes = max_bytes
        self.writer: WarcFileWriter | None = None
        self.site = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Enabled by WARC_ENABLED; files in WARC_DIR, rotated at WARC_MAX_BYTES."""
        settings = crawler.settings
        if not project_bool(settings, "WARC_ENABLED"):
            raise NotConfigured("WARC_ENABLED is false: raw pages are not archived")
        archive = ArchiveSession.of(crawler)
        middleware = cls(crawler, warc_root(settings), project_int(settings, "WARC_MAX_BYTES"), archive)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        """Files are per site: var/warc/<site>/newsarchive-<site>-<time>-<serial>-<host>-<pid>.warc.gz."""
        profile = getattr(spider, "profile", None)
        self.site = profile.name if profile is not None else spider.name
        info = {
            "isPartOf": self.site,
            "robots": "obey" if self.crawler.settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": self.crawler.settings.get("USER_AGENT"),
        }
        try:
            private_tree(self.root)  # raw pages of hostile sites: owner-only, older files included
        except OSError as exc:
            logger.warning("could not make %s owner-only: %s", self.root, exc)
        self.writer = WarcFileWriter(
            self.root / self.site, f"newsarchive-{self.site}", max_bytes=self.max_bytes, info=info
        )

    def spider_closed(self, spider: Spider) -> None:
        """Close the current file."""
        if self.writer is not None:
            self.writer.close()

    def process_response(self, request: Request, response: Response) -> Response:
        """Archive the exchange; record where in request.meta; never fails the request."""
        if self.writer is None:
            return response
        exchange = Exchange(
            url=request.url,
            method=request.method,
            request_headers=_header_pairs(request.headers),
            request_body=request.body,
            status=response.status,
            reason=reasons.get(response.status, ""),
            response_headers=_header_pairs(response.headers),
            body=response.body,
            date=datetime.now(UTC),
        )
        index = self.archive.index if self.archive is not None else None
        previous = index.capture(request.url) if index is not None else None
        try:
            location = self.writer.write(exchange, previous)
        except OSError as exc:
            self.crawler.stats.inc_value("warc/errors")
            logger.error(
                "could not archive %s in %s: %s (the article is still stored)", request.url, self.root, exc
            )
            return response
        location["file"] = f"{self.site}/{location['file']}"
        if location["type"] == "response" and index is not None:
            index.record_capture(request.url, location)
        request.meta["warc_record"] = location
        self.crawler.stats.inc_value(f"warc/{location['type']}_records")
        self.crawler.stats.inc_value("warc/bytes", location["length"])
        return response
