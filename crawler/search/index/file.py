"""The index file: where it lives, opening it (shared by several local processes), its facts.

One SQLite file per database, named by an id stored in the database (`archive_meta`), in
$NEWSARCHIVE_SEARCH_INDEX or var/search. `open_shared` and `immediate` are also how the stories'
SQLite file beside it is opened and written.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import sqlite3
import uuid
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from pymongo.errors import DuplicateKeyError

from crawler.project.workdir import private_tree, var_dir

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pymongo.database import Database

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


class IndexFile:
    """One database's index file, opened; the operations of the index are in the modules beside this one."""

    def __init__(self, path: Path) -> None:
        """Open (creating) the index file at path."""
        self.path = path
        self._conn = open_shared(path, SCHEMA)
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
    def for_database(cls, db: Database[dict[str, Any]], *, create: bool = False) -> Self | None:
        """The index of db, or None (not FerretDB, switched off, or never built and not to create)."""
        if not cls.wanted(db):
            return None
        path = cls.path_for(db, create=create)
        if path is None or (not create and not path.exists()):
            return None
        return cls(path)

    @classmethod
    def for_writer(cls, db: Database[dict[str, Any]]) -> Self | None:
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
