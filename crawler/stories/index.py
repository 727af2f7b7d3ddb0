"""One archive's stories: which state to use, assigning new articles, the backfill, and the listings.

`StoryIndex.for_database(db)` picks the state: on the local FerretDB a SQLite file beside the
search index (`<search index>.stories.sqlite`, same folder and name), elsewhere MongoDB
collections. `ArticleStore.flush()` calls `assign()` for the articles it is about to insert and
`record()` for those it inserted; `backfill()` gives a story to every stored article without
one (`newsarchive reindex --stories`).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from pymongo import UpdateOne

from crawler.derived.signature import SIGNATURE_FIELD, Signature, signature
from crawler.search.index import MODE_ENV, SearchIndex
from crawler.store.articles import MAX_UPDATE_BATCH
from crawler.stories.clusters import assign
from crawler.stories.state import LocalStories, RemoteStories, copy_row, first_key

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from pymongo.database import Database

logger = logging.getLogger(__name__)

#: What the backfill reads of each article.
BACKFILL_PROJECTION = {
    "_id": 1,
    "url": 1,
    "site": 1,
    "published_at": 1,
    "text": 1,
    "text_simplified": 1,
    "story": 1,
}


def document_signature(doc: dict[str, Any]) -> Signature | None:
    """The signature a worker attached (removed from doc; b"": none), else computed from the stored text."""
    data = doc.pop(SIGNATURE_FIELD, None)
    if isinstance(data, bytes | bytearray):
        return Signature.from_bytes(bytes(data))
    text = doc.get("text_simplified") or doc.get("text")
    return signature(text) if isinstance(text, str) else None


def _is_ferretdb(db: Database[dict[str, Any]]) -> bool:
    try:
        return "ferretdbVersion" in db.client.server_info()
    except Exception:
        return False


class StoryIndex:
    """The stories of one database, on the state that suits its server."""

    def __init__(self, db: Database[dict[str, Any]], state: LocalStories | RemoteStories) -> None:
        """Use state (see for_database)."""
        self.db = db
        self.state = state

    @classmethod
    def for_database(cls, db: Database[dict[str, Any]], *, write: bool = True) -> StoryIndex:
        """The local SQLite state beside the search index on FerretDB (unless off), else collections.

        write=False (the web view, `reprints`): nothing is created, neither the file, its name in
        `archive_meta`, nor the `story` index; an archive without the local file is read from
        the collections.
        """
        ferretdb = _is_ferretdb(db)
        local = ferretdb and os.environ.get(MODE_ENV, "auto").lower() not in ("off", "0", "no", "false")
        if local:
            path = SearchIndex.path_for(db, create=write)
            if path is not None:
                path = path.with_suffix(".stories.sqlite")
                if write or path.exists():
                    return cls(db, LocalStories(path))
        remote = RemoteStories(db, ferretdb=ferretdb)
        if write:
            remote.ensure_indexes()
        return cls(db, remote)

    @property
    def local(self) -> bool:
        """True when the state is the local SQLite file."""
        return isinstance(self.state, LocalStories)

    def close(self) -> None:
        """Close the local file, if any."""
        if isinstance(self.state, LocalStories):
            self.state.close()

    # Writing ------------------------------------------------------------------------------------

    def assign(self, docs: list[dict[str, Any]]) -> None:
        """Set `story` on each document about to be inserted (in order: a later one may join an earlier)."""
        if not docs:
            return
        if isinstance(self.state, LocalStories):
            with self.state.transaction():
                for doc in docs:
                    doc["story"] = assign(self.state, doc["_id"], document_signature(doc))
        else:
            for doc in docs:
                doc["story"] = assign(self.state, doc["_id"], document_signature(doc))

    def record(self, docs: list[dict[str, Any]]) -> None:
        """Remember the stories of stored documents (the local listing; MongoDB has its index)."""
        if isinstance(self.state, LocalStories) and docs:
            with self.state.transaction():
                self.state.record(docs)

    def backfill(self, *, everything: bool = False, progress: Callable[[int], None] | None = None) -> int:
        """Give a story to every stored article without one (every article: everything); returns how many.

        One projected scan of the store, in its order (the story is named by the first copy
        met; which copy came first is told by publication dates when listed), `_id`-keyed
        `$set` updates in batches of 50; memory holds one batch.
        """
        articles = self.db["articles"]
        if everything:
            self.state.reset()
        done = 0
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            if not batch:
                return
            self.assign(batch)
            articles.bulk_write(
                [UpdateOne({"_id": d["_id"]}, {"$set": {"story": d["story"]}}) for d in batch]
            )
            self.record(batch)
            batch.clear()

        with articles.find({}, BACKFILL_PROJECTION, batch_size=200) as cursor:
            for doc in cursor:
                if not everything and isinstance(doc.get("story"), str):
                    continue
                doc.pop("story", None)
                batch.append(doc)
                if len(batch) >= MAX_UPDATE_BATCH:
                    done += len(batch)
                    flush()
                    if progress is not None:
                        progress(done)
        done += len(batch)
        flush()
        return done

    # Reading ------------------------------------------------------------------------------------

    def story_of(self, article_id: str) -> str | None:
        """An article's story (the local listing, else the stored article's field)."""
        if isinstance(self.state, LocalStories):
            found = self.state.story_of(article_id)
            if found is not None:
                return found
        doc = self.db["articles"].find_one({"_id": article_id}, {"story": 1}) or {}
        story = doc.get("story")
        return story if isinstance(story, str) else None

    def copies(self, story: str) -> list[dict[str, Any]]:
        """Every copy of a story, first published first: `_id`, `url`, `site`, `published_at`."""
        return self.state.copies(story)

    def reprinted(
        self, *, sites: list[str] | None = None, since: datetime | None = None
    ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """(story, copies) of every story with two copies or more, one of them matching the filters."""
        if isinstance(self.state, LocalStories):
            yield from self.state.reprinted(sites=sites, since=since)
            return
        groups: dict[str, list[dict[str, Any]]] = {}
        projection = {"_id": 1, "url": 1, "site": 1, "published_at": 1, "story": 1}
        for doc in self.db["articles"].find({"story": {"$type": "string"}}, projection):
            groups.setdefault(doc["story"], []).append(copy_row(doc))
        for story in sorted(groups):
            copies = groups[story]
            if len(copies) > 1 and any(_matches(c, sites, since) for c in copies):
                yield story, sorted(copies, key=first_key)


def _matches(copy: dict[str, Any], sites: list[str] | None, since: datetime | None) -> bool:
    if sites and copy.get("site") not in sites:
        return False
    if since is None:
        return True
    when = copy.get("published_at")
    return when is not None and first_key(copy)[1] >= since
