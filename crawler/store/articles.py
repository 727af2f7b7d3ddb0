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
from bson.errors import InvalidDocument
from pymongo import ASCENDING, DESCENDING, IndexModel, UpdateOne
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    ConnectionFailure,
    DuplicateKeyError,
    ExecutionTimeout,
    OperationFailure,
    WTimeoutError,
)

from crawler import settings as project
from crawler.derived.signature import SIGNATURE_FIELD
from crawler.extract.urls import DEFAULT_RULES, UrlRules
from crawler.items import PageVisit
from crawler.store.changelog import GONE as GONE_ENTRY
from crawler.store.changelog import NEW as NEW_ENTRY
from crawler.store.changelog import RESTORED, VERSION, ChangeLog, Entry
from crawler.store.connection import DatabaseUnavailable
from crawler.store.documents import (
    FETCH_FIELDS,
    MAX_DOCUMENT_BYTES,
    UnstorableDocument,
    article_document,
    storable,
    version_document,
)
from crawler.store.index import PROJECTION, ArchiveIndex
from crawler.store.keys import Identity, identify

if TYPE_CHECKING:
    from datetime import datetime

    from pymongo.collection import Collection
    from pymongo.database import Database

    from crawler.items import Article
    from crawler.store.followers import SearchIndexOpener, SearchIndexWriter, StoryOpener, StoryWriter

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

#: The database is gone (the buffer is kept); anything else that fails a write is about a document.
#: "Anything else" is caught as Exception on purpose: besides DocumentTooLarge / InvalidDocument
#: and write errors, FerretDB answers a bulk update it refuses with a reply pymongo cannot merge
#: (KeyError 'nModified', measured); the documents are then written one by one to find the bad one.
UNAVAILABLE = (ConnectionFailure, ExecutionTimeout, WTimeoutError)

#: How a fetched article compares with the stored one.
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
#: What a visit without new content did.
NOT_MODIFIED, GONE, UNKNOWN = "not_modified", "gone", "unknown"
#: A fetch that lacked pages of a multi-page article whose stored version is complete: the
#: complete version stays current, the failed fetch is recorded as an event.
KEPT_COMPLETE = "kept_complete"
#: An article the database cannot take (see ArticleStore.rejected).
REJECTED = "rejected"


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
    #: The visit, for spill files (None for articles).
    visit: PageVisit | None = None
    #: The article's site and the version this update leaves current (for the change log).
    site: str | None = None
    version: int = 1


@dataclass(slots=True)
class Rejected:
    """An article or visit the database refused, and why: it goes to a spill file, never lost."""

    key: str
    reason: str
    doc: dict[str, Any] | None = None
    visit: PageVisit | None = None


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
        insert_batch: int = project.STORE_INSERT_BATCH,
        update_batch: int = project.STORE_UPDATE_BATCH,
        max_batch_bytes: int = project.STORE_MAX_BATCH_BYTES,
        max_delay: float = project.STORE_MAX_DELAY,
        search_index: SearchIndexOpener | None = None,
        stories: StoryOpener | None = None,
    ) -> None:
        """``search_index`` and ``stories`` open what follows the writes (crawler/store/followers.py)."""
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
        self.search_index: SearchIndexWriter | None = None
        self._open_search_index = search_index
        self._search_index_opened = False
        #: Reprint detection (crawler/stories/): new articles get their `story` before insertion.
        self.stories: StoryWriter | None = None
        self._open_stories = stories
        #: Refused by the database (or unstorable); taken by take_rejected() for a spill file.
        self.rejected: list[Rejected] = []
        #: Rejections while buffering, reported by the next flush.
        self._early = WriteCounts()
        #: The archive sequence (crawler/store/changelog.py): every change numbered in a block.
        self.changelog = ChangeLog(db)
        #: Blocks whose write failed half-way (database lost): checked and completed at the next flush.
        self._uncertain: list[int] = []

    def ensure_indexes(self) -> None:
        """Create the indexes the crawler and the queries rely on."""
        ensure_indexes(self.collection, INDEXES)
        ensure_indexes(self.versions, VERSION_INDEXES)

    def load_known(self, site: str | None = None, rules: UrlRules = DEFAULT_RULES) -> int:
        """Learn what is stored (one projected scan); returns how many articles.

        ``rules`` are the site's URL normalisation rules (``UrlRules.of(profile)``).
        """
        self.index.close()
        self.index = ArchiveIndex.load(self.collection, site, rules)
        return len(self.index)

    def close(self) -> None:
        """Drop the archive index's scratch file (what is buffered stays buffered)."""
        self.index.close()
        if self.stories is not None:
            self.stories.close()
            self.stories = None

    @property
    def pending(self) -> int:
        """Articles and visits buffered but not yet written."""
        return len(self._inserts) + len(self._updates)

    # Buffering -----------------------------------------------------------------------------

    def add(self, article: Article, seen_at: datetime, key: str | None = None) -> str:
        """Buffer one article: NEW, CHANGED, UNCHANGED or KEPT_COMPLETE. Call flush() when should_flush().

        The key is decided here, on the archive's evidence (crawler/store/keys.py): ``article``'s
        ``canonical_url`` (and ``canonical_ignored``, when its canonical URL is claimed by a
        different article) are set to what it is stored as. ``key``: a stored article's own key
        (re-extraction), taken as it is.
        """
        identity = Identity(key) if key is not None else identify(article, self.index)
        article.canonical_url = identity.key
        if identity.ignored:
            article.canonical_ignored = identity.ignored
        doc = article_document(article, seen_at)
        moved = [identity.moved_from] if identity.moved_from else []
        for origin in article.moved_from:
            old = self.index.find_url(origin)
            if old is not None and old.id != identity.key:
                moved.append(old.id)
                self.add_visit(
                    PageVisit(
                        url=old.id,
                        site=article.site,
                        kind=GONE,
                        status=article.status or 200,
                        fetched_at=doc["last_seen"],
                        reason=f"moved (permanent redirect) to {identity.key}",
                        moved_to=identity.key,
                    )
                )
        if moved:
            doc["events"] = [{"type": "moved", "at": doc["last_seen"], "from": moved, "url": doc["url"]}]
        return self.add_document(doc)

    def add_document(self, doc: dict[str, Any]) -> str:
        """Buffer one stored-form document (from add(), a spill file or re-extraction).

        Every document passes the one sanitising step here (documents.storable: safe field
        names, the schema's field types, WARC pointers under the WARC folder), whichever path it
        came by. A document that cannot be stored at all (a wrong field, not encodable, over
        MAX_DOCUMENT_BYTES) is rejected here, with its reason, instead of failing a whole batch
        later (or, stored, making the collection unreadable).
        """
        try:
            doc = storable(doc)
        except UnstorableDocument as exc:
            key = doc.get("_id") if isinstance(doc, dict) else None
            return self._reject_now(self._early, Rejected(str(key), f"not storable: {exc}", doc=doc))
        key = doc["_id"]
        try:
            size = len(bson.encode(doc))
        except UnicodeEncodeError:  # lone surrogates (from JSON escapes): replaced, as a decoder would
            doc = _without_surrogates(doc)
            key = doc["_id"]
            size = len(bson.encode(doc))
        except (InvalidDocument, OverflowError) as exc:
            return self._reject_now(self._early, Rejected(key, f"not storable: {exc}", doc=doc))
        if size > MAX_DOCUMENT_BYTES:
            reason = f"document too large ({size} bytes, at most {MAX_DOCUMENT_BYTES})"
            return self._reject_now(self._early, Rejected(key, reason, doc=doc))
        known = self.index.get(key)
        if known is None:
            self._inserts.append(doc)
            outcome = NEW
        else:
            outcome = UNCHANGED if known.content_hash == doc["content_hash"] else CHANGED
            if outcome == CHANGED and doc.get("missing_pages") and not known.incomplete:
                outcome = KEPT_COMPLETE  # a page failed: never a truncated text over a complete one
            update = _replace(doc) if outcome == CHANGED else _refresh(doc)
            for event in doc.get("events") or ():  # new events this document brings (a move)
                _add_event(update, event)
            if outcome == KEPT_COMPLETE:
                when, missing = doc["last_seen"], doc["missing_pages"]
                _add_event(update, {"type": "incomplete_fetch", "at": when, "missing_pages": missing})
            if known.state == "gone":
                _add_event(update, {"type": "restored", "at": doc["last_seen"], "url": doc["url"]})
                update["$set"]["state"] = "live"
            version = known.version + (outcome == CHANGED)
            self._updates.append(_Update(key, update, outcome, doc, site=doc.get("site"), version=version))
        self._pending_bytes += size
        if outcome == KEPT_COMPLETE:
            assert known is not None
            known.last_seen, known.state = doc["last_seen"], "live"
            self.index.save(known)
        else:
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
                event = {
                    "type": "gone",
                    "at": visit.fetched_at,
                    "status": visit.status,
                    "reason": visit.reason,
                    "url": visit.url,
                }
                if visit.moved_to:
                    event["moved_to"] = fields["moved_to"] = visit.moved_to
                _add_event(update, event)
                known.state = "gone"
                outcome = GONE
        else:
            outcome = NOT_MODIFIED
        known.last_seen = visit.fetched_at
        self.index.save(known)
        self._updates.append(
            _Update(known.id, update, outcome, visit=visit, site=visit.site, version=known.version)
        )
        return outcome

    def should_flush(self) -> bool:
        """True when a batch is full by count or by size, or its oldest entry waited max_delay."""
        if self._early.errors:
            return True
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
        """Write everything buffered; the buffer is empty afterwards unless the database is gone.

        A document the database refuses (too large, invalid, a write error other than a
        duplicate key) is moved to `rejected` with its reason and counted in `errors`; on a
        lost connection the buffer is kept and DatabaseUnavailable raised (see drain()).
        """
        counts, self._early = self._early, WriteCounts()
        intent = self._search_index_begin()
        try:
            self._settle_uncertain()
            if self._inserts:
                inserting = self._assign_stories()
                self._write_inserts(counts)
                self._record_stories(inserting)
            while self._updates:
                size = _distinct_prefix(self._updates, self.update_batch)
                batch = self._archive_versions(self._updates[:size], counts)
                self._write_updates(batch, counts)
                del self._updates[:size]
        except UNAVAILABLE as exc:
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

    # Stories (crawler/stories/) -------------------------------------------------------------------

    def _assign_stories(self) -> list[dict[str, Any]]:
        """Give the articles about to be inserted their story; returns them (for _record_stories)."""
        if self._open_stories is None:
            for doc in self._inserts:
                doc.pop(SIGNATURE_FIELD, None)
            return []
        if self.stories is None:
            self.stories = self._open_stories(self.db)
        fresh = [doc for doc in self._inserts if "story" not in doc]
        self.stories.assign(fresh)
        return list(self._inserts)

    def _record_stories(self, docs: list[dict[str, Any]]) -> None:
        """Remember the stories of the articles that were inserted (not the rejected or requeued)."""
        if self.stories is None or not docs:
            return
        refused = {r.key for r in self.rejected}
        requeued = {doc["_id"] for doc in self._inserts} | {u.key for u in self._updates}
        self.stories.record([d for d in docs if d["_id"] not in refused and d["_id"] not in requeued])

    # The local search index (crawler/search/index/) ------------------------------------------

    def _search_index_begin(self) -> _IndexIntent | None:
        """Before the store write: record what this flush writes in the local search index."""
        if not self._search_index_opened:
            self._search_index_opened = True
            if self._open_search_index is not None:
                self.search_index = self._open_search_index(self.db)
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

    def drain(self) -> list[dict[str, Any] | PageVisit]:
        """Hand over what could not be written (documents and visits, for a spill file)."""
        pending: list[dict[str, Any] | PageVisit] = list(self._inserts)
        for update in self._updates:
            if update.doc is not None:
                pending.append(update.doc)
            elif update.visit is not None:
                pending.append(update.visit)
        self._inserts.clear()
        self._updates.clear()
        self._pending_bytes = 0
        return pending

    def take_rejected(self) -> list[Rejected]:
        """Hand over the rejected documents and visits (for a spill file with their reasons)."""
        rejected, self.rejected = self.rejected, []
        return rejected

    # The change log (crawler/store/changelog.py) ----------------------------------------------

    def _claim(self, entries: list[Entry]) -> int:
        """Number the changes of one write step: an open block in the log, before the write."""
        start = self.changelog.claim(entries)
        self._uncertain.append(start)
        return start

    def _complete(self, start: int, void: set[int]) -> None:
        """The write step finished: the block is complete, void naming what was not stored."""
        self.changelog.complete(start, void)
        self._uncertain.remove(start)

    def _settle_uncertain(self) -> None:
        """Complete the blocks of write steps the database was lost in, checking each entry.

        Until then readers wait at such a block (its writer, this process, is alive), so a
        change that reached the store is never passed over.
        """
        for start in list(self._uncertain):
            block = self.changelog.block(start)
            if block is not None and not block.done:
                self.changelog.complete(start, self.changelog.void_entries(block))
            self._uncertain.remove(start)

    # Writing steps ---------------------------------------------------------------------------

    def _write_inserts(self, counts: WriteCounts) -> None:
        docs = self._inserts
        entries = [Entry(NEW_ENTRY, d["_id"], d.get("site"), 1, d.get("first_seen")) for d in docs]
        start = self._claim(entries)
        for offset, doc in enumerate(docs):
            doc["seq"] = start + offset
        self._inserts = []
        stored: set[int] = set(range(len(docs)))
        try:
            result = self.collection.insert_many(docs, ordered=False)
            counts.inserted += len(result.inserted_ids)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            stored -= {e["index"] for e in errors}
            counts.inserted += exc.details.get("nInserted", 0)
            duplicates = [docs[e["index"]] for e in errors if e.get("code") == DUPLICATE_KEY]
            for error in errors:
                if error.get("code") != DUPLICATE_KEY:
                    doc = docs[error["index"]]
                    self._reject_now(counts, Rejected(doc["_id"], error.get("errmsg", "?"), doc=doc))
            # Stored meanwhile by someone else (another crawl, or a write whose answer was lost):
            # compare with what is there instead of inserting.
            self._requeue_existing(duplicates)
        except UNAVAILABLE:
            self._inserts = docs + self._inserts
            raise
        except Exception:
            # The batch as a whole was refused (one document too large, a top-level error):
            # find which documents, one at a time.
            stored = self._insert_each(docs, counts)
        self._complete(start, set(range(len(docs))) - stored)

    def _insert_each(self, docs: list[dict[str, Any]], counts: WriteCounts) -> set[int]:
        """Insert one at a time; returns the positions of the documents stored."""
        duplicates = []
        stored = set()
        for index, doc in enumerate(docs):
            try:
                self.collection.insert_one(doc)
                counts.inserted += 1
                stored.add(index)
            except DuplicateKeyError:
                duplicates.append(doc)
            except UNAVAILABLE:
                self._inserts = docs[index:] + self._inserts
                raise
            except Exception as exc:
                self._reject_now(counts, Rejected(doc["_id"], _reason(exc), doc=doc))
        self._requeue_existing(duplicates)
        return stored

    def _requeue_existing(self, docs: list[dict[str, Any]]) -> None:
        if not docs:
            return
        for doc in docs:
            doc.pop("seq", None)  # its number was not used: the update it becomes gets its own
        for stored in self._by_ids([d["_id"] for d in docs], PROJECTION):
            self.index.remember(stored)
        for doc in docs:
            self.add_document(doc)

    def _archive_versions(self, batch: list[_Update], counts: WriteCounts) -> list[_Update]:
        """Copy the stored versions about to be replaced into article_versions; returns the updates to write.

        An article whose earlier version cannot be archived is rejected, not updated: history is
        never overwritten.
        """
        changed = [u for u in batch if u.outcome == CHANGED]
        if not changed:
            return batch
        replaced_at = {u.key: u.update["$set"]["last_seen"] for u in changed}
        old = self._by_ids(list(replaced_at))
        versions = {doc["_id"]: version_document(doc, replaced_at[doc["_id"]]) for doc in old}
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
        if not versions:
            return batch
        failed: set[str] = set()
        try:
            self.versions.insert_many(list(versions.values()), ordered=False)
        except BulkWriteError as exc:
            # 11000: archived by an earlier attempt that crashed before the article update.
            for error in exc.details.get("writeErrors", []):
                if error.get("code") != DUPLICATE_KEY:
                    failed.add(old[error["index"]]["_id"])
        except UNAVAILABLE:
            raise
        except Exception:
            for key, version in versions.items():
                try:
                    self.versions.insert_one(version)
                except DuplicateKeyError:
                    pass
                except UNAVAILABLE:
                    raise
                except Exception:
                    failed.add(key)
        kept = []
        for update in batch:
            if update.key in failed:
                reason = "its earlier version could not be archived (article_versions refused it)"
                self._reject_now(counts, Rejected(update.key, reason, doc=update.doc, visit=update.visit))
            else:
                kept.append(update)
        return kept

    def _by_ids(self, ids: list[str], projection: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Stored documents by _id, one indexed lookup each.

        `$in` on _id is a full scan on FerretDB 1.x (measured): one per batch would cost a scan
        of the whole archive every time a few articles change.
        """
        found = (self.collection.find_one({"_id": key}, projection) for key in ids)
        return [doc for doc in found if doc is not None]

    def _number_updates(self, batch: list[_Update]) -> tuple[int, list[int]] | None:
        """Claim numbers for the batch's new versions and events and stamp them on the updates.

        Returns the block's start and, per entry, the position of its update in the batch.
        """
        entries: list[Entry] = []
        owners: list[int] = []
        stamps: list[dict[str, Any]] = []
        for index, update in enumerate(batch):
            if update.outcome == CHANGED:
                at = update.update["$set"].get("last_seen")
                entries.append(Entry(VERSION, update.key, update.site, update.version, at))
                owners.append(index)
                stamps.append(update.update["$set"])
            for event in update.update.get("$push", {}).get("events", {}).get("$each", []):
                if event.get("type") in (GONE_ENTRY, RESTORED):  # moves and incomplete fetches are no change
                    entries.append(
                        Entry(event["type"], update.key, update.site, update.version, event.get("at"))
                    )
                    owners.append(index)
                    stamps.append(event)
        if not entries:
            return None
        start = self._claim(entries)
        for offset, stamp in enumerate(stamps):
            stamp["seq"] = start + offset
        return start, owners

    def _write_updates(self, batch: list[_Update], counts: WriteCounts) -> None:
        numbered = self._number_updates(batch)
        failed: dict[int, str] = {}
        try:
            self.collection.bulk_write([UpdateOne({"_id": u.key}, u.update) for u in batch], ordered=False)
        except BulkWriteError as exc:
            failed = {e["index"]: e.get("errmsg", "?") for e in exc.details.get("writeErrors", [])}
        except UNAVAILABLE:
            raise
        except Exception:
            for index, update in enumerate(batch):  # which update? one at a time
                try:
                    if self._already_applied(update):
                        continue
                    self.collection.update_one({"_id": update.key}, update.update)
                except UNAVAILABLE:
                    raise
                except Exception as exc:
                    failed[index] = _reason(exc)
        for index, update in enumerate(batch):
            if index in failed:
                rejected = Rejected(update.key, failed[index], doc=update.doc, visit=update.visit)
                self._reject_now(counts, rejected)
            elif update.outcome == CHANGED:
                counts.updated += 1
            elif update.outcome == GONE:
                counts.gone += 1
            else:
                counts.unchanged += 1
        if numbered is not None:
            start, owners = numbered
            self._complete(start, {offset for offset, index in enumerate(owners) if index in failed})

    def _already_applied(self, update: _Update) -> bool:
        """True when a failed bulk write applied this update before failing (FerretDB stops midway).

        `$set` alone can be repeated; `$inc` / `$push` (version, history, events) must not be.
        """
        if "$inc" not in update.update and "$push" not in update.update:
            return False
        stored = self.collection.find_one({"_id": update.key}, {"content_hash": 1, "state": 1}) or {}
        changes = update.update["$set"]
        if "$inc" in update.update:
            return stored.get("content_hash") == changes.get("content_hash")
        return "state" in changes and stored.get("state") == changes["state"]

    def _reject_now(self, counts: WriteCounts, rejected: Rejected) -> str:
        counts.errors += 1
        counts.error_messages.append(f"{rejected.key}: {rejected.reason}")
        self.rejected.append(rejected)
        logger.error("could not store %s: %s", rejected.key, rejected.reason)
        return REJECTED


def _reason(exc: BaseException) -> str:
    """A short reason for a spill file: the error's class and first line."""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500]


def _without_surrogates(value: Any) -> Any:
    """Strings with lone surrogates (not UTF-8 encodable) get U+FFFD in their place."""
    if isinstance(value, str):
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    return value


def _refresh(doc: dict[str, Any]) -> dict[str, Any]:
    """An unchanged article: only the facts of this visit."""
    return {"$set": {name: doc.get(name) for name in FETCH_FIELDS}}


def _replace(doc: dict[str, Any]) -> dict[str, Any]:
    """A changed article: the new content, a new version number, when this version appeared."""
    kept = ("_id", "first_seen", "version", "history", "events", "story", SIGNATURE_FIELD)
    changed = {k: v for k, v in doc.items() if k not in kept}
    changed["version_since"] = doc["last_seen"]
    return {"$set": changed, "$inc": {"version": 1}}


def _add_event(update: dict[str, Any], event: dict[str, Any]) -> None:
    events = update.setdefault("$push", {}).setdefault("events", {"$each": []})
    events["$each"].append(event)


def _distinct_prefix(updates: list[_Update], limit: int) -> int:
    """How many of the first updates to write together: at most ``limit``, and no article twice.

    Two changes of one article in one bulk write would both archive the version stored before
    the batch; the second must see the first one's result (its version goes to article_versions).
    """
    seen: set[str] = set()
    for count, update in enumerate(updates[:limit]):
        if update.key in seen:
            return count
        seen.add(update.key)
    return min(len(updates), limit)
