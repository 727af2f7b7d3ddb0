"""What the archive already holds for a site, loaded with one projected scan at the start of a crawl.

The store decides new / changed / unchanged from it, the incremental middleware decides what
is due for a revisit, and the WARC writer finds earlier captures for revisit records, all
without one database query per page (a full scan each on the local FerretDB).

It lives in a scratch SQLite file (crawler/store/scratch.py: var/index/, removed when the
index is closed or its process is gone), not in the crawl's memory: held in dicts it cost ~1.2 KB per
stored article, 120 MB at 100k articles (docs/performance.md "Memory"). SQLite keeps a
bounded page cache (`scratch.CACHE_KIB`); a lookup by primary key costs microseconds. The file is
rebuilt from the store at every start, so it never disagrees with the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import bson
from bson.codec_options import CodecOptions

from crawler.extract.urls import DEFAULT_RULES, UrlRules
from crawler.store.scratch import ScratchFile

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterator
    from pathlib import Path

    from pymongo.collection import Collection

#: The fields loaded for every stored article of the site.
PROJECTION = {
    "content_hash": 1,
    "url": 1,
    "state": 1,
    "published_at": 1,
    "last_seen": 1,
    "etag": 1,
    "last_modified": 1,
    "version": 1,
    "warc": 1,
    "page_urls": 1,
    "missing_pages": 1,
}

#: Writes per transaction (the file is scratch: no journal, no fsync; a commit is cheap but not free).
COMMIT_EVERY = 500
#: Articles read per query when iterating.
PAGE = 500

_CODEC: CodecOptions[dict[str, Any]] = CodecOptions(tz_aware=True)
SCHEMA = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, url TEXT NOT NULL, state TEXT NOT NULL,
    published_at TEXT, last_seen TEXT, etag TEXT, last_modified TEXT, version INTEGER NOT NULL,
    pages INTEGER NOT NULL, incomplete INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE urls (url TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE folded (url TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE captures (url TEXT PRIMARY KEY, record BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE skipped (id TEXT PRIMARY KEY) WITHOUT ROWID;
"""
_SELECT = (
    "SELECT id, content_hash, url, state, published_at, last_seen, etag, last_modified, version, "
    "pages, incomplete FROM articles"
)
_SELECT_JOINED = (
    "SELECT a.id, a.content_hash, a.url, a.state, a.published_at, a.last_seen, a.etag, "
    "a.last_modified, a.version, a.pages, a.incomplete FROM "
)
_SELECT_BY_URL = _SELECT_JOINED + "urls u JOIN articles a ON a.id = u.id WHERE u.url = ?"
_SELECT_BY_FOLDED = _SELECT_JOINED + "folded u JOIN articles a ON a.id = u.id WHERE u.url = ?"
_UPSERT = (
    "INSERT INTO articles (id, content_hash, url, state, published_at, last_seen, etag, "
    "last_modified, version, pages, incomplete) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(id) DO UPDATE SET content_hash=excluded.content_hash, url=excluded.url, "
    "state=excluded.state, published_at=excluded.published_at, last_seen=excluded.last_seen, "
    "etag=excluded.etag, last_modified=excluded.last_modified, version=excluded.version, "
    "pages=excluded.pages, incomplete=excluded.incomplete"
)


@dataclass(slots=True)
class KnownArticle:
    """The facts about one stored article that a crawl needs."""

    id: str
    content_hash: str
    url: str
    state: str = "live"
    published_at: datetime | None = None
    last_seen: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    version: int = 1
    #: Pages of the stored version (a multi-page article is revisited whole, never by page 1's validators).
    pages: int = 1
    #: The stored version lacks pages that could not be fetched.
    incomplete: bool = False

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> KnownArticle:
        """From a stored document (or a document about to be stored)."""
        return cls(
            id=doc["_id"],
            content_hash=doc.get("content_hash", ""),
            url=doc.get("url") or doc["_id"],
            state=doc.get("state") or "live",
            published_at=doc.get("published_at"),
            last_seen=doc.get("last_seen"),
            etag=doc.get("etag"),
            last_modified=doc.get("last_modified"),
            version=doc.get("version") or 1,
            pages=len(doc.get("page_urls") or ()) or 1,
            incomplete=bool(doc.get("missing_pages")),
        )

    def _row(self) -> tuple[Any, ...]:
        return (
            self.id,
            self.content_hash,
            self.url,
            self.state,
            _when(self.published_at),
            _when(self.last_seen),
            self.etag,
            self.last_modified,
            self.version,
            self.pages,
            int(self.incomplete),
        )

    @classmethod
    def _from_row(cls, row: tuple[Any, ...]) -> KnownArticle:
        return cls(
            row[0],
            row[1],
            row[2],
            row[3],
            _parse_when(row[4]),
            _parse_when(row[5]),
            row[6],
            row[7],
            row[8],
            row[9],
            bool(row[10]),
        )


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def _parse_when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class ArchiveIndex:
    """Stored articles by `_id` and by every URL they were fetched under, plus their raw captures.

    Not thread-safe: used from the crawl (reactor) thread only, as the store is.
    """

    def __init__(self, where: Path | None = None, rules: UrlRules = DEFAULT_RULES) -> None:
        self._file = ScratchFile(SCHEMA, where, prefix="index-", commit_every=COMMIT_EVERY)
        #: How the site's URLs are normalised: every URL is looked up in that form.
        self.rules = rules

    @classmethod
    def load(
        cls, collection: Collection[dict[str, Any]], site: str | None = None, rules: UrlRules = DEFAULT_RULES
    ) -> ArchiveIndex:
        """One projected scan of the site's articles.

        Every URL is registered in today's normalised form, whatever form the article's key has:
        an archive stored under older rules is found under the URLs its pages are fetched by now.
        """
        index = cls(rules=rules)
        for doc in collection.find({} if site is None else {"site": site}, PROJECTION):
            index.remember(doc)
        index.commit()
        return index

    @property
    def path(self) -> Path | None:
        """The SQLite file (None until something was remembered, and after close())."""
        return self._file.path

    @property
    def _db(self) -> sqlite3.Connection | None:
        return self._file.opened

    def _open(self) -> sqlite3.Connection:
        return self._file.open()

    def commit(self) -> None:
        """End the current batch of writes (reads see them before as well)."""
        self._file.commit()

    def close(self) -> None:
        """Drop the file; the index is empty afterwards."""
        self._file.close()

    # The API -------------------------------------------------------------------------------

    def __len__(self) -> int:
        if self._db is None:
            return 0
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def __iter__(self) -> Iterator[KnownArticle]:
        """Every article, read a page at a time by `_id` (articles remembered meanwhile may show up)."""
        last = ""
        while self._db is not None:
            rows = self._db.execute(_SELECT + " WHERE id > ? ORDER BY id LIMIT ?", (last, PAGE)).fetchall()
            if not rows:
                return
            yield from (KnownArticle._from_row(row) for row in rows)
            last = rows[-1][0]

    def remember(self, doc: dict[str, Any]) -> KnownArticle:
        """Record a stored (or about to be stored) document."""
        known = KnownArticle.from_document(doc)
        db = self._open()
        db.execute(_UPSERT, known._row())
        normalize = self.rules.normalize
        urls = {(normalize(known.id), known.id), (normalize(known.url), known.id)}
        db.executemany("INSERT OR REPLACE INTO urls (url, id) VALUES (?, ?)", urls)
        db.executemany(
            "INSERT OR IGNORE INTO folded (url, id) VALUES (?, ?)", {(url.lower(), id_) for url, id_ in urls}
        )
        captures = [
            (normalize(record["url"]), bson.encode(record))
            for record in doc.get("warc") or ()
            if record.get("url")
        ]
        if captures:
            db.executemany("INSERT OR REPLACE INTO captures (url, record) VALUES (?, ?)", captures)
        self._file.wrote(1 + len(captures))
        return known

    def save(self, known: KnownArticle) -> None:
        """Keep a changed KnownArticle (the objects handed out are copies)."""
        self._open().execute(_UPSERT, known._row())
        self._file.wrote()

    def get(self, article_id: str) -> KnownArticle | None:
        """By `_id` (canonical URL)."""
        if self._db is None:
            return None
        row = self._db.execute(_SELECT + " WHERE id = ?", (article_id,)).fetchone()
        return KnownArticle._from_row(row) if row else None

    def find_url(self, url: str) -> KnownArticle | None:
        """By any URL the article was fetched under (normalised), or its canonical URL."""
        if self._db is None:
            return None
        row = self._db.execute(_SELECT_BY_URL, (self.rules.normalize(url),)).fetchone()
        return KnownArticle._from_row(row) if row else None

    def find_folded(self, url: str) -> KnownArticle | None:
        """An article stored under this URL in another letter case (evidence of a case-insensitive server)."""
        if self._db is None:
            return None
        row = self._db.execute(_SELECT_BY_FOLDED, (self.rules.normalize(url).lower(),)).fetchone()
        return KnownArticle._from_row(row) if row else None

    def first_skip(self, article_id: str) -> bool:
        """True the first time this crawl skips an archived article: summaries count articles, not links."""
        cursor = self._open().execute("INSERT OR IGNORE INTO skipped (id) VALUES (?)", (article_id,))
        self._file.wrote()
        return cursor.rowcount == 1

    def oldest_published(self) -> datetime | None:
        """The publication date of the oldest article held (how far back the history reaches)."""
        if self._db is None:
            return None
        rows = self._db.execute("SELECT published_at FROM articles WHERE published_at IS NOT NULL")
        dates = (_parse_when(row[0]) for row in rows)
        # a date stored without its zone (by other tools) is UTC, as the store writes them
        return min((d if d.tzinfo else d.replace(tzinfo=UTC) for d in dates if d is not None), default=None)

    def capture(self, url: str) -> dict[str, Any] | None:
        """The WARC record of the last archived response for this URL (for revisit records)."""
        if self._db is None:
            return None
        query = "SELECT record FROM captures WHERE url = ?"
        row = self._db.execute(query, (self.rules.normalize(url),)).fetchone()
        return bson.decode(row[0], _CODEC) if row else None

    def record_capture(self, url: str, record: dict[str, Any]) -> None:
        """Remember a capture written during this crawl."""
        row = (self.rules.normalize(url), bson.encode(record))
        self._open().execute("INSERT OR REPLACE INTO captures (url, record) VALUES (?, ?)", row)
        self._file.wrote()
