"""Figures from the index alone: hits per site and day (trends), per-site counts (stats), its size."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from crawler.derived.fields import TERMS_VERSION
from crawler.search.index.query import IndexQuery
from crawler.search.index.rows import hex_term
from crawler.search.index.times import from_millis, to_millis
from crawler.search.trends import DAY_MS

if TYPE_CHECKING:
    from collections.abc import Iterator

    import numpy as np

    from crawler.search.query import SearchQuery

#: An undated article in the column arrays of day_counts.
_UNDATED = -(2**63)


class IndexFigures(IndexQuery):
    """Counts per site and day, per site, and the file's size."""

    #: The column arrays of day_counts, with the file's change stamp they were read at.
    _column_cache: tuple[tuple[int, int], tuple[list[Any], np.ndarray, np.ndarray]] | None = None

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
            sources.append(("terms", " AND ".join(hex_term(term) for term in query.terms)))
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
