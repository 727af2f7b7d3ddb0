"""Incremental feeds and partitioned datasets at archive scale.

    python bench/feeds.py --articles 100000 --changed 1000 --json feeds.json

Fills a database (own FerretDB in a temporary folder, or MONGO_URI) with generated articles
through ArticleStore, as a crawl stores them (the archive sequence numbered in blocks of
`--batch`), serves everything once through a cursor, then edits `--changed` articles (and
takes a tenth as many down) in batches of 50 as a recrawl would, and times in the same run:

* the cursor export of that delta (jsonl) against a full export of every article (jsonl,
  `export_articles`): the baseline, and the ratio full / delta;
* reading the delta's log blocks by walking the chain (one `_id` lookup per block) against a
  range query on the log's `_id` (`{_id: {$gt: …}}`, a full scan of the log on FerretDB);
* the dataset export rate: a snapshot of every article into a partitioned dataset and the
  first cursor run into another (rows/s), and appending the delta to it;
* `changes` (every edit and take-down) and the monthly shares of the health page.

`--json FILE` writes the figures with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import END, make_variant  # bench/search.py: the same generated articles

from crawler.archive import Archive
from crawler.archive.writer import open_store
from crawler.export import default_fields, export_articles, export_dataset, export_feed
from crawler.items import PageVisit
from crawler.localdb import LocalServer, free_port
from crawler.stats.changes import changes, monthly_shares
from crawler.store import connect
from crawler.store.changelog import LOG, ChangeLog, block_id


def _chunk(args: tuple[int, int, int, int]) -> list[dict]:
    start, stop, seed, distinct = args
    return [make_variant(n, seed, distinct) for n in range(start, stop)]


def fill(db, count: int, batch: int, seed: int, distinct: int, workers: int) -> float:
    """Store count generated articles through ArticleStore, one flush (one log block) per batch."""
    store = open_store(db, insert_batch=batch, max_batch_bytes=1 << 40, max_delay=1e9, search_index=False)
    store.ensure_indexes()
    store.load_known()
    started = time.perf_counter()
    chunks = [(i, min(i + batch, count), seed, distinct) for i in range(0, count, batch)]
    with Pool(workers) as pool:
        for docs in pool.imap(_chunk, chunks):
            for doc in docs:
                store.add_document(doc)
            store.flush()
    store.close()
    return time.perf_counter() - started


def change(db, changed: int, seed: int) -> tuple[int, int]:
    """Edit `changed` stored articles and take a tenth as many down, as a recrawl writes them."""
    ids = [doc["_id"] for doc in db.articles.find({}, {"_id": 1})]
    rng = random.Random(seed)
    picked = rng.sample(ids, min(len(ids), changed + changed // 10))
    edits, gone = picked[:changed], picked[changed:]
    store = open_store(db, search_index=False)
    store.load_known()
    when = END + timedelta(days=1)
    for key in edits:
        doc = db.articles.find_one({"_id": key})
        doc = {k: v for k, v in doc.items() if k not in ("seq", "version", "history", "events")}
        doc["text"] += "\n（本文已更新）"
        doc["content_hash"] = doc["content_hash"][:-8] + "deadbeef"
        doc["last_seen"] = doc["fetched_at"] = when
        store.add_document(doc)
        if store.should_flush():
            store.flush()
    for key in gone:
        store.add_visit(PageVisit(url=key, site="", kind="gone", status=404, fetched_at=when, reason="404"))
        if store.should_flush():
            store.flush()
    store.flush()
    store.close()
    return len(edits), len(gone)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--changed", type=int, default=1000, help="articles edited after the first cursor run"
    )
    parser.add_argument(
        "--batch", type=int, default=100, help="articles per flush while filling (a crawl: 100)"
    )
    parser.add_argument("--distinct-texts", type=int, default=5000, help="texts generated (then reused)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--json", type=Path, help="write the figures as JSON to this file")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    server = None
    uri = os.environ.get("MONGO_URI")
    if not uri:
        server = LocalServer(tmp / "ferretdb", free_port())
        server.start()
        uri = server.uri
    client = connect(uri)
    name = f"bench_feeds_{os.getpid()}"
    db = client[name]
    report: dict = {
        "articles": args.articles,
        "changed": args.changed,
        "server": "MongoDB" if server is None else "FerretDB 1.24 (local)",
    }
    try:
        report["fill_s"] = round(
            fill(db, args.articles, args.batch, args.seed, args.distinct_texts, args.workers), 1
        )
        print(f"filled {args.articles} articles in {report['fill_s']} s", flush=True)
        fields = default_fields()
        cursor, dataset_cursor = tmp / "feed.cursor", tmp / "dataset.cursor"

        seconds, run = timed(lambda: export_feed(db, cursor, fields, out=tmp / "first.jsonl"))
        report["first_cursor_run"] = {
            "records": run.records,
            "s": round(seconds, 2),
            "records_per_s": round(run.records / seconds),
        }
        seconds, run = timed(
            lambda: export_feed(db, dataset_cursor, fields, dataset=tmp / "feed-dataset", tz="Asia/Shanghai")
        )
        report["dataset_first_cursor_run"] = {
            "rows": run.records,
            "files": len(run.files),
            "s": round(seconds, 2),
            "rows_per_s": round(run.records / seconds),
        }
        print(
            "first cursor runs:", report["first_cursor_run"], report["dataset_first_cursor_run"], flush=True
        )

        after = ChangeLog(db).high()
        edits, gone = change(db, args.changed, args.seed)
        report["delta"] = {"edited": edits, "gone": gone}

        seconds, run = timed(lambda: export_feed(db, cursor, fields, out=tmp / "delta.jsonl"))
        delta = {"records": run.records, "s": round(seconds, 3)}
        archive = Archive(db)
        query = archive.query("")
        full_s, count = timed(lambda: export_articles(archive, query, "jsonl", tmp / "full.jsonl", fields))
        full = {"articles": count, "s": round(full_s, 2), "articles_per_s": round(count / full_s)}
        report["delta_cursor_export"] = delta
        report["full_export_baseline"] = full
        report["full_over_delta"] = round(full_s / seconds, 1)
        print(f"delta {delta}; full export {full}; full / delta = {report['full_over_delta']}x", flush=True)

        seconds, run = timed(
            lambda: export_feed(db, dataset_cursor, fields, dataset=tmp / "feed-dataset", tz="Asia/Shanghai")
        )
        report["dataset_delta_append"] = {
            "rows": run.records,
            "files": len(run.files),
            "s": round(seconds, 3),
        }
        seconds, (rows, files) = timed(
            lambda: export_dataset(archive, query, tmp / "snapshot", fields, tz="Asia/Shanghai")
        )
        report["dataset_snapshot"] = {
            "rows": rows,
            "files": len(files),
            "s": round(seconds, 2),
            "rows_per_s": round(rows / seconds),
        }
        report["dataset_snapshot_over_full_export"] = round(seconds / full_s, 2)
        print("dataset:", report["dataset_delta_append"], report["dataset_snapshot"], flush=True)

        log = ChangeLog(db)
        walk_s, blocks = timed(lambda: list(log.blocks(after)))
        range_s, _docs = timed(lambda: list(db[LOG].find({"_id": {"$gt": block_id(after)}}).sort("_id", 1)))
        report["log_read"] = {
            "blocks_in_log": db[LOG].estimated_document_count(),
            "delta_blocks": len(blocks),
            "walk_by_id_s": round(walk_s, 3),
            "range_query_s": round(range_s, 3),
            "range_over_walk": round(range_s / walk_s, 1),
        }
        seconds, found = timed(lambda: changes(db))
        report["changes_all"] = {"changes": len(found), "s": round(seconds, 2)}
        seconds, _shares = timed(lambda: monthly_shares(db, tz="Asia/Shanghai"))
        report["monthly_shares_s"] = round(seconds, 2)
        print("log:", report["log_read"], report["changes_all"], report["monthly_shares_s"], flush=True)
        report["load_average"] = os.getloadavg()
        archive.close()
    finally:
        client.drop_database(name)
        client.close()
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
