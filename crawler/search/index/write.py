"""Writing the index: write-ahead intents around each store write, then the articles' rows.

A writer records the ids it is about to store (`begin`), writes the store, then indexes them and
clears its intents in one transaction (`commit`); intents of a process that died in between are
repaired from the store (crawler/search/index/repair.py). An article whose content changes gets
a new rowid; its old FTS rows are deleted with the tokens its stored row reproduces.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.search.index.file import IndexFile
from crawler.search.index.rows import (
    NOT_BLANK,
    pack,
    phrase_columns,
    stored_version,
    strings,
    term_tokens,
    text_or_none,
    text_source,
    unpack,
)
from crawler.search.index.times import to_millis

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable


class IndexWriter(IndexFile):
    """Intents, and the articles' rows written, replaced and removed."""

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
        source = text_source(data)
        conn.execute(
            "INSERT INTO terms(terms, rowid, tokens) VALUES ('delete', ?, ?)", (rowid, term_tokens(source))
        )
        title, body = phrase_columns(source)
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
        authors = strings(doc.get("authors"))
        values = (
            text_or_none(doc.get("site")),
            to_millis(published) if isinstance(published, datetime) else None,
            text_or_none(doc.get("source")),
            text_or_none(doc.get("section")),
            doc.get("state") or "live",
            doc.get("content_hash"),
            stored_version(doc),
            len(authors) if doc.get("authors") else 0,
            len(text),
            0 if NOT_BLANK.search(text) else 1,
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
            title, body = phrase_columns(doc)
            conn.execute("INSERT INTO phrases(rowid, title, text) VALUES (?, ?, ?)", (rowid, title, body))
        conn.executemany(
            "INSERT OR IGNORE INTO authors(author, doc) VALUES (?, ?)", [(a, rowid) for a in authors]
        )
