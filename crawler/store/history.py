"""How far each list of a site was walked (`list_walks`) and the links not stored yet (`list_backlog`).

The durable side of crawler/discovery/walks.py (see its history invariant). Written as walks
progress, so a crawl ended in any way, SIGKILL included, leaves its unfinished walks as cursors
and the article links of its walked pages in the backlog; the next crawl, on any machine with
the same database, continues from there.

`list_walks` holds, per site, one document per list (`_id` "SITE LIST-URL": kind, the deepest
page reached, whether a walk reached its end) and one per unfinished walk (`_id` "SITE LIST-URL
WALK-ID": the page it resumes at). `list_backlog` holds the article links of walked pages that
were not stored yet (`_id` "SITE WALK-ID PAGE CHUNK"); the next crawl requests those still not
stored and drops the rest. FerretDB traps: every write is keyed by `_id`, at most 50 in one
command; the only filtered reads are the per-site scans at the start and at the end of a crawl.

A write that fails (the database went away) stops all later history writes of the crawl: what
is in the database then stays behind the truth, never ahead of it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pymongo import DeleteOne, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure, PyMongoError

from crawler.discovery.walks import Cursor, ListKind, ListRecord
from crawler.store.articles import MAX_UPDATE_BATCH

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from pymongo.database import Database

    from crawler.discovery.walks import ListWalk

logger = logging.getLogger(__name__)

WALKS = "list_walks"
BACKLOG = "list_backlog"
#: Links in one backlog document.
BACKLOG_CHUNK = 200
#: Crawls that request a backlog link before it is given up (a page that never yields an article).
BACKLOG_TRIES = 3


class ListHistory:
    """The `list_walks` and `list_backlog` documents of one site (a WalkRecorder)."""

    def __init__(self, db: Database[dict[str, Any]], site: str) -> None:
        self.walks = db[WALKS]
        self.backlog = db[BACKLOG]
        self.site = site
        #: Set by the first failed write: no history write after it in this crawl.
        self.failed = False
        self.given_up = 0
        #: The backlog's links requested by this crawl: walks saw them, so they count as covered.
        self.backlog_urls: set[str] = set()

    # Reading ---------------------------------------------------------------------------------

    def load(self) -> dict[str, ListRecord]:
        """Every list of the site with its open cursors."""
        lists: dict[str, ListRecord] = {}
        cursors: list[Cursor] = []
        for doc in self.walks.find({"site": self.site}):
            kind = _kind(doc.get("kind"))
            url = doc.get("list")
            if not isinstance(url, str):
                continue
            if doc.get("type") == "cursor":
                page, resume = doc.get("page"), doc.get("url")
                if isinstance(page, int) and isinstance(resume, str) and isinstance(doc.get("walk"), str):
                    cursors.append(Cursor(url, kind, doc["walk"], bool(doc.get("backfill")), page, resume))
                continue
            deepest = doc.get("deepest")
            lists[url] = ListRecord(
                url,
                kind,
                reached_end=bool(doc.get("reached_end")),
                deepest=deepest if isinstance(deepest, int) else -1,
            )
        for cursor in cursors:
            lists.setdefault(cursor.list_url, ListRecord(cursor.list_url, cursor.kind)).cursors.append(cursor)
        return lists

    def pending_links(self, is_stored: Callable[[str], bool]) -> Iterator[str]:
        """Backlog links still not stored (each counted as one more try); resolved documents are dropped."""
        batch = _Batched(self.backlog)
        try:
            for doc in self.backlog.find({"site": self.site}):
                urls = [u for u in doc.get("urls") or () if isinstance(u, str) and not is_stored(u)]
                counted = doc.get("tries")
                tries = counted if isinstance(counted, int) else 0
                if not urls or tries >= BACKLOG_TRIES:
                    if urls:
                        self.given_up += len(urls)
                        logger.warning(
                            "gave up %d links of list page %s after %d crawls did not store them: %s",
                            len(urls),
                            doc.get("page_url"),
                            tries,
                            ", ".join(urls[:5]),
                        )
                    batch.add(DeleteOne({"_id": doc["_id"]}))
                else:
                    batch.add(UpdateOne({"_id": doc["_id"]}, {"$set": {"urls": urls, "tries": tries + 1}}))
                    self.backlog_urls.update(urls)
                    yield from urls
            batch.flush()
        except PyMongoError as exc:
            self._failed("read the backlog", exc)

    def settle(self, is_stored: Callable[[str], bool]) -> int:
        """At the end of a crawl: drop backlog documents whose links are all stored; the links left."""
        if self.failed:
            return -1
        left = 0
        batch = _Batched(self.backlog)
        try:
            for doc in self.backlog.find({"site": self.site}, {"urls": 1}):
                unstored = sum(1 for u in doc.get("urls") or () if isinstance(u, str) and not is_stored(u))
                left += unstored
                if not unstored:
                    batch.add(DeleteOne({"_id": doc["_id"]}))
            batch.flush()
        except PyMongoError as exc:
            self._failed("settle the backlog", exc)
            return -1
        return left

    # Writing (the WalkRecorder) --------------------------------------------------------------

    def keep_links(self, walk: ListWalk, number: int, urls: list[str]) -> None:
        """The unstored article links of a walked page, before the walk counts the page as walked."""
        now = datetime.now(UTC)
        page_url = walk.walked.get(number) or walk.pending.get(number)
        ops = [
            UpdateOne(
                {"_id": f"{self.site} {walk.walk_id} {number} {i // BACKLOG_CHUNK}"},
                {
                    "$set": {
                        "site": self.site,
                        "list": walk.list_url,
                        "walk": walk.walk_id,
                        "page": number,
                        "page_url": page_url,
                        "urls": urls[i : i + BACKLOG_CHUNK],
                        "tries": 0,
                        "written_at": now,
                    }
                },
                upsert=True,
            )
            for i in range(0, len(urls), BACKLOG_CHUNK)
        ]
        self._write(self.backlog, ops, "keep the links of a list page")

    def save_cursor(self, walk: ListWalk, number: int, url: str) -> None:
        """Where an unfinished walk resumes (its lowest linked page not walked)."""
        doc = {
            "site": self.site,
            "type": "cursor",
            "list": walk.list_url,
            "kind": str(walk.kind),
            "walk": walk.walk_id,
            "backfill": walk.backfill,
            "page": number,
            "url": url,
            "updated_at": datetime.now(UTC),
        }
        self._write(
            self.walks,
            [UpdateOne({"_id": self._cursor_id(walk.list_url, walk.walk_id)}, {"$set": doc}, upsert=True)],
            "save a list walk",
        )

    def drop_cursor(self, walk: ListWalk) -> None:
        """The walk finished (its end, a streak of archived articles, or a dead end)."""
        self._write(
            self.walks, [DeleteOne({"_id": self._cursor_id(walk.list_url, walk.walk_id)})], "end a list walk"
        )

    def drop_list_cursors(self, list_url: str, keep: str) -> None:
        """A walk covered the whole list: drop the list's other cursors (loaded at the start)."""
        try:
            ids = [
                d["_id"]
                for d in self.walks.find({"site": self.site, "type": "cursor", "list": list_url}, {"walk": 1})
                if d.get("walk") != keep
            ]
        except PyMongoError as exc:
            self._failed("read the list walks", exc)
            return
        self._write(self.walks, [DeleteOne({"_id": i}) for i in ids], "end list walks")

    def record_lists(self, lists: dict[str, ListRecord]) -> None:
        """At the end of a crawl: each list's deepest page and whether a walk ever reached its end."""
        now = datetime.now(UTC)
        ops = []
        for url, record in lists.items():
            update: dict[str, Any] = {
                "$set": {
                    "site": self.site,
                    "type": "list",
                    "list": url,
                    "kind": str(record.kind),
                    "updated_at": now,
                },
                "$max": {"deepest": record.deepest},
            }
            if record.reached_end:
                update["$set"]["reached_end"] = True
            ops.append(UpdateOne({"_id": f"{self.site} {url}"}, update, upsert=True))
        self._write(self.walks, ops, "record the lists walked")

    # Internals -------------------------------------------------------------------------------

    def _cursor_id(self, list_url: str, walk_id: str) -> str:
        return f"{self.site} {list_url} {walk_id}"

    def _write(self, collection: Any, ops: list[Any], what: str) -> None:
        if self.failed or not ops:
            return
        batch = _Batched(collection)
        try:
            for op in ops:
                batch.add(op)
            batch.flush()
        except PyMongoError as exc:
            self._failed(what, exc)

    def _failed(self, what: str, exc: PyMongoError) -> None:
        if not self.failed:
            logger.error(
                "could not %s of %s (%s); the site's history stays as the database has it, "
                "behind this crawl: the next crawl walks again from there",
                what,
                self.site,
                exc,
            )
        self.failed = True


class _Batched:
    """Writes to one collection, sent MAX_UPDATE_BATCH at a time, `_id`-keyed (FerretDB's limits)."""

    def __init__(self, collection: Any) -> None:
        self.collection = collection
        self.ops: list[Any] = []

    def add(self, op: Any) -> None:
        self.ops.append(op)
        if len(self.ops) >= MAX_UPDATE_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.ops:
            try:
                self.collection.bulk_write(self.ops, ordered=True)
            except _RACED:
                # Another worker of the run upserted some of these `_id`s at the same moment: its
                # inserts won and this batch was refused (FerretDB answers with a reply pymongo
                # cannot merge, KeyError 'nModified'). Every write here is idempotent ($set, $max,
                # delete): one by one, a refused upsert again updates the other worker's document.
                for op in self.ops:
                    self._one(op)
        self.ops = []

    def _one(self, op: Any) -> None:
        for attempt in range(2):
            try:
                self.collection.bulk_write([op])
                return
            except _RACED as exc:
                if attempt:
                    raise OperationFailure(f"the database refused a write twice ({exc!r})") from exc


#: How a write that lost a race with another worker's insert of the same `_id` comes back.
_RACED = (DuplicateKeyError, BulkWriteError, KeyError)


def _kind(value: Any) -> ListKind:
    try:
        return ListKind(value)
    except ValueError:
        return ListKind.SECTION


def backfill_states(db: Database[dict[str, Any]], sites: list[str] | None = None) -> dict[str, str]:
    """Per site, how far its history was walked: `complete`, or how many lists a next crawl continues.

    Read from `list_walks` (a few documents per list); a site with none has never walked a list.
    """
    lists: dict[str, dict[str, bool]] = {}
    deepest: dict[str, int] = {}
    for doc in db[WALKS].find({} if not sites else {"site": {"$in": list(sites)}}):
        site, url = doc.get("site"), doc.get("list")
        if not isinstance(site, str) or not isinstance(url, str):
            continue
        done = lists.setdefault(site, {})
        if doc.get("type") == "cursor":
            done[url] = False
            page = doc.get("page")
            deepest[site] = max(deepest.get(site, 0), page if isinstance(page, int) else 0)
        else:
            done.setdefault(url, bool(doc.get("reached_end")))
            if not doc.get("reached_end"):
                done[url] = False
    out = {}
    for site, done in lists.items():
        left = sum(1 for ok in done.values() if not ok)
        out[site] = (
            "complete"
            if not left
            else f"{left} of {len(done)} lists incomplete (deepest open page {deepest.get(site, 0)})"
        )
    return out
