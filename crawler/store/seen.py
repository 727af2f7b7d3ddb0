"""Scrapy's duplicate filter with its fingerprints in a scratch SQLite file instead of a set.

Scrapy's `RFPDupeFilter` keeps every request fingerprint of a crawl in a Python set, ~100
bytes each (a 20-byte `bytes` plus the set's slot): ~10 MB at 100k URLs, growing with every
URL the crawl ever sees. Here each is a 20-byte key of a WITHOUT ROWID table behind SQLite's
bounded page cache, so the crawl process stays flat (docs/performance.md "Memory").

With Scrapy's `JOBDIR` set (a resumable crawl) Scrapy's own filter is used as it is: it
keeps the seen set in the job directory for the next run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.job import job_dir

from crawler.store.scratch import ScratchFile

if TYPE_CHECKING:
    from pathlib import Path

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.utils.request import RequestFingerprinterProtocol

SCHEMA = "CREATE TABLE seen (fingerprint BLOB PRIMARY KEY) WITHOUT ROWID;"
#: New fingerprints per transaction.
COMMIT_EVERY = 1000


class DiskDupeFilter(RFPDupeFilter):
    """Request fingerprints on disk (DUPEFILTER_CLASS); same answers as RFPDupeFilter."""

    def __init__(
        self,
        path: str | None = None,
        debug: bool = False,
        *,
        fingerprinter: RequestFingerprinterProtocol | None = None,
        where: Path | None = None,
    ) -> None:
        super().__init__(None, debug, fingerprinter=fingerprinter)
        self._file = ScratchFile(SCHEMA, where, prefix="seen-", commit_every=COMMIT_EVERY)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self | RFPDupeFilter:  # type: ignore[override]
        """Scrapy's filter for a crawl with a JOBDIR, this one otherwise."""
        if job_dir(crawler.settings):
            return RFPDupeFilter.from_crawler(crawler)
        return super().from_crawler(crawler)

    @property
    def path(self) -> Path | None:
        """The scratch file (None before the first request)."""
        return self._file.path

    def __len__(self) -> int:
        db = self._file.opened
        return db.execute("SELECT count(*) FROM seen").fetchone()[0] if db is not None else 0

    def request_seen(self, request: Request) -> bool:
        """True for a request seen before; remembers it otherwise."""
        cursor = self._file.open().execute(
            "INSERT OR IGNORE INTO seen (fingerprint) VALUES (?)", (self._fingerprint(request),)
        )
        if cursor.rowcount == 0:
            return True
        self._file.wrote()
        return False

    def close(self, reason: str) -> None:
        """Drop the file."""
        super().close(reason)
        self._file.close()
