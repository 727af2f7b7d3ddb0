"""Scratch SQLite files: what a crawl would otherwise hold in memory for every URL, kept on disk.

One file per owner (the archive index, the duplicate filter), named `<pid>-*.sqlite` in
var/index/ ($NEWSARCHIVE_ARCHIVE_INDEX); the scheduler's disk queues go to a `<pid>-queue-*`
folder there (crawler/store/pending.py). Scratch means rebuilt at every start: no journal, no
fsync, deleted when its owner closes or is collected; a file whose process died (a crawl
killed half-way) is deleted by the next one opened in the folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import weakref
from pathlib import Path

from crawler.project.process import pid_alive
from crawler.project.workdir import private_dir, var_dir

#: Where scratch files go; default var/index.
FOLDER_ENV = "NEWSARCHIVE_ARCHIVE_INDEX"
#: SQLite's page cache per file (KiB): what one scratch file may hold in memory.
CACHE_KIB = 8192


def folder() -> Path:
    """Where scratch files live: $NEWSARCHIVE_ARCHIVE_INDEX, else var/index."""
    configured = os.environ.get(FOLDER_ENV)
    return private_dir(Path(configured)) if configured else private_dir(var_dir() / "index")


def remove_orphans(where: Path) -> int:
    """Delete scratch files (and queue folders) whose process is gone; returns how many."""
    removed = 0
    for path in [*where.glob("*.sqlite"), *where.glob("*-queue-*")]:
        pid = path.name.split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or pid_alive(int(pid)):
            continue
        with contextlib.suppress(FileNotFoundError):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()
            removed += 1
    return removed


def _discard(connection: sqlite3.Connection, path: Path) -> None:
    connection.close()
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


class ScratchFile:
    """One scratch SQLite file, created with `schema` on first use."""

    def __init__(
        self, schema: str, where: Path | None = None, prefix: str = "", commit_every: int = 500
    ) -> None:
        self.schema = schema
        self.commit_every = commit_every
        self._writes = 0
        self.where = where
        self.prefix = prefix
        self.path: Path | None = None
        self._db: sqlite3.Connection | None = None
        self._finalizer: weakref.finalize[..., ScratchFile] | None = None

    @property
    def opened(self) -> sqlite3.Connection | None:
        """The connection, or None before the first open() and after close()."""
        return self._db

    def open(self) -> sqlite3.Connection:
        """The connection (a transaction is open: see commit())."""
        if self._db is None:
            where = self.where or folder()
            remove_orphans(where)
            fd, name = tempfile.mkstemp(prefix=f"{os.getpid()}-{self.prefix}", suffix=".sqlite", dir=where)
            os.close(fd)
            self.path = Path(name)
            db = sqlite3.connect(name, isolation_level=None)
            self._finalizer = weakref.finalize(self, _discard, db, self.path)
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            db.execute("PRAGMA temp_store=FILE")
            db.executescript(self.schema)
            db.execute("BEGIN")
            self._db = db
        return self._db

    def wrote(self, count: int = 1) -> None:
        """Count writes; every `commit_every` of them end the batch."""
        self._writes += count
        if self._writes >= self.commit_every:
            self.commit()

    def commit(self) -> None:
        """End the current batch of writes (the same connection sees them before as well)."""
        self._writes = 0
        if self._db is not None and self._db.in_transaction:
            self._db.execute("COMMIT")
            self._db.execute("BEGIN")

    def close(self) -> None:
        """Close and delete the file."""
        if self._finalizer is not None:
            self._finalizer()
        self._db = self.path = self._finalizer = None
        self._writes = 0
