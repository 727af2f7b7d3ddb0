"""Number the articles stored before the archive sequence existed (crawler/store/changelog.py).

Each such article gets one `new` entry for its current version (a feed's first run carries it
once, as it is now, `state` included) and its `seq` stamp; its earlier versions and gone /
restored events are logged as `legacy` entries, so that `changes` and the health page see the
whole history, while feeds skip them (the `new` record already holds their outcome).

Run by the first `export --cursor` or `changes` on an archive that needs it, or by `newsarchive
db sequence`. One projected scan (on the local FerretDB ~1,000 articles/s), then `_id`-keyed
updates in batches of at most 50. Safe beside running crawls and against a second backfill:
stamps are written with `$max`, so a larger number that a writer stamped meanwhile stays, and
an entry whose stamp lost is void when read (crawler/export/feed.py checks every entry).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pymongo import UpdateOne

from crawler.store.articles import COLLECTION, MAX_UPDATE_BATCH
from crawler.store.changelog import KINDS, NEW, VERSION, ChangeLog, Entry

if TYPE_CHECKING:
    from collections.abc import Callable

    from pymongo.database import Database

#: What the scan reads of each article.
PROJECTION = {"_id": 1, "site": 1, "version": 1, "first_seen": 1, "seq": 1, "history": 1, "events": 1}


def needs_backfill(db: Database[dict[str, Any]]) -> bool:
    """True until a backfill has run on this archive (a new or empty archive never needs one)."""
    state = ChangeLog(db).counter_state()
    if state:
        return not state.get("backfilled_at")
    return db[COLLECTION].find_one({}, {"_id": 1}) is not None


def legacy_entries(doc: dict[str, Any]) -> list[Entry]:
    """The entries of an unnumbered article: its history and events (legacy), then `new`."""
    key, site = doc["_id"], doc.get("site")
    entries = []
    for past in doc.get("history") or []:
        if isinstance(past, dict) and isinstance(past.get("version"), int):
            entries.append(Entry(VERSION, key, site, past["version"] + 1, past.get("until"), legacy=True))
    current = int(doc.get("version") or 1)
    for event in doc.get("events") or []:
        if isinstance(event, dict) and event.get("type") in KINDS and "seq" not in event:
            entries.append(Entry(event["type"], key, site, current, event.get("at"), legacy=True))
    entries.sort(key=lambda e: e.at or datetime.min.replace(tzinfo=UTC))
    entries.append(Entry(NEW, key, site, current, doc.get("first_seen")))
    return entries


def backfill(db: Database[dict[str, Any]], progress: Callable[[int], None] | None = None) -> int:
    """Number every article stored without `seq`; returns how many were numbered."""
    log = ChangeLog(db)
    articles = db[COLLECTION]
    batch: list[dict[str, Any]] = []
    done = 0

    def write(batch: list[dict[str, Any]]) -> None:
        entries = [entry for doc in batch for entry in legacy_entries(doc)]
        start = log.claim(entries)
        stamps = []
        seq = start
        for doc in batch:
            seq += len(legacy_entries(doc))
            stamps.append(UpdateOne({"_id": doc["_id"]}, {"$max": {"seq": seq - 1}}))
        articles.bulk_write(stamps, ordered=False)
        log.complete(start)

    for doc in articles.find({}, PROJECTION, batch_size=1000):
        if doc.get("seq") is not None:
            continue
        batch.append(doc)
        if len(batch) >= MAX_UPDATE_BATCH:
            write(batch)
            done += len(batch)
            batch = []
            if progress is not None:
                progress(done)
    if batch:
        write(batch)
        done += len(batch)
    log.mark(backfilled_at=datetime.now(UTC), backfilled=done)
    return done
