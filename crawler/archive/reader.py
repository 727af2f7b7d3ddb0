"""The archive from Python: open it by URI, search it, fetch an article, stream articles.

For notebooks and scripts::

    from crawler.archive import Archive

    with Archive.open() as archive:                     # MONGO_URI, else the local database
        for doc in archive.search("东营 水利", site="dongying", since="2026-01-01"):
            print(doc["published_at"], doc["title"])

Results are result rows: the fields RESULT_FIELDS (id, URL, site, title, text, authors,
source, section, publication date, language, state; dates are timezone-aware UTC datetimes),
the same on every server; `search(..., full=True)` or `fetch(ids)` gives whole stored articles.

On the local FerretDB, search, count and paging are answered by the local search index
(crawler/search/index/), which also holds the result rows: a page never reads the store;
on MongoDB by the server's own indexes. Without a built index the same queries run on the
server as full scans (same results, ~100 s at 100,000 articles): `newsarchive reindex` builds it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Literal, Self

from pymongo import DESCENDING

from crawler.extract.urls import normalize_url
from crawler.search.capabilities import Capabilities, detect, ensure_text_index
from crawler.search.index import RESULT_FIELDS, SearchIndex
from crawler.search.query import DEFAULT_TZ, QueryError, SearchQuery, parse_query
from crawler.search.ranking import text_search_string, top_by_score
from crawler.stats.changes import Change, Shares, changes, monthly_shares
from crawler.store.articles import COLLECTION, VERSIONS
from crawler.store.backfill import needs_backfill
from crawler.store.connection import open_database
from crawler.store.runs import COLLECTION as RUNS
from crawler.store.runs import CrawlRuns

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date, datetime
    from types import TracebackType

    from pymongo import MongoClient
    from pymongo.collection import Collection
    from pymongo.database import Database

Sort = Literal["date", "relevance"]
#: Left out of search results: the search index fields, large and of no use to a reader.
HIDDEN_FIELDS = {"terms": 0, "title_terms": 0}
#: What a result row holds, read from the store when there is no local index.
RESULT_PROJECTION = dict.fromkeys(RESULT_FIELDS, 1)
#: What date paging and Python ranking read before fetching the page's articles.
SORT_KEYS = {"_id": 1, "published_at": 1}
RANKING_FIELDS = {"_id": 1, "published_at": 1, "title_simplified": 1, "text_simplified": 1}
#: Newest first; _id breaks ties so that pages never overlap or skip.
DATE_ORDER = [("published_at", DESCENDING), ("_id", 1)]
MAX_LIMIT = 10_000
#: Concurrent `_id` lookups when fetching a page of results.
FETCH_THREADS = 8


class Archive:
    """One archive database; a context manager that closes the client it opened."""

    def __init__(
        self,
        db: Database[dict[str, Any]],
        *,
        client: MongoClient[dict[str, Any]] | None = None,
        search_index: SearchIndex | None = None,
    ):
        """Wrap an open database; `client` is closed by close() (pass it only if the Archive owns it).

        search_index: use this local index (else the database's own one is found when wanted).
        """
        self.db = db
        self.articles: Collection[dict[str, Any]] = db[COLLECTION]
        self._client = client
        self._capabilities: Capabilities | None = None
        self._text_index: bool | None = None
        self._local_index: SearchIndex | None = search_index
        self._local_index_checked = search_index is not None
        self._pool: ThreadPoolExecutor | None = None
        #: True when this database should have a local search index but has none (or a partial one).
        self.index_missing = False

    @classmethod
    def open(cls, uri: str | None = None, database: str | None = None, **options: Any) -> Self:
        """Connect (MONGO_URI / MONGO_DATABASE, else the local database); DatabaseUnavailable if not."""
        client, db = open_database(uri, database, **options)
        return cls(db, client=client)

    def close(self) -> None:
        """Close the client if this Archive opened it."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._local_index is not None:
            self._local_index.close()
            self._local_index = None
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def capabilities(self) -> Capabilities:
        """What the server offers (asked once per Archive)."""
        if self._capabilities is None:
            self._capabilities = detect(self.articles)
        return self._capabilities

    @property
    def local_index(self) -> SearchIndex | None:
        """The local search index when this database has a complete one (FerretDB), else None.

        Opening it first repairs the entries of writers that died between the store write and
        the index write.
        """
        if not self._local_index_checked:
            self._local_index_checked = True
            if SearchIndex.wanted(self.db):
                index = SearchIndex.for_database(self.db)
                if index is not None and index.complete:
                    index.repair(self.articles)
                    self._local_index = index
                else:
                    if index is not None:
                        index.close()
                    self.index_missing = True
        return self._local_index

    # Reading --------------------------------------------------------------------------------

    def get(self, url: str) -> dict[str, Any] | None:
        """The article stored under url, normalised as the crawler does (tracking params, port...).

        Else the article last fetched from that URL (its key may be its canonical URL, the URL it
        moved from, or a key made under older rules): a scan on FerretDB, only when the key misses.
        """
        if not isinstance(url, str):
            raise TypeError(f"url must be a string, got {type(url).__name__}")
        found = self.articles.find_one({"_id": normalize_url(url)})  # a str: never an operator
        return found if found is not None else self.articles.find_one({"url": url})

    def iter_articles(
        self,
        filter: dict[str, Any] | None = None,  # the pymongo name
        projection: dict[str, Any] | list[str] | None = None,
        *,
        batch_size: int = 500,
    ) -> Iterator[dict[str, Any]]:
        """Stream articles matching a raw Mongo filter (your own code's, not end users' input)."""
        with self.articles.find(filter or {}, projection, batch_size=batch_size) as cursor:
            yield from cursor

    # Searching ------------------------------------------------------------------------------

    def query(
        self,
        query: str = "",
        *,
        site: str | list[str] | None = None,
        since: str | date | datetime | None = None,
        until: str | date | datetime | None = None,
        author: str | list[str] | None = None,
        source: str | list[str] | None = None,
        section: str | list[str] | None = None,
        tz: str = DEFAULT_TZ,
    ) -> SearchQuery:
        """Parse a search (see crawler.search.query.parse_query); QueryError when unusable."""
        return parse_query(
            query, site=site, since=since, until=until, author=author, source=source, section=section, tz=tz
        )

    def search(
        self,
        query: str | SearchQuery = "",
        *,
        site: str | list[str] | None = None,
        since: str | date | datetime | None = None,
        until: str | date | datetime | None = None,
        author: str | list[str] | None = None,
        source: str | list[str] | None = None,
        section: str | list[str] | None = None,
        sort: Sort = "date",
        limit: int = 20,
        skip: int = 0,
        tz: str = DEFAULT_TZ,
        full: bool = False,
    ) -> list[dict[str, Any]]:
        """Articles holding every term and "quoted phrase" of query and passing every filter.

        Terms and phrases are script-insensitive (東營 finds 东营). Dates without a time zone are
        read in tz; `until` as a date includes that whole day. sort="date" is newest first;
        sort="relevance" adds a `score` (MongoDB: textScore; elsewhere computed here).
        Each result is a row of RESULT_FIELDS; full=True gives the whole stored articles instead
        (read by `_id`, one lookup each).
        """
        if not isinstance(query, SearchQuery):
            query = self.query(
                query,
                site=site,
                since=since,
                until=until,
                author=author,
                source=source,
                section=section,
                tz=tz,
            )
        if sort not in ("date", "relevance"):
            raise QueryError(f"sort must be 'date' or 'relevance', not {sort!r}")
        if not 1 <= limit <= MAX_LIMIT or skip < 0:
            raise QueryError(f"limit must be 1..{MAX_LIMIT} and skip 0 or more")
        index = self.local_index
        if index is not None:
            found = index.results(query, sort=sort, limit=limit, skip=skip)
        elif sort == "relevance" and query.needles:
            found = self._by_relevance(query, limit, skip)
        else:
            # Sort and page on small projected documents, then fetch the page by _id: on FerretDB
            # (every filter a full scan) this is markedly faster than sorting whole articles, and on
            # MongoDB it is a covered walk of the index plus `limit` _id lookups.
            page = self.articles.find(query.filter(), SORT_KEYS).sort(DATE_ORDER).skip(skip).limit(limit)
            found = self._fetch([doc["_id"] for doc in page], RESULT_PROJECTION)
        if full:
            scores = {doc["_id"]: doc["score"] for doc in found if "score" in doc}
            return [
                {**doc, "score": scores[doc["_id"]]} if doc["_id"] in scores else doc
                for doc in self.fetch([doc["_id"] for doc in found])
            ]
        return [result_row(doc) for doc in found]

    def count(self, query: str | SearchQuery = "", **filters: Any) -> int:
        """How many articles a search matches (a full scan on FerretDB)."""
        if not isinstance(query, SearchQuery):
            query = self.query(query, **filters)
        if self.local_index is not None:
            return self.local_index.count(query)
        return self.articles.count_documents(query.filter())

    def loosen(self, query: SearchQuery, *, cap: int = 100) -> list[tuple[str, int]]:
        """For a search without hits: how many hits (up to cap) dropping each one condition gives."""
        if self.local_index is not None:
            index = self.local_index
            return [(what, index.count(looser, cap=cap)) for what, looser in query.loosened()]
        return [
            (what, self.articles.count_documents(looser.filter(), limit=cap))
            for what, looser in query.loosened()
        ]

    def _by_relevance(self, query: SearchQuery, limit: int, skip: int) -> list[dict[str, Any]]:
        search = text_search_string(query.terms)
        if search is not None and self._can_rank_on_server():
            filter_ = {**query.filter(), "$text": {"$search": search}}
            projection = {**RESULT_PROJECTION, "score": {"$meta": "textScore"}}
            order: list[tuple[str, Any]] = [("score", {"$meta": "textScore"}), *DATE_ORDER]
            return list(self.articles.find(filter_, projection).sort(order).skip(skip).limit(limit))
        with self.articles.find(query.filter(), RANKING_FIELDS, batch_size=200) as cursor:
            best = top_by_score(cursor, query.needles, skip + limit)[skip:]
        scores = {doc["_id"]: doc["score"] for doc in best}
        return [{**doc, "score": scores[doc["_id"]]} for doc in self._fetch(list(scores), RESULT_PROJECTION)]

    def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        """Whole stored articles (without `terms`, `title_terms`), in the order of ids (missing: omitted)."""
        return self._fetch(ids, HIDDEN_FIELDS)

    def _fetch(self, ids: list[Any], projection: dict[str, Any]) -> list[dict[str, Any]]:
        """Articles in the order of ids: one indexed lookup each ($in is a scan on FerretDB).

        The lookups of a page run on FETCH_THREADS connections at once, so a page costs about
        the latency of its slowest few lookups rather than the sum of twenty.
        """
        if len(ids) <= 1:
            found = [self.articles.find_one({"_id": key}, projection) for key in ids]
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(FETCH_THREADS, thread_name_prefix="archive-fetch")
            found = list(self._pool.map(lambda key: self.articles.find_one({"_id": key}, projection), ids))
        return [doc for doc in found if doc is not None]

    def _can_rank_on_server(self) -> bool:
        if not self.capabilities.text_search:
            return False
        if self._text_index is None:
            self._text_index = ensure_text_index(self.articles)
        return self._text_index

    # History --------------------------------------------------------------------------------

    def versions(self, article: dict[str, Any]) -> list[dict[str, Any]]:
        """The earlier versions of an article (article_versions), oldest first.

        Looked up by their keys `<_id>@v<n>`, one indexed lookup each: a filter on article_id
        would be a full scan of the versions on FerretDB.
        """
        versions = self.db[VERSIONS]
        numbers = set(range(1, int(article.get("version") or 1)))
        numbers.update(e.get("version") for e in article.get("history") or [] if isinstance(e, dict))  # type: ignore[misc]  # filtered below
        wanted = sorted(n for n in numbers if isinstance(n, int) and n >= 1)
        found = (versions.find_one({"_id": f"{article['_id']}@v{n}"}) for n in wanted)
        return [doc for doc in found if doc is not None]

    def changes(
        self, *, sites: list[str] | None = None, since: datetime | None = None, kinds: list[str] | None = None
    ) -> list[Change]:
        """Edits, take-downs and restorations, newest first (crawler/stats/changes.py)."""
        return changes(self.db, sites=sites, since=since, kinds=kinds)

    def change_shares(self, *, sites: list[str] | None = None, tz: str = DEFAULT_TZ) -> Shares:
        """The share of articles edited or gone per month and site."""
        return monthly_shares(self.db, sites=sites, tz=tz)

    def sequence_complete(self) -> bool:
        """False while articles stored before the archive sequence are not numbered yet."""
        return not needs_backfill(self.db)

    def runs(self, site: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
        """Crawl runs (of one site or all), newest first."""
        return CrawlRuns(self.db).latest(site, limit=limit)

    def crawled_sites(self) -> list[str]:
        """Names of the sites that have crawl runs (a small collection: no scan of the articles)."""
        # $group, not distinct: FerretDB 1.24 refuses distinct with maxTimeMS (which timeoutMS adds).
        rows = self.db[RUNS].aggregate([{"$group": {"_id": "$site"}}])
        return sorted(row["_id"] for row in rows if isinstance(row["_id"], str) and row["_id"])


def result_row(doc: dict[str, Any]) -> dict[str, Any]:
    """A search result as every path gives it: RESULT_FIELDS in order (absent ones None), and `score`."""
    row = {name: doc.get(name) for name in RESULT_FIELDS}
    row["state"] = row["state"] or "live"
    if "score" in doc:
        row["score"] = doc["score"]
    return row
