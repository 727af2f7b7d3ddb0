"""Scrapy's scheduler with the crawl's pending requests on disk even without a JOBDIR.

Without a JOBDIR Scrapy keeps every request waiting to be fetched in memory, ~1.1 KB each
(bench/memory_parts.py): a site whose sitemaps list 100k articles queues 100k requests at
once, ~100 MB. Here they go to Scrapy's own disk queues in a scratch folder
(crawler/store/scratch.py: var/index/<pid>-queue-*, deleted when the crawl closes or, after a
crash, by the next crawl); a request that cannot be serialised stays in memory, as Scrapy does.

A scratch queue is not a resume: a restarted crawl starts from its feeds, sitemaps and list
pages again and skips what it archived (the incremental middleware). `--set JOBDIR=DIR` keeps
Scrapy's resumable queue and seen set in DIR instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from functools import partial
from typing import TYPE_CHECKING

from scrapy.core.scheduler import Scheduler

from crawler.store.scratch import folder

if TYPE_CHECKING:
    from twisted.internet.defer import Deferred


class DiskQueueScheduler(Scheduler):
    """SCHEDULER: pending requests in disk queues, in a scratch folder unless JOBDIR is set."""

    _scratch: str | None = None

    def _dqdir(self, jobdir: str | None) -> str | None:
        if jobdir:
            return super()._dqdir(jobdir)
        self._scratch = tempfile.mkdtemp(prefix=f"{os.getpid()}-queue-", dir=folder())
        self._cleanup = weakref.finalize(self, partial(shutil.rmtree, self._scratch, ignore_errors=True))
        return self._scratch

    def close(self, reason: str) -> Deferred[None] | None:
        """Close the queues (and the duplicate filter); drop the scratch folder."""
        try:
            return super().close(reason)
        finally:
            if self._scratch is not None:
                self._cleanup()
