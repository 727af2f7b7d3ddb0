"""Memory per URL of the crawl process's growing parts, measured with tracemalloc (not a timed bench).

    python bench/memory_parts.py --urls 20000 [--json FILE]

For N article URLs shaped like the bench site's: the archive index held in dicts (the design
before crawler/store/index.py moved it to SQLite, rebuilt here from its code) against the
SQLite one (Python heap and its file), Scrapy's scheduler holding N pending article requests
in its default memory queues (with their fingerprints in the crawl's duplicate filter), and
Scrapy's fingerprint set against crawler/store/seen.py's. Prints bytes per URL and the total
at 100k URLs, then the cost of an index lookup (informative: the dicts are the baseline).
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.test import get_crawler

from crawler.extract.urls import normalize_url
from crawler.store.index import ArchiveIndex, KnownArticle
from crawler.store.seen import DiskDupeFilter

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def document(n: int) -> dict[str, Any]:
    url = f"http://127.0.0.1:8080/c{n % 200}/news/2026-11/{n:06d}.html"
    return {
        "_id": url,
        "url": url,
        "content_hash": f"{n:064x}",
        "state": "live",
        "published_at": T0 + timedelta(minutes=n),
        "last_seen": T0 + timedelta(days=1, seconds=n),
        "version": 1,
        "warc": [
            {
                "file": f"benchsite/NEWSARCHIVE-20261130023636-{n // 5000:05d}.warc.gz",
                "offset": n * 41_000,
                "length": 40_000,
                "record_id": f"<urn:uuid:{n:08x}-0000-4000-8000-000000000000>",
                "type": "response",
                "digest": f"sha1:{n:032X}",
                "url": url,
                "date": "2026-11-30T02:36:36Z",
            }
        ],
    }


class DictIndex:
    """The archive index as it was (crawler/store/index.py before SQLite): three dicts."""

    def __init__(self) -> None:
        self._by_id: dict[str, KnownArticle] = {}
        self._by_url: dict[str, str] = {}
        self._captures: dict[str, dict[str, Any]] = {}

    def remember(self, doc: dict[str, Any]) -> None:
        known = KnownArticle.from_document(doc)
        self._by_id[known.id] = known
        self._by_url[normalize_url(known.id)] = known.id
        self._by_url[normalize_url(known.url)] = known.id
        for record in doc.get("warc") or ():
            self._captures[normalize_url(record["url"])] = record


def traced(build) -> tuple[int, Any]:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = build()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=20_000)
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args()
    n = args.urls
    figures: dict[str, float] = {}

    def dict_index() -> DictIndex:
        index = DictIndex()
        for doc in map(document, range(n)):  # fresh objects, as read from the database
            index.remember(doc)
        return index

    def sqlite_index() -> ArchiveIndex:
        index = ArchiveIndex(Path(tempfile.mkdtemp()))
        for doc in map(document, range(n)):
            index.remember(doc)
        index.commit()
        return index

    size, _ = traced(dict_index)
    figures["index_dicts"] = size / n
    size, index = traced(sqlite_index)
    figures["index_sqlite_heap"] = size / n
    figures["index_sqlite_file"] = index.path.stat().st_size / n
    index.close()

    # the default DownloaderAwarePriorityQueue needs a running engine; the requests cost the same in both
    crawler = get_crawler(
        Spider, {"LOG_ENABLED": False, "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"}
    )
    spider = Spider("bench")
    crawler.spider = spider

    def scheduler() -> Scheduler:
        sched = Scheduler.from_crawler(crawler)
        sched.open(spider)
        for doc in map(document, range(n)):
            meta = {"kind": "article", "handle_httpstatus_list": (404, 410, 304), "depth": 1}
            sched.enqueue_request(Request(doc["url"], spider.parse, priority=10, meta=meta))
        return sched

    size, sched = traced(scheduler)
    figures["scheduler_pending_request_with_fingerprint"] = size / n
    sched.close("finished")
    del sched

    def scrapys_filter() -> RFPDupeFilter:
        df = RFPDupeFilter(fingerprinter=crawler.request_fingerprinter)
        for doc in map(document, range(n)):
            df.request_seen(Request(doc["url"]))
        return df

    def disk_filter() -> DiskDupeFilter:
        df = DiskDupeFilter(fingerprinter=crawler.request_fingerprinter, where=Path(tempfile.mkdtemp()))
        for doc in map(document, range(n)):
            df.request_seen(Request(doc["url"]))
        return df

    size, kept = traced(scrapys_filter)
    del kept
    figures["dupefilter_set"] = size / n
    figures["scheduler_pending_request"] = figures["scheduler_pending_request_with_fingerprint"] - size / n
    size, df = traced(disk_filter)
    figures["dupefilter_sqlite_heap"] = size / n
    figures["dupefilter_sqlite_file"] = df.path.stat().st_size / n
    df.close("finished")
    for name, per_url in figures.items():
        print(f"{name:45s} {per_url:8.0f} B per URL  {per_url * 100_000 / 2**20:7.1f} MB at 100k")
    lookups = lookup_costs(n)
    for name, micros in lookups.items():
        print(f"{name:45s} {micros:8.1f} us")
    if args.json_out:
        out = {"urls": n, "bytes_per_url": figures, "lookup_us": lookups}
        Path(args.json_out).write_text(json.dumps(out, indent=2))


def lookup_costs(n: int) -> dict[str, float]:
    """Microseconds per find_url / get / remember on each index of n articles (the dicts: the baseline)."""
    dicts, disk = DictIndex(), ArchiveIndex(Path(tempfile.mkdtemp()))
    for doc in map(document, range(n)):
        dicts.remember(doc)
        disk.remember(doc)
    disk.commit()
    probes = [document(i)["url"] for i in range(0, n, max(1, n // 5000))]
    costs = {}
    for name, find in (
        ("find_url dicts", lambda u: dicts._by_id.get(dicts._by_url.get(normalize_url(u), ""))),
        ("find_url sqlite", disk.find_url),
        ("get sqlite", disk.get),
        ("capture sqlite", disk.capture),
    ):
        began = time.perf_counter()
        for url in probes:
            find(url)
        costs[name] = (time.perf_counter() - began) / len(probes) * 1e6
    extra = [document(n + i) for i in range(len(probes))]
    began = time.perf_counter()
    for doc in extra:
        disk.remember(doc)
    disk.commit()
    costs["remember sqlite"] = (time.perf_counter() - began) / len(extra) * 1e6
    disk.close()
    return costs


if __name__ == "__main__":
    main()
