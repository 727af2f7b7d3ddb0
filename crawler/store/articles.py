"""The `articles` collection and its history: batched insert-first writes that stay idempotent.

The write pattern is the one that scales on MongoDB *and* on the local FerretDB (where
every filter but `_id` is a full scan and 100+ modifying updates in one command wedge
the server): deterministic `_id`s, one projected scan at start to learn what is stored
(ArchiveIndex), `insert_many(ordered=False)` for new articles, and `_id`-keyed updates in
batches of at most 50 only for articles already stored.

History is never lost: when an article's text changes, the earlier version is first
copied, whole, into `article_versions` (insert-only, keyed `<_id>@v<n>`) and only then is
the article updated, so a crash between the two steps repeats harmlessly.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import bson
from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    ConnectionFailure,
    ExecutionTimeout,
    OperationFailure,
    WTimeoutError,
)

from crawler.search.index import SearchIndex
from crawler.store.connection import DatabaseUnavailable
from crawler.store.documents import FETCH_FIELDS, article_document, version_document
from crawler.store.index import PROJECTION, ArchiveIndex

if TYPE_CHECKING:
    from datetime import datetime

    from pymongo.collection import Collection
    from pymongo.database import Database

    from crawler.items import Article, PageVisit

logger = logging.getLogger(__name__)

COLLECTION = "articles"
VERSIONS = "article_versions"
DUPLICATE_KEY = 11000
#: FerretDB 1.x never answers a bulk write with 100+ modifying updates; stay well below.
MAX_UPDATE_BATCH = 50

INDEXES = [
    IndexModel([("canonical_url", ASCENDING)], name="canonical_url_unique", unique=True),
    IndexModel([("site", ASCENDING), ("published_at", DESCENDING)], name="site_published"),
    IndexModel([("published_at", DESCENDING)], name="published"),
    IndexModel([("authors", ASCENDING)], name="authors"),
    IndexModel([("source", ASCENDING)], name="source"),
    IndexModel([("site", ASCENDING), ("section", ASCENDING)], name="site_section"),
    IndexModel([("site", ASCENDING), ("last_seen", ASCENDING)], name="site_last_seen"),
    IndexModel([("state", ASCENDING)], name="state"),
    # search (crawler/search/): words of title and text, newest first within a word; section alone
    IndexModel([("terms", ASCENDING), ("published_at", DESCENDING)], name="terms_published"),
    IndexModel([("section", ASCENDING)], name="section"),
]
VERSION_INDEXES = [
    IndexModel([("article_id", ASCENDING), ("version", ASCENDING)], name="article_version"),
]

#: How a fetched article compares with the stored one.
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
#: What a visit without new content did.
NOT_MODIFIED, GONE, UNKNOWN = "not_modified", "gone", "unknown"


def ensure_indexes(
    collection: Collection[dict[str, Any]], indexes: list[IndexModel], attempts: int = 6
) -> None:
    """Create every named index (idempotent), on old collections as well as new ones.

    Two crawls starting at once on a new database both create indexes; FerretDB 1.24 then
    drops one connection (a recovered panic, "slice bounds out of range"). The other client's
    indexes arrive a moment later, so look again and retry instead of failing the crawl.
    """
    for attempt in range(attempts):
        try:
            existing = {ix["name"] for ix in collection.list_indexes()}
            missing = [ix for ix in indexes if ix.document["name"] not in existing]
            if missing:
                collection.create_indexes(missing)
            return
        except (AutoReconnect, OperationFailure):
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1) + random.random() / 10)  # back off, out of step with the other


@dataclass
class WriteCounts:
    """What a flush (or a whole crawl) did to the collection."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    gone: int = 0
    errors: int = 0
    error_messages: list[str] = field(default_factory=list)

    def add(self, other: WriteCounts) -> None:
        """Accumulate another flush's counts."""
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.gone += other.gone
        self.errors += other.errors
        self.error_messages.extend(other.error_messages)


@dataclass(slots=True)
class _Update:
    """One pending `_id`-keyed update and what it counts as."""

    key: str
    update: dict[str, Any]
    outcome: str
    #: The full document, for spill files (None for visits that only touch fields).
    doc: dict[str, Any] | None = None


@dataclass(slots=True)
class _IndexIntent:
    """What one flush writes, as the local search index needs it."""

    ids: list[str]
    docs: list[dict[str, Any]]
    states: dict[str, str]


class ArticleStore:
    """Buffers extracted articles and page visits, and writes them in bulk."""

    def __init__(
        self,
        db: Database[dict[str, Any]],
        *,
        insert_batch: int = 100,
        update_batch: int = MAX_UPDATE_BATCH,
        max_batch_bytes: int = 8 * 1024 * 1024,
        max_delay: float = 30.0,
        search_index: bool = True,
    ) -> None:
        self.db = db
        self.collection = db[COLLECTION]
        self.versions = db[VERSIONS]
        self.insert_batch = max(1, insert_batch)
        self.update_batch = max(1, min(update_batch, MAX_UPDATE_BATCH))
        self.max_batch_bytes = max_batch_bytes
        #: Seconds an article may wait in the buffer: slow, polite crawls still write steadily.
        self.max_delay = max_delay
        self._oldest: float | None = None
        self.index = ArchiveIndex()
        self._inserts: list[dict[str, Any]] = []
        self._updates: list[_Update] = []
        self._pending_bytes = 0
        self.totals = WriteCounts()
        #: The local search index kept in step with every flush (None: not wanted or not built).
        self.search_index: SearchIndex | None = None
        self._search_index_wanted = search_index
        self._search_index_opened = False

    def ensure_indexes(self) -> None:
        """Create the indexes the crawler and the queries rely on."""
        ensure_indexes(self.collection, INDEXES)
        ensure_indexes(self.versions, VERSION_INDEXES)

    def load_known(self, site: str | None = None) -> int:
        """Learn what is stored (one projected scan); returns how many articles."""
        self.index = ArchiveIndex.load(self.collection, site)
        return len(self.index)

    @property
    def pending(self) -> int:
        """Articles and visits buffered but not yet written."""
        return len(self._inserts) + len(self._updates)

    # Buffering -----------------------------------------------------------------------------

    def add(self, article: Article, seen_at: datetime) -> str:
        """Buffer one article; returns NEW, CHANGED or UNCHANGED. Call flush() when should_flush()."""
        return self.add_document(article_document(article, seen_at))

    def add_document(self, doc: dict[str, Any]) -> str:
        """Buffer one stored-form document (from add(), a spill file or re-extraction)."""
        key = doc["_id"]
        known = self.index.get(key)
        if known is None:
            self._inserts.append(doc)
            outcome = NEW
        else:
            outcome = UNCHANGED if known.content_hash == doc["content_hash"] else CHANGED
            update = _refresh(doc) if outcome == UNCHANGED else _replace(doc)
            if known.state == "gone":
                _add_event(update, {"type": "restored", "at": doc["last_seen"], "url": doc["url"]})
                update["$set"]["state"] = "live"
            self._updates.append(_Update(key, update, outcome, doc))
        self._pending_bytes += len(bson.encode(doc))
        version = 1 if known is None else known.version + (outcome == CHANGED)
        self.index.remember({**doc, "version": version})
        return outcome

    def add_visit(self, visit: PageVisit) -> str:
        """Buffer a visit that brought no content: NOT_MODIFIED, GONE, or UNKNOWN (not stored)."""
        known = self.index.find_url(visit.url)
        if known is None:
            return UNKNOWN
        fields: dict[str, Any] = {"last_seen": visit.fetched_at, "fetched_at": visit.fetched_at}
        fields["status"] = visit.status
        update: dict[str, Any] = {"$set": fields}
        if visit.kind == GONE:
            if known.state == "gone":
                outcome = UNCHANGED
            else:
                fields["state"] = "gone"
                _add_event(
                    update,
                    {
                        "type": "gone",
                        "at": visit.fetched_at,
                        "status": visit.status,
                        "reason": visit.reason,
                        "url": visit.url,
                    },
                )
                known.state = "gone"
                outcome = GONE
        else:
            outcome = NOT_MODIFIED
        known.last_seen = visit.fetched_at
        self._updates.append(_Update(known.id, update, outcome))
        return outcome

    def should_flush(self) -> bool:
        """True when a batch is full by count or by size, or its oldest entry waited max_delay."""
        if not self.pending:
            self._oldest = None
            return False
        if self._oldest is None:
            self._oldest = time.monotonic()
        return (
            len(self._inserts) >= self.insert_batch
            or len(self._updates) >= self.update_batch
            or self._pending_bytes >= self.max_batch_bytes
            or time.monotonic() - self._oldest >= self.max_delay
        )

    # Writing -------------------------------------------------------------------------------

    def flush(self) -> WriteCounts:
        """Write everything buffered; on a lost connection keep the buffer and raise DatabaseUnavailable."""
        counts = WriteCounts()
        intent = self._search_index_begin()
        try:
            if self._inserts:
                self._write_inserts(counts)
            while self._updates:
                batch = self._updates[: self.update_batch]
                self._archive_versions([u for u in batch if u.outcome == CHANGED])
                self._write_updates(batch, counts)
                del self._updates[: len(batch)]
        except (ConnectionFailure, ExecutionTimeout, WTimeoutError) as exc:
            self.totals.add(counts)
            raise DatabaseUnavailable(
                f"lost the database while writing ({type(exc).__name__}: {exc}); "
                f"{self.pending} articles not yet written are kept (see drain())"
            ) from exc
        self._search_index_commit(intent, counts)
        self._pending_bytes = 0
        self._oldest = None
        self.totals.add(counts)
        return counts

    # The local search index (crawler/search/index.py) ------------------------------------------

    def _search_index_begin(self) -> _IndexIntent | None:
        """Before the store write: record what this flush writes in the local search index."""
        if not self._search_index_opened:
            self._search_index_opened = True
            if self._search_index_wanted:
                self.search_index = SearchIndex.for_writer(self.db)
                if self.search_index is not None:
                    self.search_index.repair(self.collection)
        if self.search_index is None or not self.pending:
            return None
        docs = list(self._inserts)
        states: dict[str, str] = {}
        for update in self._updates:
            state = update.update.get("$set", {}).get("state")
            if update.outcome == CHANGED and update.doc is not None:
                docs.append({**update.doc, "state": state or update.doc.get("state") or "live"})
            elif state is not None:
                states[update.key] = state
        ids = self.search_index.begin([*(doc["_id"] for doc in docs), *states])
        return _IndexIntent(ids, docs, states)

    def _search_index_commit(self, intent: _IndexIntent | None, counts: WriteCounts) -> None:
        """After the store write: index what was written (what the store holds, if writes failed)."""
        if intent is None or self.search_index is None:
            return
        if counts.errors:
            self.search_index.sync_ids(self.collection, intent.ids)
            self.search_index.commit(intent.ids)
        else:
            self.search_index.commit(intent.ids, intent.docs, intent.states)

    def drain(self) -> list[dict[str, Any]]:
        """Hand over the articles that could not be written (for a spill file), emptying the buffer."""
        docs = list(self._inserts)
        docs.extend(u.doc for u in self._updates if u.doc is not None)
        self._inserts.clear()
        self._updates.clear()
        self._pending_bytes = 0
        return docs

    def _write_inserts(self, counts: WriteCounts) -> None:
        docs = self._inserts
        try:
            result = self.collection.insert_many(docs, ordered=False)
            counts.inserted += len(result.inserted_ids)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            counts.inserted += exc.details.get("nInserted", 0)
            duplicates = [docs[e["index"]] for e in errors if e.get("code") == DUPLICATE_KEY]
            for error in errors:
                if error.get("code") != DUPLICATE_KEY:
                    self._record_error(counts, docs[error["index"]]["_id"], error.get("errmsg", "?"))
            # Stored meanwhile by someone else (another crawl, or a write whose answer was lost):
            # compare with what is there instead of inserting.
            self._requeue_existing(duplicates)
        self._inserts = []

    def _requeue_existing(self, docs: list[dict[str, Any]]) -> None:
        if not docs:
            return
        for stored in self._by_ids([d["_id"] for d in docs], PROJECTION):
            self.index.remember(stored)
        for doc in docs:
            self.add_document(doc)

    def _archive_versions(self, changed: list[_Update]) -> None:
        """Copy the stored versions that are about to be replaced into article_versions."""
        if not changed:
            return
        replaced_at = {u.key: u.update["$set"]["last_seen"] for u in changed}
        old = self._by_ids(list(replaced_at))
        versions = [version_document(doc, replaced_at[doc["_id"]]) for doc in old]
        for update in changed:
            previous = next((d for d in old if d["_id"] == update.key), None)
            if previous is not None:
                entry = {
                    "version": previous.get("version", 1),
                    "content_hash": previous.get("content_hash"),
                    "since": previous.get("version_since") or previous.get("first_seen"),
                    "until": replaced_at[update.key],
                }
                update.update.setdefault("$push", {})["history"] = entry
        if versions:
            try:
                self.versions.insert_many(versions, ordered=False)
            except BulkWriteError as exc:
                # 11000: archived by an earlier attempt that crashed before the article update.
                if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                    raise

    def _by_ids(self, ids: list[str], projection: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Stored documents by _id, one indexed lookup each.

        `$in` on _id is a full scan on FerretDB 1.x (measured): one per batch would cost a scan
        of the whole archive every time a few articles change.
        """
        found = (self.collection.find_one({"_id": key}, projection) for key in ids)
        return [doc for doc in found if doc is not None]

    def _write_updates(self, batch: list[_Update], counts: WriteCounts) -> None:
        operations = [UpdateOne({"_id": u.key}, u.update) for u in batch]
        try:
            self.collection.bulk_write(operations, ordered=False)
        except BulkWriteError as exc:
            failed = {e["index"] for e in exc.details.get("writeErrors", [])}
            for error in exc.details.get("writeErrors", []):
                self._record_error(counts, batch[error["index"]].key, error.get("errmsg", "?"))
            batch = [u for index, u in enumerate(batch) if index not in failed]
        for update in batch:
            if update.outcome == CHANGED:
                counts.updated += 1
            elif update.outcome == GONE:
                counts.gone += 1
            else:
                counts.unchanged += 1

    def _record_error(self, counts: WriteCounts, key: str, message: str) -> None:
        counts.errors += 1
        counts.error_messages.append(f"{key}: {message}")
        logger.error("could not store article %s: %s", key, message)


def _refresh(doc: dict[str, Any]) -> dict[str, Any]:
    """An unchanged article: only the facts of this visit."""
    return {"$set": {name: doc.get(name) for name in FETCH_FIELDS}}


def _replace(doc: dict[str, Any]) -> dict[str, Any]:
    """A changed article: the new content, a new version number, when this version appeared."""
    kept = ("_id", "first_seen", "version", "history", "events")
    changed = {k: v for k, v in doc.items() if k not in kept}
    changed["version_since"] = doc["last_seen"]
    return {"$set": changed, "$inc": {"version": 1}}


def _add_event(update: dict[str, Any], event: dict[str, Any]) -> None:
    update.setdefault("$push", {})["events"] = event
