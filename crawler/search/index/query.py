"""Answering a query from the index: its SQL conditions, date-ordered pages, result rows, counts.

User text only ever reaches SQL as parameters; FTS5 strings are quoted (`fts_string`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.derived.terms import to_simplified
from crawler.search.index.file import IndexFile
from crawler.search.index.rows import RESULT_FIELDS, fts_string, hex_term, unpack
from crawler.search.index.times import from_millis, to_millis

if TYPE_CHECKING:
    from crawler.search.query import SearchQuery

#: Above this share of the archive, a date-ordered page walks the date index instead of sorting hits.
DENSE_SHARE = 0.05


class IndexQuery(IndexFile):
    """Conditions, pages by date, result rows and counts."""

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
            params.append(" AND ".join(hex_term(term) for term in query.terms))
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
            return fts_string(text)
        folded = text.lower()
        rows = self._conn.execute(
            "SELECT term FROM phrases_vocab WHERE term >= ? AND term < ?", (folded, folded + "\U0010ffff")
        ).fetchall()
        if not rows:
            return None
        return " OR ".join(fts_string(term) for (term,) in rows)

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
        match = " AND ".join(hex_term(term) for term in query.terms)
        hits = self._conn.execute("SELECT count(*) FROM terms WHERE terms MATCH ?", (match,)).fetchone()[0]
        return hits > DENSE_SHARE * max(1, self._total())

    def _total(self) -> int:
        return self._conn.execute("SELECT max(rowid) FROM docs").fetchone()[0] or 0

    def count(self, query: SearchQuery, *, cap: int | None = None) -> int:
        """How many articles match (up to cap)."""
        conds, params = self._where(query)
        where = f"WHERE {' AND '.join(conds)}" if conds else ""
        inner = f"SELECT 1 FROM docs d {where}" + (" LIMIT ?" if cap is not None else "")  # noqa: S608
        args = (*params, cap) if cap is not None else tuple(params)
        return self._conn.execute(f"SELECT count(*) FROM ({inner})", args).fetchone()[0]  # noqa: S608
