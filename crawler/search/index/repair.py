"""Keeping the index true to the store: dead writers' intents repaired, drift found and resynced, rebuilds."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.derived.fields import fields_current
from crawler.project.process import pid_alive
from crawler.search.index.rows import CHECK_PROJECTION, PROJECTION, stored_version
from crawler.search.index.write import IndexWriter

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from pymongo.collection import Collection

logger = logging.getLogger(__name__)


@dataclass
class Drift:
    """How the index differs from the store (ids, at most `sample` of each kind kept)."""

    store: int = 0
    indexed: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    pending: int = 0
    #: Articles whose search fields are not those of their title and text (edited by another tool)
    #: or of today's rules: the store's fields need recomputing (`reindex`), not only the index.
    stale: int = 0
    stale_ids: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when the index answers exactly as the store would, and the store's fields are current."""
        return not (self.missing or self.extra or self.changed or self.pending or self.stale)


class IndexRepair(IndexWriter):
    """Repair, drift and rebuild, against the store's `articles` collection."""

    def orphaned_intents(self) -> list[str]:
        """Ids whose writer died between the store write and the index write (or before either)."""
        rows = self._conn.execute("SELECT id, host, pid FROM pending").fetchall()
        return sorted({key for key, host, pid in rows if host == self._host and not pid_alive(pid)})

    def repair(self, collection: Collection[dict[str, Any]]) -> int:
        """Index what the store holds for the intents of dead writers; returns how many ids."""
        keys = self.orphaned_intents()
        if not keys:
            return 0
        self.sync_ids(collection, keys)
        with self.transaction() as conn:
            conn.executemany(
                "DELETE FROM pending WHERE id = ? AND host = ? AND NOT pid = ?",
                [(key, self._host, os.getpid()) for key in keys],
            )
        logger.info("search index: repaired %d articles left by an interrupted write", len(keys))
        return len(keys)

    def sync_ids(self, collection: Collection[dict[str, Any]], ids: Iterable[str]) -> None:
        """Make these articles' entries match the store (one `_id` lookup each)."""
        found: list[dict[str, Any]] = []
        gone: list[str] = []
        for key in ids:
            doc = collection.find_one({"_id": key}, PROJECTION)
            if doc is None:
                gone.append(key)
            else:
                found.append(doc)
        self.put(found)
        self.remove(gone)

    def drift(self, collection: Collection[dict[str, Any]], *, sample: int = 20) -> tuple[Drift, list[str]]:
        """Compare with the store (one projected scan); returns the figures and every id to resync."""
        indexed = {
            key: (content_hash, state, version)
            for key, content_hash, state, version in self._conn.execute(
                "SELECT id, content_hash, state, terms_version FROM docs"
            )
        }
        report = Drift(indexed=len(indexed), pending=len(self.orphaned_intents()))
        resync: list[str] = []
        seen: set[str] = set()
        with collection.find({}, CHECK_PROJECTION, batch_size=5000) as cursor:
            for doc in cursor:
                key = doc["_id"]
                report.store += 1
                seen.add(key)
                if not fields_current(doc):
                    report.stale += 1
                    if len(report.stale_ids) < sample:
                        report.stale_ids.append(key)
                known = indexed.get(key)
                if known is None:
                    kind = report.missing
                elif known != (doc.get("content_hash"), doc.get("state") or "live", stored_version(doc)):
                    kind = report.changed
                else:
                    continue
                resync.append(key)
                if len(kind) < sample:
                    kind.append(key)
        for key in indexed:
            if key not in seen:
                resync.append(key)
                if len(report.extra) < sample:
                    report.extra.append(key)
        return report, resync

    def rebuild(
        self,
        collection: Collection[dict[str, Any]],
        *,
        batch: int = 500,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Rebuild from the store (one projected scan); returns how many articles."""
        with self.transaction():
            self._reset()
        done = 0
        docs: list[dict[str, Any]] = []
        with collection.find({}, PROJECTION, batch_size=batch) as cursor:
            for doc in cursor:
                docs.append(doc)
                if len(docs) >= batch:
                    done += self.put(docs)
                    docs = []
                    if progress is not None:
                        progress(done)
        done += self.put(docs)
        with self.transaction() as conn:
            conn.execute("INSERT INTO terms(terms) VALUES ('optimize')")
            conn.execute("INSERT INTO phrases(phrases) VALUES ('optimize')")
            self._set_meta("complete", "1")
            self._set_meta("built_at", datetime.now(UTC).isoformat())
        return done

    def bring_up_to_date(
        self,
        collection: Collection[dict[str, Any]],
        *,
        everything: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> tuple[str, int]:
        """What `newsarchive reindex` does: rebuild ("rebuilt", n) or resync what drifted ("synced", n)."""
        if everything or not self.complete:
            return "rebuilt", self.rebuild(collection, progress=progress)
        self.repair(collection)
        _, resync = self.drift(collection)
        self.sync_ids(collection, resync)
        return "synced", len(resync)
