"""Relevance order from the index: hits split into title classes, read best bound first.

The score (ranking.score) sums, per needle, TITLE_WEIGHT if it is in the title plus
log(1 + its count in the text); the `terms` rows mark both parts for every stored term
(crawler/search/index/rows.py), so most pages are ranked without reading a stored row.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from crawler.search.index.query import IndexQuery
from crawler.search.index.rows import hex_term, text_source, unpack
from crawler.search.ranking import add_needle, descending_key, score

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from crawler.search.query import SearchQuery


#: Relevance splits hits into 2^n title classes of n distinct marked terms; above, every hit is scored.
MAX_CLASS_TERMS = 6
#: The longest piece of a quoted phrase looked up as the stored term that bounds its part.
MAX_WITNESS_CHARS = 8


def recency(published: int | None) -> float:
    """The date part of a relevance order key: newer first, undated last."""
    return -math.inf if published is None else float(published)


@dataclass(frozen=True)
class _Marked:
    """A needle's marked term: the needle's part of the score is read (or bounded) from its marks.

    `exact`: the marks are the needle's part (a term, or a phrase that is a stored term); else
    an upper bound. `counts`: the counts in the text present in the archive, most articles first.
    """

    code: str
    exact: bool
    counts: tuple[int, ...]


class IndexRanking(IndexQuery):
    """Pages of results by relevance (and by date: `results` serves both)."""

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
        found: list[_Marked] = [self._marked(hex_term(term), exact=True) for term in query.terms]
        for needle in query.needles[len(query.terms) :]:
            code = self._witness(needle)
            if code is None:
                return None
            found.append(self._marked(code, exact=code == hex_term(needle)))
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
        codes = [hex_term(piece) for piece in pieces if piece.strip()]
        found: dict[str, int] = {}
        for start in range(0, len(codes), 500):
            chunk = codes[start : start + 500]
            sql = f"SELECT term, doc FROM terms_rows WHERE term IN ({', '.join('?' * len(chunk))})"  # noqa: S608
            found.update(self._conn.execute(sql, chunk).fetchall())
        whole = hex_term(needle)
        if whole in found:
            return whole
        return max(found, key=lambda code: (found[code], len(code), code), default=None)

    def _ranked_by_classes(
        self, query: SearchQuery, needles: list[_Marked], keep: int
    ) -> list[tuple[str, float]]:
        codes = list(dict.fromkeys(marked.code for marked in needles))
        at = [codes.index(marked.code) for marked in needles]
        present = [sorted(next(m.counts for m in needles if m.code == code), reverse=True) for code in codes]
        required = list(dict.fromkeys([*(hex_term(term) for term in query.terms), *codes]))
        exact = all(marked.exact for marked in needles)
        heap: list[tuple[float, float, str, str]] = []

        def offer(value: float, key: str, published: int | None) -> None:
            entry = (value, recency(published), descending_key(key), key)
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
            if marked.code in {hex_term(term) for term in query.terms}:
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
            params.append(" AND ".join(hex_term(term) for term in query.terms))
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
        return score(text_source(unpack(found[0])), query.needles) if found else 0.0

    def _ranked_exhaustive(self, query: SearchQuery, limit: int | None, skip: int) -> list[tuple[str, float]]:
        """Every hit scored from its stored row (quoted phrases: their counts are not marked)."""
        conds, params = self._where(query)
        where = f"WHERE {' AND '.join(conds)}" if conds else ""
        sql = f"SELECT d.id, d.published, r.data FROM docs d JOIN rows r ON r.doc = d.rowid {where}"  # noqa: S608
        scored = []
        for key, published, blob in self._conn.execute(sql, params):
            value = score(text_source(unpack(blob)), query.needles)
            scored.append((value, recency(published), descending_key(key), key))
        if limit is None:
            ordered = sorted(scored, key=lambda item: item[:3], reverse=True)[skip:]
        else:
            ordered = heapq.nlargest(skip + limit, scored, key=lambda item: item[:3])[skip:]
        return [(key, value) for value, _, _, key in ordered]


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
        index: IndexQuery,
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
                    yield tuple(counts), rowid, *info[rowid]  # type: ignore[misc,arg-type]
                else:
                    groups.setdefault(tuple(counts), set()).add(rowid)
        for rowid in pending:  # no mark of some count: an index row not made by term_tokens
            yield None, rowid, *info[rowid]
