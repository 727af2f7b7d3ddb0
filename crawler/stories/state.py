"""Where the clustering's state lives: a SQLite file beside the local database, or MongoDB collections.

On the local FerretDB every filter but `{_id: value}` is a full scan and each lookup costs
~0.6 ms, so 32 band lookups per article would cost the crawl ~20 ms an article; the state is
then a SQLite file next to the local search index (WAL: every local crawl shares it, and it
survives restarts), which also keeps each article's story, site, date and URL so that
`reprints` and the article page never scan the store. On MongoDB (crawls on several
machines) the state is two collections, `story_bands` and `stories`, read with one `$in`
each, and the copies of a story are found through the `story` index of `articles`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, suppress
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bson import Binary
from pymongo import ASCENDING, IndexModel, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from crawler.derived.signature import SIGNATURE_VERSION, Signature
from crawler.search.index import immediate, open_shared
from crawler.store.articles import MAX_UPDATE_BATCH

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from pymongo.database import Database

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bands(key TEXT NOT NULL, story TEXT NOT NULL, PRIMARY KEY(key, story))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stories(story TEXT PRIMARY KEY, signature BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS copies(
    id TEXT PRIMARY KEY, story TEXT NOT NULL, site TEXT, published INTEGER, url TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS copies_story ON copies(story);
"""


def _millis(moment: Any) -> int | None:
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _moment(millis: int | None) -> datetime | None:
    return None if millis is None else _EPOCH + timedelta(milliseconds=millis)


def copy_row(doc: dict[str, Any]) -> dict[str, Any]:
    """What a listing shows of a copy: its id, URL, site and publication time."""
    return {
        "_id": doc.get("_id"),
        "url": doc.get("url"),
        "site": doc.get("site"),
        "published_at": doc.get("published_at"),
    }


class LocalStories:
    """The state in one SQLite file (bands, story signatures, and every article's story)."""

    def __init__(self, path: Path) -> None:
        """Open (creating) the file at path."""
        self.path = path
        self._conn = open_shared(path, SCHEMA)
        with self.transaction():
            found = self._conn.execute("SELECT value FROM meta WHERE key = 'signature_version'").fetchone()
            if found is None:
                self._conn.execute(
                    "INSERT INTO meta(key, value) VALUES ('signature_version', ?)", (str(SIGNATURE_VERSION),)
                )

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction taken at once, so that concurrent crawls queue."""
        return immediate(self._conn)

    def reset(self) -> None:
        """Forget every band, story and copy (before a backfill of every article)."""
        with self.transaction() as conn:
            for table in ("bands", "stories", "copies"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608  (fixed names)

    # StoryState ---------------------------------------------------------------------------------

    def stories_of_bands(self, keys: list[str]) -> dict[str, list[str]]:
        """The stories holding each band key."""
        found: dict[str, list[str]] = {}
        sql = f"SELECT key, story FROM bands WHERE key IN ({', '.join('?' * len(keys))})"  # noqa: S608
        for key, story in self._conn.execute(sql, keys):
            found.setdefault(key, []).append(story)
        return found

    def signatures(self, stories: list[str]) -> dict[str, Signature]:
        """The first copy's signature of each story."""
        sql = f"SELECT story, signature FROM stories WHERE story IN ({', '.join('?' * len(stories))})"  # noqa: S608
        found = {}
        for story, data in self._conn.execute(sql, stories):
            if (signature := Signature.from_bytes(data)) is not None:
                found[story] = signature
        return found

    def add(self, story: str, signature: Signature, keys: list[str], *, new: bool) -> None:
        """Record band keys under a story (inside the caller's transaction)."""
        if new:
            self._conn.execute(
                "INSERT OR IGNORE INTO stories(story, signature) VALUES (?, ?)", (story, signature.to_bytes())
            )
        self._conn.executemany(
            "INSERT OR IGNORE INTO bands(key, story) VALUES (?, ?)", [(k, story) for k in keys]
        )

    # Copies ---------------------------------------------------------------------------------------

    def record(self, docs: Iterable[dict[str, Any]]) -> None:
        """Remember each article's story, site, date and URL (inside the caller's transaction)."""
        self._conn.executemany(
            "INSERT OR REPLACE INTO copies(id, story, site, published, url) VALUES (?, ?, ?, ?, ?)",
            [
                (doc["_id"], doc["story"], doc.get("site"), _millis(doc.get("published_at")), doc.get("url"))
                for doc in docs
                if isinstance(doc.get("story"), str)
            ],
        )

    def story_of(self, article_id: str) -> str | None:
        """The recorded story of an article."""
        found = self._conn.execute("SELECT story FROM copies WHERE id = ?", (article_id,)).fetchone()
        return found[0] if found else None

    def known(self, ids: list[str]) -> set[str]:
        """Which of these articles have a recorded story."""
        sql = f"SELECT id FROM copies WHERE id IN ({', '.join('?' * len(ids))})"  # noqa: S608
        return {key for (key,) in self._conn.execute(sql, ids)}

    def copies(self, story: str) -> list[dict[str, Any]]:
        """Every copy of a story, first published first (undated last)."""
        sql = "SELECT id, url, site, published FROM copies WHERE story = ?"
        rows = [
            {"_id": key, "url": url, "site": site, "published_at": _moment(published)}
            for key, url, site, published in self._conn.execute(sql, (story,))
        ]
        return sorted(rows, key=first_key)

    def reprinted(
        self, *, sites: list[str] | None = None, since: datetime | None = None
    ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """Stories with two copies or more (one of them on a site of `sites`, published since)."""
        conds: list[str] = []
        params: list[str | int | None] = []
        if sites:
            conds.append(f"site IN ({', '.join('?' * len(sites))})")
            params.extend(sites)
        if since is not None:
            conds.append("published >= ?")
            params.append(_millis(since))
        where = f"WHERE {' AND '.join(conds)}" if conds else ""
        sql = (
            "SELECT c.story, c.id, c.url, c.site, c.published FROM copies c WHERE c.story IN ("  # noqa: S608
            f"SELECT story FROM copies {where} GROUP BY story) AND c.story IN ("
            "SELECT story FROM copies GROUP BY story HAVING count(*) > 1) ORDER BY c.story"
        )
        yield from _grouped(self._conn.execute(sql, params))

    def size(self) -> tuple[int, int]:
        """(articles with a story, distinct stories)."""
        return self._conn.execute("SELECT count(*), count(DISTINCT story) FROM copies").fetchone()


def _grouped(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    story: str | None = None
    group: list[dict[str, Any]] = []
    for row_story, key, url, site, published in rows:
        if row_story != story and group and story is not None:
            yield story, sorted(group, key=first_key)
            group = []
        story = row_story
        group.append({"_id": key, "url": url, "site": site, "published_at": _moment(published)})
    if group and story is not None:
        yield story, sorted(group, key=first_key)


def first_key(copy: dict[str, Any]) -> tuple[bool, datetime, str]:
    """Order of copies: earliest publication first, undated last, then by id."""
    when = copy.get("published_at")
    if not isinstance(when, datetime):
        return (True, datetime.max.replace(tzinfo=UTC), str(copy.get("_id")))
    return (False, when if when.tzinfo else when.replace(tzinfo=UTC), str(copy.get("_id")))


class RemoteStories:
    """The state in MongoDB collections, shared by crawls on every machine."""

    def __init__(self, db: Database[dict[str, Any]], *, ferretdb: bool) -> None:
        """Use db's `story_bands` and `stories`; on FerretDB, look keys up one `_id` at a time."""
        self.db = db
        self.bands = db["story_bands"]
        self.stories = db["stories"]
        self.ferretdb = ferretdb

    def ensure_indexes(self) -> None:
        """The `story` index of articles (copies of a story)."""
        from crawler.store.articles import ensure_indexes

        ensure_indexes(self.db["articles"], [IndexModel([("story", ASCENDING)], name="story")])

    def reset(self) -> None:
        """Forget every band and story signature (before a backfill of every article)."""
        self.bands.drop()
        self.stories.drop()

    def _by_ids(self, collection: Any, ids: list[str]) -> list[dict[str, Any]]:
        if not ids:
            return []
        if self.ferretdb:  # `$in` on _id is a full scan there
            found = (collection.find_one({"_id": key}) for key in ids)
            return [doc for doc in found if doc is not None]
        return list(collection.find({"_id": {"$in": ids}}))

    def stories_of_bands(self, keys: list[str]) -> dict[str, list[str]]:
        """The stories holding each band key."""
        return {
            doc["_id"]: [s for s in doc.get("stories", []) if isinstance(s, str)]
            for doc in self._by_ids(self.bands, keys)
        }

    def signatures(self, stories: list[str]) -> dict[str, Signature]:
        """The first copy's signature of each story."""
        found = {}
        for doc in self._by_ids(self.stories, stories):
            data = doc.get("signature")
            if isinstance(data, bytes) and (signature := Signature.from_bytes(data)) is not None:
                found[doc["_id"]] = signature
        return found

    def add(self, story: str, signature: Signature, keys: list[str], *, new: bool) -> None:
        """Insert-first: new band keys are inserted, keys another story holds get this one added."""
        if new:
            with suppress(DuplicateKeyError):
                self.stories.insert_one({"_id": story, "signature": Binary(signature.to_bytes())})
        if not keys:
            return
        taken: list[str] = []
        try:
            self.bands.insert_many([{"_id": key, "stories": [story]} for key in keys], ordered=False)
        except BulkWriteError as exc:
            taken = [keys[e["index"]] for e in exc.details.get("writeErrors", []) if e.get("code") == 11000]
        for start in range(0, len(taken), MAX_UPDATE_BATCH):
            chunk = taken[start : start + MAX_UPDATE_BATCH]
            self.bands.bulk_write([UpdateOne({"_id": k}, {"$addToSet": {"stories": story}}) for k in chunk])

    def copies(self, story: str) -> list[dict[str, Any]]:
        """Every copy of a story (the `story` index), first published first."""
        projection = {"_id": 1, "url": 1, "site": 1, "published_at": 1}
        return sorted(
            (copy_row(d) for d in self.db["articles"].find({"story": {"$eq": story}}, projection)),
            key=first_key,
        )
