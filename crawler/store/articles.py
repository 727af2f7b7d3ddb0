"""The `articles` collection: indexes, and batched insert-first writes that stay idempotent.

The write pattern is the one that scales on MongoDB *and* on the local FerretDB (where
every filter but `_id` is a full scan and 100+ modifying updates in one command wedge
the server): deterministic `_id`s, one projected scan at start to learn what is stored,
`insert_many(ordered=False)` for new articles, and `_id`-keyed updates in batches of at most
50 only for articles already stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import bson
from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne
from pymongo.errors import BulkWriteError, ConnectionFailure, ExecutionTimeout, WTimeoutError

from crawler.store.connection import DatabaseUnavailable
from crawler.store.documents import FETCH_FIELDS, article_document

if TYPE_CHECKING:
    from datetime import datetime

    from pymongo.collection import Collection
    from pymongo.database import Database

    from crawler.items import Article

logger = logging.getLogger(__name__)

COLLECTION = "articles"
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
    # search (crawler/search/): words of title and text, newest first within a word; section alone
    IndexModel([("terms", ASCENDING), ("published_at", DESCENDING)], name="terms_published"),
    IndexModel([("section", ASCENDING)], name="section"),
]

#: How a stored article compares with the one just extracted.
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


def ensure_indexes(collection: Collection[dict[str, Any]], indexes: list[IndexModel]) -> None:
    """Create every named index (idempotent), on old collections as well as new ones."""
    existing = {ix["name"] for ix in collection.list_indexes()}
    missing = [ix for ix in indexes if ix.document["name"] not in existing]
    if missing:
        collection.create_indexes(missing)


@dataclass
class WriteCounts:
    """What a flush (or a whole crawl) did to the collection."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    error_messages: list[str] = field(default_factory=list)

    def add(self, other: WriteCounts) -> None:
        """Accumulate another flush's counts."""
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors += other.errors
        self.error_messages.extend(other.error_messages)


class ArticleStore:
    """Buffers extracted articles and writes them in bulk; safe to run twice over the same pages."""

    def __init__(
        self,
        db: Database[dict[str, Any]],
        *,
        insert_batch: int = 100,
        update_batch: int = MAX_UPDATE_BATCH,
        max_batch_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        self.collection = db[COLLECTION]
        self.insert_batch = max(1, insert_batch)
        self.update_batch = max(1, min(update_batch, MAX_UPDATE_BATCH))
        self.max_batch_bytes = max_batch_bytes
        #: _id -> content hash of every stored article we know of.
        self.known: dict[str, str] = {}
        self._inserts: list[dict[str, Any]] = []
        self._updates: list[tuple[str, dict[str, Any], str]] = []  # (_id, document, outcome)
        self._pending_bytes = 0
        self.totals = WriteCounts()

    def ensure_indexes(self) -> None:
        """Create the indexes the crawler and the queries rely on."""
        ensure_indexes(self.collection, INDEXES)

    def load_known(self, site: str | None = None) -> int:
        """Learn what is stored (one projected scan); returns how many articles."""
        query = {} if site is None else {"site": site}
        for doc in self.collection.find(query, {"content_hash": 1}):
            self.known[doc["_id"]] = doc.get("content_hash", "")
        return len(self.known)

    @property
    def pending(self) -> int:
        """Articles buffered but not yet written."""
        return len(self._inserts) + len(self._updates)

    def add(self, article: Article, seen_at: datetime) -> str:
        """Buffer one article; returns NEW, CHANGED or UNCHANGED. Call flush() when should_flush()."""
        return self.add_document(article_document(article, seen_at))

    def add_document(self, doc: dict[str, Any]) -> str:
        """Buffer one stored-form document (from add(), a spill file or re-extraction)."""
        key = doc["_id"]
        previous = self.known.get(key)
        if previous is None:
            self._inserts.append(doc)
            outcome = NEW
        else:
            outcome = UNCHANGED if previous == doc["content_hash"] else CHANGED
            self._updates.append((key, doc, outcome))
        self._pending_bytes += len(bson.encode(doc))
        self.known[key] = doc["content_hash"]
        return outcome

    def should_flush(self) -> bool:
        """True when a batch is full by count or by size."""
        return (
            len(self._inserts) >= self.insert_batch
            or len(self._updates) >= self.update_batch
            or self._pending_bytes >= self.max_batch_bytes
        )

    def flush(self) -> WriteCounts:
        """Write everything buffered; on a lost connection keep the buffer and raise DatabaseUnavailable."""
        counts = WriteCounts()
        try:
            if self._inserts:
                self._write_inserts(counts)
            while self._updates:
                batch = self._updates[: self.update_batch]
                self._write_updates(batch, counts)
                del self._updates[: len(batch)]
        except (ConnectionFailure, ExecutionTimeout, WTimeoutError) as exc:
            self.totals.add(counts)
            raise DatabaseUnavailable(
                f"lost the database while writing ({type(exc).__name__}: {exc}); "
                f"{self.pending} articles not yet written are kept (see drain())"
            ) from exc
        self._pending_bytes = 0
        self.totals.add(counts)
        return counts

    def drain(self) -> list[dict[str, Any]]:
        """Hand over what could not be written (for a spill file), emptying the buffer."""
        docs = list(self._inserts)
        docs.extend(doc for _, doc, _ in self._updates)
        self._inserts.clear()
        self._updates.clear()
        self._pending_bytes = 0
        return docs

    # Writing -------------------------------------------------------------------------------

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
        query = {"_id": {"$in": [d["_id"] for d in docs]}}
        for stored in self.collection.find(query, {"content_hash": 1}):
            self.known[stored["_id"]] = stored.get("content_hash", "")
        for doc in docs:
            self.add_document(doc)

    def _write_updates(self, batch: list[tuple[str, dict[str, Any], str]], counts: WriteCounts) -> None:
        operations = []
        for key, doc, outcome in batch:
            operations.append(UpdateOne({"_id": key}, _update_for(doc, outcome)))
        try:
            self.collection.bulk_write(operations, ordered=False)
        except BulkWriteError as exc:
            failed = {e["index"] for e in exc.details.get("writeErrors", [])}
            for error in exc.details.get("writeErrors", []):
                self._record_error(counts, batch[error["index"]][0], error.get("errmsg", "?"))
            batch = [entry for index, entry in enumerate(batch) if index not in failed]
        for _, _, outcome in batch:
            if outcome == CHANGED:
                counts.updated += 1
            else:
                counts.unchanged += 1

    def _record_error(self, counts: WriteCounts, key: str, message: str) -> None:
        counts.errors += 1
        counts.error_messages.append(f"{key}: {message}")
        logger.error("could not store article %s: %s", key, message)


def _update_for(doc: dict[str, Any], outcome: str) -> dict[str, Any]:
    """The update for an article already stored: new content, or only the facts of this visit."""
    if outcome == UNCHANGED:
        return {"$set": {name: doc[name] for name in FETCH_FIELDS}}
    changed = {k: v for k, v in doc.items() if k not in ("_id", "first_seen", "version")}
    return {"$set": changed, "$inc": {"version": 1}}
