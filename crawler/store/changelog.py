"""The archive sequence: every new article, new version and deletion event numbered, in a log.

Feeds (`export --cursor`), `changes` and the health page read what changed after sequence N
from here instead of scanning the articles (a full scan on the local FerretDB).

How numbers are handed out. Each write step of the store claims a *block* of consecutive
numbers by inserting one document into `archive_log` whose `_id` is the block's first number
(zero-padded text, so that text order is number order and the patched FerretDB looks it up by
its `_id` index: integer `_id`s are full scans there, 5.7 s a lookup at 2,000 blocks, measured).
The block lists its entries (kind, article, version, site, time). A block starts where the
previous one ended (`end + 1`), so the blocks form one chain without gaps: the unique `_id`
decides who gets a start when two writers race; the loser moves on to the winner's end. The
counter document (`archive_sequence`, `_id` "archive") only remembers where the chain ends so
that a claim does not walk it from 1; it may lag, never run ahead. (A `find_one_and_update`
with `$inc` on the counter is not atomic on FerretDB 1.24: three processes taking 900 blocks
got 440 distinct numbers, measured, so the insert is the arbiter.)

Out-of-order commits. A block is inserted `open` *before* its articles are written and set
`done` after, with the entries that did not get written (`void`). A reader walks the chain from
its cursor and stops at the first open block whose writer is alive (a low-water mark): block 9
still being written holds back block 10 even when 10 finished first, so a cursor never passes
a change that is still committing. A block left open by a writer that died (same host and its
pid gone, or open longer than STALE_AFTER) is read with every entry checked against the stamps
on the articles (`seq` on an article and its archived versions, on each event), see
crawler/export/feed.py.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pymongo.errors import DuplicateKeyError

from crawler.project.process import pid_alive

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pymongo.collection import Collection
    from pymongo.database import Database

LOG = "archive_log"
COUNTER = "archive_sequence"
COUNTER_ID = "archive"
#: Digits of a block `_id` (text order = number order up to 10^15 changes).
DIGITS = 15
#: Kinds of entries: a new article, a new version of one, an article taken down, one that came back.
NEW, VERSION, GONE, RESTORED = "new", "version", "gone", "restored"
KINDS = (NEW, VERSION, GONE, RESTORED)
#: An open block older than this is taken as abandoned even when its writer cannot be checked
#: (another host): every store operation is bounded by MONGO_TIMEOUT_MS (2 min), a write step
#: makes a handful of them.
STALE_AFTER = timedelta(hours=1)


def block_id(start: int) -> str:
    """The `_id` of the block that starts at sequence number start."""
    return f"{start:0{DIGITS}d}"


@dataclass(slots=True)
class Entry:
    """One change as the store records it (what the log lists for one sequence number)."""

    kind: str
    article: str
    site: str | None
    version: int
    at: datetime | None
    #: Set on entries of migrated archives that describe history from before numbering (not fed).
    legacy: bool = False

    def document(self) -> dict[str, Any]:
        """As stored in a block."""
        doc: dict[str, Any] = {"k": self.kind, "a": self.article, "s": self.site, "v": self.version}
        doc["t"] = self.at
        if self.legacy:
            doc["l"] = True
        return doc

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Entry:
        """Read back from a block."""
        return cls(doc["k"], doc["a"], doc.get("s"), int(doc.get("v") or 1), doc.get("t"), bool(doc.get("l")))


@dataclass(slots=True)
class Block:
    """A block of the log as read: its numbers, entries, and whether it is complete."""

    start: int
    entries: list[Entry]
    state: str
    void: set[int] = field(default_factory=set)
    owner: dict[str, Any] = field(default_factory=dict)
    opened_at: datetime | None = None

    @property
    def end(self) -> int:
        """The last sequence number of the block."""
        return self.start + len(self.entries) - 1

    @property
    def done(self) -> bool:
        """Complete: every entry not in `void` was written."""
        return self.state == "done"

    def numbered(self) -> Iterator[tuple[int, Entry]]:
        """(sequence number, entry) for every entry not known to be void."""
        for offset, entry in enumerate(self.entries):
            if offset not in self.void:
                yield self.start + offset, entry

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Block:
        """Read a stored block."""
        return cls(
            start=int(doc["_id"]),
            entries=[Entry.from_document(e) for e in doc.get("entries") or []],
            state=doc.get("state", "open"),
            void={int(i) for i in doc.get("void") or []},
            owner=doc.get("owner") or {},
            opened_at=doc.get("at"),
        )


def _owner() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid()}


def abandoned(block: Block, now: datetime | None = None) -> bool:
    """True when an open block's writer is gone: same host and pid not running, or open too long."""
    if block.done:
        return False
    now = now or datetime.now(UTC)
    if block.opened_at is not None and now - block.opened_at > STALE_AFTER:
        return True
    owner = block.owner
    if owner.get("host") == socket.gethostname() and isinstance(owner.get("pid"), int):
        return owner["pid"] != os.getpid() and not pid_alive(owner["pid"])
    return False


class ChangeLog:
    """Claim, complete and read blocks of the archive sequence in one database."""

    def __init__(self, db: Database[dict[str, Any]]) -> None:
        self.log: Collection[dict[str, Any]] = db[LOG]
        self.counter: Collection[dict[str, Any]] = db[COUNTER]
        from crawler.store.articles import COLLECTION, VERSIONS  # articles.py writes through this module

        self.articles: Collection[dict[str, Any]] = db[COLLECTION]
        self.versions: Collection[dict[str, Any]] = db[VERSIONS]

    # The counter --------------------------------------------------------------------------

    def _counter(self, *, create: bool = True) -> dict[str, Any]:
        """The counter document; created on first use by writers (with the archive's identity for cursors).

        Readers (create=False: pages, `changes`) never write: without a counter they see an empty chain.
        """
        doc = self.counter.find_one({"_id": COUNTER_ID})
        if doc is None and create:
            now = datetime.now(UTC)
            doc = {"_id": COUNTER_ID, "next": 1, "archive": uuid.uuid4().hex, "created_at": now}
            if self.articles.find_one({}, {"_id": 1}) is None:
                doc.update(backfilled_at=now, backfilled=0)  # a new archive: nothing to number
            with contextlib.suppress(DuplicateKeyError):  # created by another writer just now
                self.counter.insert_one(doc)
            doc = self.counter.find_one({"_id": COUNTER_ID})
        return doc or {}

    def archive_id(self) -> str:
        """A random name given to this archive's sequence when it began (cursors check it)."""
        return str(self._counter().get("archive", ""))

    def counter_state(self) -> dict[str, Any]:
        """The counter document as stored (next number hint, backfill marks); {} before any write."""
        return self._counter(create=False)

    def mark(self, **fields: Any) -> None:
        """Record facts on the counter document (e.g. that the backfill ran)."""
        self._counter()
        self.counter.update_one({"_id": COUNTER_ID}, {"$set": fields})

    # Writing ------------------------------------------------------------------------------

    def claim(self, entries: list[Entry]) -> int:
        """Insert an open block for the entries at the end of the chain; returns its first number."""
        if not entries:
            raise ValueError("a block needs at least one entry")
        start = max(1, int(self._counter().get("next") or 1))
        doc = {
            "entries": [e.document() for e in entries],
            "state": "open",
            "owner": _owner(),
            "at": datetime.now(UTC),
        }
        while True:
            try:
                self.log.insert_one({"_id": block_id(start), **doc})
                break
            except DuplicateKeyError:
                taken = self.log.find_one({"_id": block_id(start)}, {"entries": 1}) or {}
                start += max(1, len(taken.get("entries") or []))
        end = start + len(entries) - 1
        self.counter.update_one({"_id": COUNTER_ID}, {"$max": {"next": end + 1}})
        return start

    def complete(self, start: int, void: list[int] | set[int] | tuple[int, ...] = ()) -> None:
        """Mark a block written; void: offsets of entries whose change was not stored."""
        self.log.update_one({"_id": block_id(start)}, {"$set": {"state": "done", "void": sorted(void)}})

    # Reading ------------------------------------------------------------------------------

    def block(self, start: int) -> Block | None:
        """The block starting at start, or None (the end of the chain)."""
        doc = self.log.find_one({"_id": block_id(start)})
        return None if doc is None else Block.from_document(doc)

    def blocks(self, after: int = 0, *, upto: int | None = None, scan: bool = False) -> Iterator[Block]:
        """Complete blocks with numbers above `after`, in order, up to the low-water mark.

        Stops at the end of the chain, at the first block still being written by a live writer
        (a later block is never read before an earlier one completes), or past `upto` (the
        chain's end when the walk began, so a walk during a busy crawl ends). Abandoned blocks
        are yielded as they are (state open): their entries must be checked against the store.

        The chain is walked by `_id` lookups, one per block (a delta costs its own size); with
        scan=True it is read by one range query instead, which on FerretDB scans the whole log
        but beats a lookup per block when most of the log is wanted (`changes`, health pages:
        5.2 s against 12 s for 1,022 blocks, bench/feeds.py).
        """
        if upto is None:
            upto = self.high()
        start = after + 1
        docs = iter(self.log.find({"_id": {"$gte": block_id(start)}}).sort("_id", 1)) if scan else None
        while start <= upto:
            if docs is None:
                block = self.block(start)
            else:
                doc = next(docs, None)
                block = None if doc is None else Block.from_document(doc)
                if block is not None and block.start != start:
                    return  # claimed after the query began: the next read gets it
            if block is None:
                return
            if not block.done and not abandoned(block):
                return
            yield block
            start = block.end + 1

    def high(self) -> int:
        """The last number handed out (as far as the counter knows, then following the chain)."""
        start = max(1, int(self._counter(create=False).get("next") or 1))
        while (taken := self.log.find_one({"_id": block_id(start)}, {"entries": 1})) is not None:
            start += max(1, len(taken.get("entries") or []))
        return start - 1

    # Checking entries against the store ------------------------------------------------------

    def article(self, key: str) -> dict[str, Any] | None:
        """The stored article (whole), by `_id`."""
        return self.articles.find_one({"_id": key})

    def stored_change(self, seq: int, entry: Entry, article: dict[str, Any] | None) -> dict[str, Any] | None:
        """What change `seq` stored, or None when it was not stored (a void entry).

        new / version: the article as it was at that version (the article itself while it is
        current, else its copy in article_versions merged over it), stamped with `seq`.
        gone / restored: the event stamped with `seq` (the article passed in holds it).
        """
        if article is None:
            return None
        if entry.kind in (GONE, RESTORED):
            for event in article.get("events") or []:
                if isinstance(event, dict) and event.get("seq") == seq:
                    return event
            return None
        if article.get("seq") == seq:
            return article
        if int(article.get("version") or 1) > entry.version:
            archived = self.versions.find_one({"_id": f"{entry.article}@v{entry.version}"})
            if archived is not None and archived.get("seq") == seq:
                return {**article, **archived, "_id": article["_id"], "version": entry.version}
        return None

    def void_entries(self, block: Block) -> set[int]:
        """Offsets of a block's entries whose change is not in the store (checked one by one)."""
        void = set(block.void)
        for offset, entry in enumerate(block.entries):
            if offset in void:
                continue
            if self.stored_change(block.start + offset, entry, self.article(entry.article)) is None:
                void.add(offset)
        return void
