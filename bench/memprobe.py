"""What grows in a crawl process: a Scrapy extension for bench/crawl.py --probe-out (not part of the product).

Every PROBE_EVERY seconds it appends one JSON line to $NEWSARCHIVE_PROBE_OUT: the process's
RSS and heap blocks, the scheduler's pending requests, the duplicate filter's fingerprints,
the archive index's size (rows, file bytes), and the live Python objects by type (top 12, and
the total). Counting objects walks the heap (gc.get_objects): ~0.1-0.5 s per probe, so probes
are far apart. No tracemalloc: it would double the process's memory and slow the crawl.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy import signals
from twisted.internet import task

OUT_ENV = "NEWSARCHIVE_PROBE_OUT"
EVERY_ENV = "NEWSARCHIVE_PROBE_EVERY"


class MemoryProbe:
    def __init__(self, crawler: Any, out: str, every: float) -> None:
        self.crawler, self.out, self.every = crawler, out, every
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.probe)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> MemoryProbe:
        return cls(crawler, os.environ[OUT_ENV], float(os.environ.get(EVERY_ENV, "120")))

    def opened(self, spider: Any) -> None:
        self.loop.start(self.every, now=False)

    def closed(self, spider: Any, reason: str) -> None:
        if self.loop.running:
            self.loop.stop()

    def probe(self) -> None:
        began = time.monotonic()
        engine = self.crawler.engine
        scheduler = getattr(engine, "_slot", None) and engine._slot.scheduler
        dupefilter = getattr(scheduler, "df", None)
        session = None
        from crawler.session import ArchiveSession

        session = ArchiveSession.of(self.crawler)
        index = session.index if session is not None else None
        types = Counter(type(o).__name__ for o in gc.get_objects())
        line = {
            "t": round(began - self.started, 1),
            "rss_mb": round(_vmrss() / 1024, 1),
            "allocated_blocks": sys.getallocatedblocks(),
            "stored": self.crawler.stats.get_value("item_scraped_count", 0),
            "pending_requests": len(scheduler) if scheduler is not None else None,
            # crawler/store/seen.py's filter counts its rows; Scrapy's keeps a set
            "fingerprints": (
                len(dupefilter)
                if hasattr(dupefilter, "__len__")
                else len(getattr(dupefilter, "_fingerprints", ()))
            ),
            "queue_dir_kb": _du(getattr(scheduler, "dqdir", None)),
            "index_articles": len(index) if index is not None else None,
            "index_file_kb": (
                round(index.path.stat().st_size / 1024) if index is not None and index.path else None
            ),
            "objects": sum(types.values()),
            "top_types": types.most_common(12),
        }
        line["probe_s"] = round(time.monotonic() - began, 2)
        with open(self.out, "a") as out:
            out.write(json.dumps(line) + "\n")


def _du(path: str | None) -> int | None:
    if not path:
        return None
    return round(sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 1024)


def _vmrss() -> int:
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith("VmRSS:"):
                return int(row.split()[1])
    return 0
