"""The local search index: SQLite (FTS5) beside the local FerretDB, answering search in milliseconds.

FerretDB 1.24 pushes down only `{_id: value}`; every other filter is a full scan (~1,000 full
articles/s), so a search of 100,000 articles took ~100 s. This derived index holds, per article,
what search, paging, counting and `stats` read, and answers with ids; the articles themselves
are then fetched by `_id` (the one indexed lookup FerretDB has). It mirrors the *stored*
fields exactly (`terms`, `title_simplified`, `text_simplified`, `site`...), so its answers are
those of the full scan (tests compare them).

* `docs`: one row per article (site, date, source, section, state, content hash, counts for
  stats), ordered indexes for date order and per-site paging.
* `terms` (FTS5, contentless, detail=none): the stored `terms` as hex tokens (exact matching of
  any term, punctuation included), plus per term a title mark `<hex>t` and a count token
  `<hex>n<count>` from which relevance is computed in SQL (the same score as ranking.score).
* `phrases` (FTS5 trigram, contentless): the simplified title and text, for quoted phrases.
* `pending`: the write-ahead intents of flushes under way. A writer records the ids it is
  about to store, writes the store, then indexes them and clears its intents in one
  transaction; intents of a process that died in between are repaired from the store.

An article whose content changes gets a new rowid; the old FTS rows stay as unreachable
garbage (contentless FTS5 cannot delete without the old tokens) until `newsarchive reindex
--all` rebuilds the file. Several local processes may write at once (WAL, busy timeout,
`BEGIN IMMEDIATE`); the file must be on a local disk of the machine that runs FerretDB.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import math
import os
import re
import socket
import sqlite3
import time
import uuid
import zlib
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ahocorasick
from pymongo.errors import DuplicateKeyError

from crawler.derived.fields import TERMS_VERSION, fields_current
from crawler.derived.terms import to_simplified
from crawler.project.process import pid_alive
from crawler.project.workdir import private_tree, var_dir
from crawler.search.ranking import add_needle, descending_key, score
from crawler.search.trends import DAY_MS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    import numpy as np
    from pymongo.collection import Collection
    from pymongo.database import Database

    from crawler.search.query import SearchQuery

logger = logging.getLogger(__name__)

#: Bump when the layout or the token rules change: an index of another version is rebuilt.
INDEX_VERSION = 2
#: Where index files go (one per database); default var/search.
FOLDER_ENV = "NEWSARCHIVE_SEARCH_INDEX"
#: "auto" (the local index on FerretDB, MongoDB's own indexes elsewhere) or "off".
MODE_ENV = "NEWSARCHIVE_SEARCH_INDEX_MODE"
#: The store document that names this database's index file (survives port changes; a
#: recreated database gets a new name, so an old index is never taken for it).
META_COLLECTION = "archive_meta"
META_ID = "search_index"
#: Stored fields the index reads.
PROJECTION = {
    "_id": 1,
    "site": 1,
    "published_at": 1,
    "source": 1,
    "section": 1,
    "authors": 1,
    "state": 1,
    "content_hash": 1,
    "terms": 1,
    "terms_version": 1,
    "title": 1,
    "text": 1,
    "title_simplified": 1,
    "text_simplified": 1,
    "url": 1,
    "language": 1,
}
#: The fields of a search result, in this order (absent ones are None), on every path: what a
#: result row and its snippet need, kept in the index so a page never reads the store.
RESULT_FIELDS = (
    "_id",
    "url",
    "site",
    "title",
    "text",
    "authors",
    "source",
    "section",
    "published_at",
    "language",
    "state",
)
#: Result fields kept in a row's compressed data (the others are columns of `docs`).
_STORED_RESULT_FIELDS = ("url", "site", "title", "text", "authors", "source", "section", "language")
#: What a drift check reads from the store (title and text: are the search fields still theirs?).
CHECK_PROJECTION = {
    "_id": 1,
    "content_hash": 1,
    "state": 1,
    "terms_version": 1,
    "terms_source": 1,
    "title": 1,
    "text": 1,
}
#: Appended to each phrase column: every substring, even at the end, starts a trigram.
_SENTINEL = "\x01\x01"
#: Not whitespace in the sense of the stats' `\S` regex on the server (Go RE2 / PCRE: ASCII).
_NOT_BLANK = re.compile(r"[^\t\n\v\f\r ]")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: An undated article in the column arrays of day_counts.
_UNDATED = -(2**63)
#: Writers wait this long for another writer's transaction (several local crawls at once).
BUSY_TIMEOUT_S = 60.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    site TEXT,
    published INTEGER,
    source TEXT,
    section TEXT,
    state TEXT,
    content_hash TEXT,
    terms_version INTEGER,
    authors INTEGER NOT NULL DEFAULT 0,
    text_chars INTEGER NOT NULL DEFAULT 0,
    text_blank INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS docs_published ON docs(published DESC, id);
CREATE INDEX IF NOT EXISTS docs_site ON docs(site, published DESC, id);
CREATE TABLE IF NOT EXISTS authors(author TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(author, doc))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS authors_doc ON authors(doc);
CREATE TABLE IF NOT EXISTS rows(doc INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS terms USING fts5(tokens, tokenize='ascii', content='', detail=none);
DROP TABLE IF EXISTS terms_vocab;
CREATE VIRTUAL TABLE IF NOT EXISTS terms_rows USING fts5vocab(terms, 'row');
CREATE VIRTUAL TABLE IF NOT EXISTS phrases USING fts5(title, text, tokenize='trigram', content='');
CREATE VIRTUAL TABLE IF NOT EXISTS phrases_vocab USING fts5vocab(phrases, 'row');
CREATE TABLE IF NOT EXISTS pending(
    id TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, since REAL NOT NULL,
    PRIMARY KEY(id, host, pid)
) WITHOUT ROWID;
"""


def _hex(term: str) -> str:
    return term.encode("utf-8").hex()


def to_millis(moment: datetime) -> int:
    """Milliseconds since the epoch as BSON stores a date (microseconds truncated, as pymongo does)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def from_millis(value: int) -> datetime:
    """The UTC datetime of a stored millisecond count."""
    return _EPOCH + timedelta(milliseconds=value)


def occurrence_counts(text: str, terms: Iterable[str]) -> dict[str, int]:
    """``text.count(term)`` for each of the hundreds of non-empty terms of one article, in one pass.

    An Aho-Corasick automaton of the terms finds every occurrence of every term (overlapping
    ones too) in one walk of the text; each term then counts its occurrences left to right,
    skipping those that overlap its last counted one: what ``str.count`` counts. One-character
    terms are left to ``str.count`` (they would be most of the matches). ~4x less CPU than a
    scan per term on the eval pages' articles (profiled: 13 % of the crawl process).
    """
    counts: dict[str, int] = {}
    automaton = ahocorasick.Automaton()
    for term in terms:
        if len(term) == 1:
            counts[term] = text.count(term)
        elif term not in counts:
            counts[term] = 0
            automaton.add_word(term, term)
    if len(automaton) == 0:
        return counts
    automaton.make_automaton()
    free_from: dict[str, int] = {}
    for end, term in automaton.iter(text):
        start = end - len(term) + 1
        if start >= free_from.get(term, 0):
            counts[term] += 1
            free_from[term] = end + 1
    return counts


def term_tokens(doc: dict[str, Any]) -> str:
    """The `terms` row of an article: every stored term, its title mark and its body count.

    The marks carry the two parts of ranking.score for a term: found in the simplified title
    (`<hex>t`), and how often it occurs in the simplified text (`<hex>n<count>`, 0 included).
    """
    terms = doc.get("terms")
    if not isinstance(terms, list):
        return ""
    title = (doc.get("title_simplified") or to_simplified(doc.get("title") or "") or "").lower()
    text = (doc.get("text_simplified") or to_simplified(doc.get("text") or "") or "").lower()
    tokens: list[str] = []
    unique = list(dict.fromkeys(t for t in terms if isinstance(t, str) and t))
    counts = occurrence_counts(text, unique)
    for term in unique:
        code = _hex(term)
        tokens.append(code)
        if term in title:
            tokens.append(code + "t")
        tokens.append(f"{code}n{counts[term]}")
    return " ".join(tokens)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return list(dict.fromkeys(v for v in value if isinstance(v, str)))
    return []


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _version(doc: dict[str, Any]) -> int | None:
    value = doc.get("terms_version")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _fts_string(text: str) -> str:
    """An FTS5 string literal: user text is never query syntax."""
    return '"' + text.replace('"', '""') + '"'


def _part(title: bool, count: int) -> float:
    """One term's part of ranking.score: the title weight if it is in the title, log(1 + count)."""
    return add_needle(0.0, title, count)


def _recency(published: int | None) -> float:
    """The date part of a relevance order key: newer first, undated last."""
    return -math.inf if published is None else float(published)


def _phrase_columns(doc: dict[str, Any]) -> tuple[str, str]:
    """The `phrases` row of an article: its simplified title and text, each ending in the sentinel."""
    title = doc.get("title_simplified")
    body = doc.get("text_simplified")
    return (
        (title + _SENTINEL) if isinstance(title, str) else "",
        (body + _SENTINEL) if isinstance(body, str) else "",
    )


def pack(doc: dict[str, Any]) -> bytes:
    """An article's stored row, compressed JSON: result fields, terms, simplified title and text.

    The simplified copies are kept only when they differ from the title and text.

    Results and their snippets are read from here (never from the store); relevance of several
    terms is computed from it; the FTS rows are deleted with the tokens it reproduces.
    """
    data: dict[str, Any] = {name: doc[name] for name in _STORED_RESULT_FIELDS if name in doc}
    terms = doc.get("terms")
    data["terms"] = [t for t in terms if isinstance(t, str)] if isinstance(terms, list) else None
    for simplified, original in (("title_simplified", "title"), ("text_simplified", "text")):
        value = doc.get(simplified)
        if not (isinstance(value, str) and value == doc.get(original)):
            data[simplified] = value if isinstance(value, str) else None
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return zlib.compress(raw.encode("utf-8", "surrogatepass"), 6)


def unpack(blob: bytes) -> dict[str, Any]:
    """The dict pack() stored."""
    return json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))


def _text_source(data: dict[str, Any]) -> dict[str, Any]:
    """What term_tokens, ranking.score and _phrase_columns read, from a stored row."""
    terms = data.get("terms")
    return {
        "terms": terms if terms is not None else "",
        "title": data.get("title"),
        "text": data.get("text"),
        "title_simplified": data.get("title_simplified", data.get("title")),
        "text_simplified": data.get("text_simplified", data.get("text")),
    }


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


#: Relevance splits hits into 2^n title classes of n distinct marked terms; above, every hit is scored.
MAX_CLASS_TERMS = 6
#: The longest piece of a quoted phrase looked up as the stored term that bounds its part.
MAX_WITNESS_CHARS = 8


@dataclass(frozen=True)
class _Marked:
    """A needle's marked term: the needle's part of the score is read (or bounded) from its marks.

    `exact`: the marks are the needle's part (a term, or a phrase that is a stored term); else
    an upper bound. `counts`: the counts in the text present in the archive, most articles first.
    """

    code: str
    exact: bool
    counts: tuple[int, ...]


#: Above this share of the archive, a date-ordered page walks the date index instead of sorting hits.
DENSE_SHARE = 0.05


def open_shared(path: Path, schema: str) -> sqlite3.Connection:
    """An SQLite file that several local processes write: the local search index, the stories beside it.

    WAL and a busy timeout; autocommit outside `immediate()`. The schema's statements (`IF NOT
    EXISTS`) are run in one transaction.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    private_tree(path.parent)  # every article's text: owner-only, files of older versions too
    # created owner-only (SQLite gives its -wal/-shm these bits); an existing file is never opened
    # outside SQLite: closing such a descriptor drops this process's SQLite locks on it
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    with immediate(conn):
        for statement in schema.split(";"):
            if statement.strip():
                conn.execute(statement)
    return conn


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (BEGIN IMMEDIATE) so writers queue instead of failing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class SearchIndex:
    """One database's index file; open with `for_database`, or directly for tests and tools."""

    def __init__(self, path: Path) -> None:
        """Open (creating) the index file at path."""
        self.path = path
        self._conn = open_shared(path, SCHEMA)
        #: The column arrays of day_counts, with the file's change stamp they were read at.
        self._column_cache: tuple[tuple[int, int], tuple[list[Any], np.ndarray, np.ndarray]] | None = None
        with self.transaction():
            version = self.meta("index_version")
            if version is None:
                self._set_meta("index_version", str(INDEX_VERSION))
                self._set_meta("complete", "0")
            elif version != str(INDEX_VERSION):
                self._reset()
        self._host = socket.gethostname()

    # Opening ------------------------------------------------------------------------------

    @staticmethod
    def wanted(db: Database[dict[str, Any]]) -> bool:
        """True when this database should be served by a local index (FerretDB, mode not off)."""
        if os.environ.get(MODE_ENV, "auto").lower() in ("off", "0", "no", "false"):
            return False
        try:
            info = db.client.server_info()
        except Exception:
            return False
        return "ferretdbVersion" in info

    @staticmethod
    def folder() -> Path:
        """Where index files live: $NEWSARCHIVE_SEARCH_INDEX, else var/search."""
        configured = os.environ.get(FOLDER_ENV)
        return Path(configured) if configured else var_dir() / "search"

    @classmethod
    def path_for(cls, db: Database[dict[str, Any]], *, create: bool) -> Path | None:
        """The index file of db (named by an id stored in the database); None if it has none yet."""
        meta = db[META_COLLECTION]
        found = meta.find_one({"_id": META_ID})
        if found is None:
            if not create:
                return None
            with suppress(DuplicateKeyError):  # another process named it first
                meta.insert_one({"_id": META_ID, "name": uuid.uuid4().hex, "created_at": datetime.now(UTC)})
            found = meta.find_one({"_id": META_ID})
            if found is None:
                return None
        name = re.sub(r"[^0-9A-Za-z_-]", "", str(found.get("name", ""))) or "index"
        return cls.folder() / f"{db.name}-{name}.sqlite"

    @classmethod
    def for_database(cls, db: Database[dict[str, Any]], *, create: bool = False) -> SearchIndex | None:
        """The index of db, or None (not FerretDB, switched off, or never built and not to create)."""
        if not cls.wanted(db):
            return None
        path = cls.path_for(db, create=create)
        if path is None or (not create and not path.exists()):
            return None
        return cls(path)

    @classmethod
    def for_writer(cls, db: Database[dict[str, Any]]) -> SearchIndex | None:
        """The index a crawl keeps up to date as it writes.

        A new database gets a complete (empty) index at once. An archive stored before the index
        existed gets none until `newsarchive reindex` builds it: indexing only new articles would
        give an index that silently misses the old ones.
        """
        if not cls.wanted(db):
            return None
        index = cls.for_database(db, create=False)
        if index is not None:
            return index
        collection = db["articles"]
        if collection.find_one({}, {"_id": 1}) is not None:
            logger.warning(
                "this archive has no local search index yet: searches scan every article; "
                "run `newsarchive reindex` once to build it"
            )
            return None
        index = cls.for_database(db, create=True)
        if index is not None and not index.complete:
            index.mark_complete()
        return index

    def close(self) -> None:
        """Close the file."""
        self._conn.close()

    # Meta ---------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A stored fact about the index."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @property
    def complete(self) -> bool:
        """True when the index holds every article of its database (built empty, or reindexed)."""
        return self.meta("complete") == "1"

    def mark_complete(self) -> None:
        """Declare the index complete (after a build from the whole store)."""
        with self.transaction():
            self._set_meta("complete", "1")

    def __len__(self) -> int:
        return self._conn.execute("SELECT count(*) FROM docs").fetchone()[0]

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so writers queue instead of failing."""
        return immediate(self._conn)

    def _reset(self) -> None:
        for table in ("docs", "authors", "rows", "pending"):
            self._conn.execute(f"DELETE FROM {table}")  # noqa: S608  (fixed names)
        self._conn.execute("INSERT INTO terms(terms) VALUES ('delete-all')")
        self._conn.execute("INSERT INTO phrases(phrases) VALUES ('delete-all')")
        self._set_meta("index_version", str(INDEX_VERSION))
        self._set_meta("complete", "0")

    # Writing ------------------------------------------------------------------------------

    def begin(self, ids: Iterable[str]) -> list[str]:
        """Record the intent to store these articles (before the store write); returns the ids."""
        keys = list(dict.fromkeys(ids))
        if keys:
            now = time.time()
            with self.transaction() as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO pending(id, host, pid, since) VALUES (?, ?, ?, ?)",
                    [(key, self._host, os.getpid(), now) for key in keys],
                )
        return keys

    def commit(
        self,
        intent: list[str],
        docs: Iterable[dict[str, Any]] = (),
        states: dict[str, str] | None = None,
    ) -> None:
        """After the store write: index the written documents, set states, clear the intents."""
        with self.transaction() as conn:
            for doc in docs:
                self._put(conn, doc)
            for key, state in (states or {}).items():
                conn.execute("UPDATE docs SET state = ? WHERE id = ?", (state, key))
            conn.executemany(
                "DELETE FROM pending WHERE id = ? AND host = ? AND pid = ?",
                [(key, self._host, os.getpid()) for key in intent],
            )

    def put(self, docs: Iterable[dict[str, Any]]) -> int:
        """Index stored documents (whole, as `PROJECTION` reads them); returns how many."""
        count = 0
        with self.transaction() as conn:
            for doc in docs:
                self._put(conn, doc)
                count += 1
        return count

    def remove(self, ids: Iterable[str]) -> None:
        """Forget articles no longer in the store."""
        with self.transaction() as conn:
            for key in ids:
                self._delete(conn, key)

    def _delete(self, conn: sqlite3.Connection, key: str) -> None:
        row = conn.execute("SELECT rowid FROM docs WHERE id = ?", (key,)).fetchone()
        if row is not None:
            self._drop_text(conn, row[0])
            conn.execute("DELETE FROM authors WHERE doc = ?", row)
            conn.execute("DELETE FROM docs WHERE rowid = ?", row)

    def _drop_text(self, conn: sqlite3.Connection, rowid: int) -> None:
        """Delete an article's FTS rows and its stored row.

        Contentless FTS5 deletes a row only when given the tokens it was indexed with; the row's
        stored data holds exactly what produced them (its terms and simplified texts).
        """
        found = conn.execute("SELECT data FROM rows WHERE doc = ?", (rowid,)).fetchone()
        if found is None:
            return
        data = unpack(found[0])
        source = _text_source(data)
        conn.execute(
            "INSERT INTO terms(terms, rowid, tokens) VALUES ('delete', ?, ?)", (rowid, term_tokens(source))
        )
        title, body = _phrase_columns(source)
        conn.execute(
            "INSERT INTO phrases(phrases, rowid, title, text) VALUES ('delete', ?, ?, ?)",
            (rowid, title, body),
        )
        conn.execute("DELETE FROM rows WHERE doc = ?", (rowid,))

    def _put(self, conn: sqlite3.Connection, doc: dict[str, Any]) -> None:
        key = doc["_id"]
        published = doc.get("published_at")
        text = doc.get("text")
        text = text if isinstance(text, str) else ""
        authors = _strings(doc.get("authors"))
        values = (
            _text_or_none(doc.get("site")),
            to_millis(published) if isinstance(published, datetime) else None,
            _text_or_none(doc.get("source")),
            _text_or_none(doc.get("section")),
            doc.get("state") or "live",
            doc.get("content_hash"),
            _version(doc),
            len(authors) if doc.get("authors") else 0,
            len(text),
            0 if _NOT_BLANK.search(text) else 1,
        )
        data = pack(doc)
        row = conn.execute(
            "SELECT rowid, content_hash, terms_version FROM docs WHERE id = ?", (key,)
        ).fetchone()
        if row is not None and row[1] == values[5] and row[2] == values[6]:
            # Same content: the FTS rows stand; refresh the fields a visit may change.
            conn.execute(
                "UPDATE docs SET site=?, published=?, source=?, section=?, state=?, content_hash=?, "
                "terms_version=?, authors=?, text_chars=?, text_blank=? WHERE rowid = ?",
                (*values, row[0]),
            )
            conn.execute("DELETE FROM authors WHERE doc = ?", (row[0],))
            conn.execute("INSERT OR REPLACE INTO rows(doc, data) VALUES (?, ?)", (row[0], data))
            rowid = row[0]
        else:
            if row is not None:
                self._delete(conn, key)  # its FTS rows are deleted with the tokens they had
            cursor = conn.execute(
                "INSERT INTO docs(id, site, published, source, section, state, content_hash, terms_version, "
                "authors, text_chars, text_blank) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, *values),
            )
            rowid = cursor.lastrowid
            conn.execute("INSERT INTO rows(doc, data) VALUES (?, ?)", (rowid, data))
            conn.execute("INSERT INTO terms(rowid, tokens) VALUES (?, ?)", (rowid, term_tokens(doc)))
            title, body = _phrase_columns(doc)
            conn.execute("INSERT INTO phrases(rowid, title, text) VALUES (?, ?, ?)", (rowid, title, body))
        conn.executemany(
            "INSERT OR IGNORE INTO authors(author, doc) VALUES (?, ?)", [(a, rowid) for a in authors]
        )

    # Repair and drift -------------------------------------------------------------------------

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
                elif known != (doc.get("content_hash"), doc.get("state") or "live", _version(doc)):
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

    # Reading --------------------------------------------------------------------------------

    def _where(self, query: SearchQuery, *, walk: bool = False) -> tuple[list[str], list[Any]]:
        """SQL conditions on `d` (docs) and their parameters: user text only ever as parameters.

        walk=True writes the FTS conditions as membership tests (`+d.rowid`), so that SQLite walks
        the date index and stops after the page instead of sorting every hit: the better plan
        when the terms match a large share of the archive.
        """
        conds: list[str] = []
        params: list[Any] = []
        rowid = "+d.rowid" if walk else "d.rowid"
        if query.terms:
            conds.append(f"{rowid} IN (SELECT rowid FROM terms WHERE terms MATCH ?)")  # noqa: S608
            params.append(" AND ".join(_hex(term) for term in query.terms))
        for phrase in query.phrases:
            match = self._phrase_match(phrase)
            if match is None:
                conds.append("0")
                continue
            conds.append(f"{rowid} IN (SELECT rowid FROM phrases WHERE phrases MATCH ?)")  # noqa: S608
            params.append(match)
        for column, values in (("site", query.sites), ("source", query.sources), ("section", query.sections)):
            if values:
                conds.append(f"d.{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if query.authors:
            marks = ", ".join("?" * len(query.authors))
            conds.append(f"d.rowid IN (SELECT doc FROM authors WHERE author IN ({marks}))")  # noqa: S608
            params.extend(query.authors)
        if query.since is not None:
            conds.append("d.published >= ?")
            params.append(to_millis(query.since))
        if query.until is not None:
            conds.append("d.published < ?")
            params.append(to_millis(query.until))
        return conds, params

    def _phrase_match(self, phrase: str) -> str | None:
        """The FTS5 query for a phrase; None when no article can contain it.

        Three characters or more: the phrase itself (the trigram tokenizer matches it as a
        substring of the title or the text, case-insensitively). One or two: any trigram that
        starts with it (every column ends with two sentinel characters, so each occurrence
        starts a trigram).
        """
        text = (to_simplified(phrase) or "").replace("\x01", "")
        if not text:
            return None
        if len(text) >= 3:
            return _fts_string(text)
        folded = text.lower()
        rows = self._conn.execute(
            "SELECT term FROM phrases_vocab WHERE term >= ? AND term < ?", (folded, folded + "\U0010ffff")
        ).fetchall()
        if not rows:
            return None
        return " OR ".join(_fts_string(term) for (term,) in rows)

    def search(self, query: SearchQuery, *, limit: int, skip: int = 0) -> list[str]:
        """Ids of a page of hits, newest first (ties: by id), as the store's date order."""
        return [key for _, key, _ in self._date_page(query, limit, skip)]

    def _date_page(self, query: SearchQuery, limit: int, skip: int) -> list[tuple[int, str, int | None]]:
        conds, params = self._where(query, walk=self._dense(query))
        where = f"WHERE {' AND '.join(conds)}" if conds else ""
        sql = (
            f"SELECT d.rowid, d.id, d.published FROM docs d {where} "  # noqa: S608
            "ORDER BY d.published DESC, d.id LIMIT ? OFFSET ?"
        )
        return self._conn.execute(sql, (*params, limit, skip)).fetchall()

    def results(
        self, query: SearchQuery, *, sort: str = "date", limit: int, skip: int = 0
    ) -> list[dict[str, Any]]:
        """A page of results (RESULT_FIELDS, plus `score` by relevance), read from the index alone."""
        if sort == "relevance" and query.needles:
            ranked = self.ranked(query, limit=limit, skip=skip)
            rows = self.rows([key for key, _ in ranked])
            return [{**rows[key], "score": value} for key, value in ranked if key in rows]
        page = self._date_page(query, limit, skip)
        rows = self.rows([key for _, key, _ in page])
        return [rows[key] for _, key, _ in page if key in rows]

    def rows(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The result rows of these articles, by id (RESULT_FIELDS; absent ones None)."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = (
                "SELECT d.id, d.published, d.state, r.data FROM docs d JOIN rows r ON r.doc = d.rowid "  # noqa: S608
                f"WHERE d.id IN ({', '.join('?' * len(chunk))})"
            )
            for key, published, state, blob in self._conn.execute(sql, chunk):
                data = unpack(blob)
                when = from_millis(published) if published is not None else None
                data.update(_id=key, published_at=when, state=state)
                found[key] = {name: data.get(name) for name in RESULT_FIELDS}
        return found

    def _dense(self, query: SearchQuery) -> bool:
        """True when the query's words match more than DENSE_SHARE of the archive (cheap: one count)."""
        if not query.terms:
            return bool(query.phrases)
        match = " AND ".join(_hex(term) for term in query.terms)
        hits = self._conn.execute("SELECT count(*) FROM terms WHERE terms MATCH ?", (match,)).fetchone()[0]
        return hits > DENSE_SHARE * max(1, self._total())

    def _total(self) -> int:
        return self._conn.execute("SELECT max(rowid) FROM docs").fetchone()[0] or 0

    def ranked(self, query: SearchQuery, *, limit: int | None, skip: int = 0) -> list[tuple[str, float]]:
        """Ids and scores of hits by relevance: ranking.score over the query's needles.

        Ties: newer first, then by id (ranking.top_by_score). limit=None returns every hit.

        The score sums, per needle, TITLE_WEIGHT if it is in the title plus log(1 + its count
        in the text). The `terms` rows mark both parts for every stored term (`<hex>t`,
        `<hex>n<count>`): exact for a term of the query, and an upper bound for a quoted phrase
        through a stored term inside it (a phrase is in the title only where that term is, and
        occurs at most as often). The hits are split into classes by which needles are in the
        title; a class's best possible score comes from the largest counts of its needles.
        Classes are read best bound first (each: its hits, then their counts by one FTS5 query
        per count present); a hit is scored from its stored row only when a phrase makes its
        part uncertain and its bound still reaches the page. The walk stops when the page's
        last score beats every class not read yet. See docs/search.md for the costs.
        """
        needles = None if limit is None else self._marked_needles(query)
        if limit is None or not needles:
            return self._ranked_exhaustive(query, limit, skip)
        return self._ranked_by_classes(query, needles, skip + limit)[skip:]

    def _marked_needles(self, query: SearchQuery) -> list[_Marked] | None:
        """Per needle, the stored term whose marks give (term) or bound (phrase) its part.

        None when there are no needles, too many distinct marked terms for the classes, or a
        phrase holds no stored term at all: then every hit is scored (_ranked_exhaustive).
        """
        if not query.needles:
            return None
        found: list[_Marked] = [self._marked(_hex(term), exact=True) for term in query.terms]
        for needle in query.needles[len(query.terms) :]:
            code = self._witness(needle)
            if code is None:
                return None
            found.append(self._marked(code, exact=code == _hex(needle)))
        if len({marked.code for marked in found}) > MAX_CLASS_TERMS:
            return None
        return found

    def _marked(self, code: str, *, exact: bool) -> _Marked:
        rows = self._conn.execute(
            "SELECT term, doc FROM terms_rows WHERE term >= ? AND term < ?", (code + "n", code + "o")
        ).fetchall()
        counts = sorted(rows, key=lambda row: row[1], reverse=True)  # most articles first
        return _Marked(code, exact, tuple(int(token[len(code) + 1 :]) for token, _ in counts))

    def _witness(self, needle: str) -> str | None:
        """The stored term whose marks bound a phrase's part; None when no piece of it is one.

        The phrase itself if it is a stored term, else the piece in most articles (longest first
        on ties). A piece's occurrences are at least the phrase's (each non-overlapping phrase
        occurrence holds one), and it is in the title wherever the phrase is.
        """
        pieces = {
            needle[start:end]
            for start in range(len(needle))
            for end in range(start + 1, min(len(needle), start + MAX_WITNESS_CHARS) + 1)
        }
        pieces.add(needle)
        codes = [_hex(piece) for piece in pieces if piece.strip()]
        found: dict[str, int] = {}
        for start in range(0, len(codes), 500):
            chunk = codes[start : start + 500]
            sql = f"SELECT term, doc FROM terms_rows WHERE term IN ({', '.join('?' * len(chunk))})"  # noqa: S608
            found.update(self._conn.execute(sql, chunk).fetchall())
        whole = _hex(needle)
        if whole in found:
            return whole
        return max(found, key=lambda code: (found[code], len(code), code), default=None)

    def _ranked_by_classes(
        self, query: SearchQuery, needles: list[_Marked], keep: int
    ) -> list[tuple[str, float]]:
        codes = list(dict.fromkeys(marked.code for marked in needles))
        at = [codes.index(marked.code) for marked in needles]
        present = [sorted(next(m.counts for m in needles if m.code == code), reverse=True) for code in codes]
        required = list(dict.fromkeys([*(_hex(term) for term in query.terms), *codes]))
        exact = all(marked.exact for marked in needles)
        heap: list[tuple[float, float, str, str]] = []

        def offer(value: float, key: str, published: int | None) -> None:
            entry = (value, _recency(published), descending_key(key), key)
            if len(heap) < keep:
                heapq.heappush(heap, entry)
            elif entry > heap[0]:
                heapq.heapreplace(heap, entry)

        def bound(titles: tuple[bool, ...], counts: tuple[int, ...]) -> float:
            # ranking.score's arithmetic, needle by needle in query order: equal floats when exact.
            value = 0.0
            for n in at:
                value = add_needle(value, titles[n], counts[n])
            return round(value, 4)

        matches = [self._phrase_match(phrase) for phrase in query.phrases]
        # Phrase hits without their marked term (segmented otherwise there): no bound, scored.
        for rowid, key, published in self._unmarked(query, needles, matches):
            offer(self._exact_score(rowid, query), key, published)
        classes = []
        for titles in itertools.product((True, False), repeat=len(codes)):
            classes.append((bound(titles, tuple(counts[0] if counts else 0 for counts in present)), titles))
        classes.sort(key=lambda item: item[0], reverse=True)
        for ceiling, titles in classes:
            if len(heap) >= keep and heap[0][0] > ceiling:
                break  # no hit of this class or a later one can reach the page
            walk = _ClassWalk(self, query, codes, titles, present, required)
            for counts, rowid, key, published in walk.hits(
                lambda: heap[0][0] if len(heap) >= keep else None, bound
            ):
                value = math.inf if counts is None else bound(titles, counts)
                if len(heap) >= keep and value < heap[0][0]:
                    continue  # bounded below the page
                if not self._has_phrases(rowid, matches):
                    continue
                offer(value if exact and counts else self._exact_score(rowid, query), key, published)
        best = sorted(heap, reverse=True)
        return [(key, value) for value, _, _, key in best]

    def _unmarked(
        self, query: SearchQuery, needles: list[_Marked], matches: list[str | None]
    ) -> list[tuple[Any, ...]]:
        """Hits of the query holding a phrase but not the term that bounds its part."""
        rowids: set[int] = set()
        for match, marked in zip(matches, needles[len(query.terms) :], strict=True):
            if marked.code in {_hex(term) for term in query.terms}:
                continue  # every hit holds it
            if match is None:
                return []  # no hits at all
            sql = (
                "SELECT rowid FROM phrases WHERE phrases MATCH ? "
                "EXCEPT SELECT rowid FROM terms WHERE terms MATCH ?"
            )
            rowids.update(rowid for (rowid,) in self._conn.execute(sql, (match, marked.code)))
        if not rowids:
            return []
        conds, params = self._where(replace(query, terms=(), phrases=()))
        if query.terms:
            conds.append("EXISTS (SELECT 1 FROM terms WHERE terms MATCH ? AND rowid = d.rowid)")
            params.append(" AND ".join(_hex(term) for term in query.terms))
        rest = f"AND {' AND '.join(conds)}" if conds else ""
        sql = (
            "SELECT d.rowid, d.id, d.published FROM docs d "  # noqa: S608
            f"WHERE d.rowid IN (SELECT value FROM json_each(?)) {rest}"
        )
        found = self._conn.execute(sql, (json.dumps(sorted(rowids)), *params)).fetchall()
        return [row for row in found if self._has_phrases(row[0], matches)]

    def _has_phrases(self, rowid: int, matches: list[str | None]) -> bool:
        """True when the article holds every phrase (their _phrase_match; one FTS5 seek each)."""
        for match in matches:
            sql = "SELECT 1 FROM phrases WHERE phrases MATCH ? AND rowid = ?"
            if match is None or self._conn.execute(sql, (match, rowid)).fetchone() is None:
                return False
        return True

    def _exact_score(self, rowid: int, query: SearchQuery) -> float:
        """ranking.score of one article, from its stored row."""
        found = self._conn.execute("SELECT data FROM rows WHERE doc = ?", (rowid,)).fetchone()
        return score(_text_source(unpack(found[0])), query.needles) if found else 0.0

    def _ranked_exhaustive(self, query: SearchQuery, limit: int | None, skip: int) -> list[tuple[str, float]]:
        """Every hit scored from its stored row (quoted phrases: their counts are not marked)."""
        conds, params = self._where(query)
        where = f"WHERE {' AND '.join(conds)}" if conds else ""
        sql = f"SELECT d.id, d.published, r.data FROM docs d JOIN rows r ON r.doc = d.rowid {where}"  # noqa: S608
        scored = []
        for key, published, blob in self._conn.execute(sql, params):
            value = score(_text_source(unpack(blob)), query.needles)
            scored.append((value, _recency(published), descending_key(key), key))
        if limit is None:
            ordered = sorted(scored, key=lambda item: item[:3], reverse=True)[skip:]
        else:
            ordered = heapq.nlargest(skip + limit, scored, key=lambda item: item[:3])[skip:]
        return [(key, value) for value, _, _, key in ordered]

    def count(self, query: SearchQuery, *, cap: int | None = None) -> int:
        """How many articles match (up to cap)."""
        conds, params = self._where(query)
        where = f"WHERE {' AND '.join(conds)}" if conds else ""
        inner = f"SELECT 1 FROM docs d {where}" + (" LIMIT ?" if cap is not None else "")  # noqa: S608
        args = (*params, cap) if cap is not None else tuple(params)
        return self._conn.execute(f"SELECT count(*) FROM ({inner})", args).fetchone()[0]  # noqa: S608

    def day_counts(self, query: SearchQuery, tz: Any) -> tuple[list[tuple[Any, date, int]], dict[Any, int]]:
        """(site, day in tz, hits) of the query's dated hits, and the undated hits per site.

        No row is read. Words, phrases, sites and dates (what `trends` asks): the hits' rowids
        come from the FTS tables alone and are counted over two column arrays of the whole index
        (each article's site and publication time, reloaded when the file changed), with numpy.
        Other filters: grouped in SQL. A hit's day is its UTC millisecond plus the zone's offset
        at that instant (every offset change of the archive's date range).
        """
        import numpy as np  # only here: the crawl process that imports this module never needs it

        from crawler.search.trends import zone_offsets

        if query.authors or query.sources or query.sections:
            rowids = np.fromiter((r for (r,) in self._conn.execute(*self._rowid_sql(query))), dtype=np.int64)
        else:
            rowids = self._fts_rowids(query)
        sites, codes, published = self._columns()
        rowids = rowids[rowids < len(codes)]
        hit_codes, hit_times = codes[rowids], published[rowids]
        present = hit_codes >= 0  # rowids of articles deleted since (none: the arrays are current)
        if query.sites:
            wanted = [sites.index(site) for site in query.sites if site in sites]
            present &= np.isin(hit_codes, wanted)
        dated = present & (hit_times != _UNDATED)
        if query.since is not None:
            dated &= hit_times >= to_millis(query.since)
        if query.until is not None:
            dated &= hit_times < to_millis(query.until)
        undated_mask = present & (hit_times == _UNDATED) & (query.since is None) & (query.until is None)
        undated = {
            sites[code]: int(count)
            for code, count in zip(*np.unique(hit_codes[undated_mask], return_counts=True), strict=True)
        }
        times = hit_times[dated]
        rows: list[tuple[Any, date, int]] = []
        if len(times):
            segments = zone_offsets(tz, from_millis(int(times.min())), from_millis(int(times.max())))
            starts = np.array([start for start, _ in segments], dtype=np.int64)
            offsets = np.array([offset for _, offset in segments], dtype=np.int64)
            local = times + offsets[np.maximum(np.searchsorted(starts, times, side="right") - 1, 0)]
            days = np.floor_divide(local, DAY_MS)
            keys = hit_codes[dated].astype(np.int64) * (1 << 32) + (days + (1 << 31))
            epoch = date(1970, 1, 1).toordinal()
            for key, count in zip(*np.unique(keys, return_counts=True), strict=True):
                code, day = divmod(int(key), 1 << 32)
                rows.append((sites[code], date.fromordinal(epoch + day - (1 << 31)), int(count)))
        return rows, undated

    def _rowid_sql(self, query: SearchQuery) -> tuple[str, list[Any]]:
        conds, params = self._where(query)
        where = f"WHERE {' AND '.join(conds)}" if conds else ""
        return f"SELECT d.rowid AS rowid FROM docs d {where}", params  # noqa: S608

    def _rowid_array(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> np.ndarray:
        """The rowids a query selects, as an array: one row of text parsed in C (twice as fast as rows)."""
        import numpy as np

        (text,) = self._conn.execute(f"SELECT group_concat(rowid, ' ') FROM ({sql})", params).fetchone()  # noqa: S608
        return np.fromstring(text or "", dtype=np.int64, sep=" ")

    def _fts_rowids(self, query: SearchQuery) -> np.ndarray:
        """The rowids holding every term and phrase of the query, from the FTS tables alone."""
        import numpy as np

        found: np.ndarray | None = None
        sources: list[tuple[str, str | None]] = []
        if query.terms:
            sources.append(("terms", " AND ".join(_hex(term) for term in query.terms)))
        sources += [("phrases", self._phrase_match(phrase)) for phrase in query.phrases]
        if not sources:
            return self._rowid_array("SELECT rowid FROM docs")
        for table, match in sources:
            if match is None:
                return np.empty(0, dtype=np.int64)
            sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ?"  # noqa: S608  (fixed names)
            rowids = self._rowid_array(sql, (match,))
            found = rowids if found is None else np.intersect1d(found, rowids, assume_unique=True)
        return found if found is not None else np.empty(0, dtype=np.int64)

    def _columns(self) -> tuple[list[Any], np.ndarray, np.ndarray]:
        """Every article's site (a code into the list; -1: no article) and time (ms; _UNDATED), by rowid.

        Kept between calls and reloaded (one scan of the covering index `docs_site`, ~10 bytes an
        article) when this connection or another one changed the file.
        """
        import numpy as np

        stamp = (self._conn.execute("PRAGMA data_version").fetchone()[0], self._conn.total_changes)
        if self._column_cache is not None and self._column_cache[0] == stamp:
            return self._column_cache[1]
        size = (self._conn.execute("SELECT max(rowid) FROM docs").fetchone()[0] or 0) + 1
        codes = np.full(size, -1, dtype=np.int32)
        published = np.full(size, _UNDATED, dtype=np.int64)
        sites: list[Any] = []
        lookup: dict[Any, int] = {}
        for site, group in itertools.groupby(
            self._conn.execute("SELECT site, rowid, published FROM docs INDEXED BY docs_site"),
            key=lambda r: r[0],
        ):
            code = lookup.setdefault(site, len(sites))
            if code == len(sites):
                sites.append(site)
            rows = np.array(
                [(rowid, -1 if when is None else when) for _, rowid, when in group], dtype=np.int64
            )
            codes[rows[:, 0]] = code
            times = rows[:, 1]
            published[rows[:, 0]] = np.where(times == -1, _UNDATED, times)
        self._column_cache = (stamp, (sites, codes, published))
        return sites, codes, published

    def stale_terms(self) -> int:
        """Articles whose stored search terms come from other rules (reindex recomputes them)."""
        sql = "SELECT count(*) FROM docs WHERE terms_version IS NULL OR terms_version != ?"
        return self._conn.execute(sql, (TERMS_VERSION,)).fetchone()[0]

    def site_figures(self, sites: list[str] | None = None) -> list[tuple[Any, ...]]:
        """Per site: articles, first and last date (ms), no date, no author, empty text, text length."""
        where, params = "", []
        if sites:
            where = f"WHERE site IN ({', '.join('?' * len(sites))})"
            params = list(sites)
        sql = (
            "SELECT site, count(*), min(published), max(published), sum(published IS NULL), "  # noqa: S608
            f"sum(authors = 0), sum(text_blank) FROM docs {where} GROUP BY site"
        )
        return self._conn.execute(sql, params).fetchall()

    def short_texts(self, short_chars: int, sites: list[str] | None = None) -> dict[Any, int]:
        """Per site: articles with text, but shorter than short_chars characters."""
        where, params = "", []
        if sites:
            where = f"AND site IN ({', '.join('?' * len(sites))})"
            params = list(sites)
        sql = (
            "SELECT site, count(*) FROM docs WHERE text_blank = 0 AND text_chars < ? "  # noqa: S608
            f"{where} GROUP BY site"
        )
        return dict(self._conn.execute(sql, [short_chars, *params]).fetchall())

    def published_between(
        self, start: datetime, end: datetime, sites: list[str] | None = None
    ) -> Iterator[tuple[Any, datetime]]:
        """(site, publication time) of the articles published in [start, end)."""
        sql = "SELECT site, published FROM docs WHERE published >= ? AND published < ?"
        params: list[Any] = [to_millis(start), to_millis(end)]
        if sites:
            sql += f" AND site IN ({', '.join('?' * len(sites))})"
            params.extend(sites)
        for site, published in self._conn.execute(sql, params):
            yield site, from_millis(published)

    def size_bytes(self) -> int:
        """What the index occupies: its pages in use (free pages left by deletions excluded)."""
        page_size = self._conn.execute("PRAGMA page_size").fetchone()[0]
        pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
        free = self._conn.execute("PRAGMA freelist_count").fetchone()[0]
        return page_size * (pages - free)


class _ClassWalk:
    """The hits of one title class, each with its count of every marked term.

    The class's hits are read first (one query: its FTS5 expression and the filters). Then
    each step reads one count of one marked term, the largest not read yet of any term whose
    count some hit still misses: one FTS5 query narrowed by the class's title marks. A hit is
    yielded once all its counts are known. Before each step the walk stops when the page's
    last score (`floor()`) beats the bound of every hit not yet yielded: its known counts, and
    the next unread count of each of the others.
    """

    def __init__(
        self,
        index: SearchIndex,
        query: SearchQuery,
        codes: list[str],
        titles: tuple[bool, ...],
        present: list[list[int]],
        required: list[str],
    ) -> None:
        self.conn = index._conn
        self.codes = codes
        self.titles = titles
        self.present = present
        self.marks = [f"{code}t" for code, title in zip(codes, titles, strict=True) if title]
        marked = {code for code, title in zip(codes, titles, strict=True) if title}
        excluded = "".join(f" NOT {code}t" for code, title in zip(codes, titles, strict=True) if not title)
        self.expr = f"({' AND '.join([*self.marks, *(c for c in required if c not in marked)])}){excluded}"
        conds, self.params = index._where(replace(query, terms=(), phrases=()))
        rest = f"AND {' AND '.join(conds)}" if conds else ""
        self.sql = (
            "SELECT d.rowid, d.id, d.published FROM docs d "  # noqa: S608
            f"WHERE d.rowid IN (SELECT rowid FROM terms WHERE terms MATCH ?) {rest}"
        )

    def hits(
        self,
        floor: Callable[[], float | None],
        bound: Callable[[tuple[bool, ...], tuple[int, ...]], float],
    ) -> Iterator[tuple[tuple[int, ...] | None, int, str, int | None]]:
        """(counts, rowid, id, published) of the class's hits (those passing the filters).

        counts is None for a hit missing the mark of a count (an index row not written by
        term_tokens): it is scored from its stored row.
        """
        size = len(self.codes)
        info = {
            rowid: (key, published)
            for rowid, key, published in self.conn.execute(self.sql, (self.expr, *self.params))
        }
        pending: dict[int, list[int | None]] = {rowid: [None] * size for rowid in info}
        groups: dict[tuple[int | None, ...], set[int]] = {(None,) * size: set(info)} if info else {}
        position = [0] * size

        def upcoming(n: int) -> int | None:
            return self.present[n][position[n]] if position[n] < len(self.present[n]) else None

        def ceiling() -> float:
            best = -math.inf
            for shape in groups:
                counts = [known if known is not None else upcoming(n) for n, known in enumerate(shape)]
                if any(value is None for value in counts):
                    return math.inf
                best = max(best, bound(self.titles, tuple(counts)))  # type: ignore[arg-type]
            return best

        while groups:
            lowest = floor()
            if lowest is not None and lowest > ceiling():
                return
            missing = {n for shape in groups for n, known in enumerate(shape) if known is None}
            open_terms = [n for n in missing if upcoming(n) is not None]
            if not open_terms:
                break
            n = max(open_terms, key=lambda m: (upcoming(m), -m))
            count = upcoming(n)
            position[n] += 1
            match = " AND ".join([f"{self.codes[n]}n{count}", *self.marks])
            for (rowid,) in self.conn.execute("SELECT rowid FROM terms WHERE terms MATCH ?", (match,)):
                counts = pending.get(rowid)
                if counts is None or counts[n] is not None:
                    continue
                shape = tuple(counts)
                groups[shape].discard(rowid)
                if not groups[shape]:
                    del groups[shape]
                counts[n] = count
                if all(value is not None for value in counts):
                    del pending[rowid]
                    yield tuple(counts), rowid, *info[rowid]  # type: ignore[misc]
                else:
                    groups.setdefault(tuple(counts), set()).add(rowid)
        for rowid in pending:  # no mark of some count: an index row not made by term_tokens
            yield None, rowid, *info[rowid]


def day_bounds(days: list[date], tz: Any) -> tuple[datetime, datetime]:
    """The UTC instants of the start of the first day and the end of the last day in tz."""
    start = datetime.combine(days[0], datetime.min.time(), tz).astimezone(UTC)
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    return start, end
