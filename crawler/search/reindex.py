"""Recompute the search fields of articles stored without them, under older rules, or edited since.

One streaming scan of every article: those whose `terms_version` is not the current one, or
whose title or text no longer hash to their `terms_source` (another tool edited them), get their
fields recomputed, with `_id`-keyed updates in batches of at most 50 (FerretDB 1.x wedges on
100+ modifying updates in one command); running it twice does nothing the second time. Given
the local search index, each updated batch is indexed as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pymongo import UpdateOne

from crawler.derived.fields import TERMS_VERSION, fields_current, search_fields, terms_source
from crawler.search.index import PROJECTION
from crawler.store.articles import MAX_UPDATE_BATCH

if TYPE_CHECKING:
    from collections.abc import Callable

    from pymongo.collection import Collection

    from crawler.search.index import SearchIndex

#: What search_fields() reads, and what tells whether its output is current.
SOURCE_FIELDS = {
    "title": 1,
    "text": 1,
    "title_simplified": 1,
    "text_simplified": 1,
    "terms_version": 1,
    "terms_source": 1,
}


def stale_filter() -> dict[str, Any]:
    """Articles whose search fields are missing or from other rules (a query: edits need stale_articles)."""
    return {"terms_version": {"$ne": TERMS_VERSION}}


def stale_articles(collection: Collection[dict[str, Any]], *, sample: int = 20) -> tuple[int, list[str]]:
    """How many articles have search fields not matching their rules or their title and text (one scan)."""
    count = 0
    ids: list[str] = []
    with collection.find({}, SOURCE_FIELDS, batch_size=500) as cursor:
        for doc in cursor:
            if not fields_current(doc):
                count += 1
                if len(ids) < sample:
                    ids.append(doc["_id"])
    return count, ids


def recomputed(doc: dict[str, Any]) -> dict[str, Any]:
    """The search fields of a stored document; its t2s copies too when its title or text changed since."""
    if doc.get("terms_source") != terms_source(doc):
        doc = {**doc, "title_simplified": None, "text_simplified": None}
    return search_fields(doc)


def reindex(
    collection: Collection[dict[str, Any]],
    *,
    everything: bool = False,
    batch: int = MAX_UPDATE_BATCH,
    progress: Callable[[int], None] | None = None,
    index: SearchIndex | None = None,
) -> int:
    """Recompute stale search fields (every article's with everything); returns how many were updated."""
    batch = max(1, min(batch, MAX_UPDATE_BATCH))
    updated = 0
    operations: list[UpdateOne] = []
    written: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal updated
        if operations:
            collection.bulk_write(operations, ordered=False)
            updated += len(operations)
            operations.clear()
            if index is not None:
                # dropped first: the index keeps an entry's tokens while its content_hash stands,
                # and an edit made by another tool leaves that hash as it was
                index.remove(doc["_id"] for doc in written)
                index.put(written)
            written.clear()
            if progress is not None:
                progress(updated)

    projection = {**PROJECTION, **SOURCE_FIELDS} if index is not None else SOURCE_FIELDS
    with collection.find({}, projection, batch_size=200) as cursor:
        for doc in cursor:
            if not everything and fields_current(doc):
                continue
            fields = recomputed(doc)
            operations.append(UpdateOne({"_id": doc["_id"]}, {"$set": fields}))
            if index is not None:
                written.append({**doc, **fields})
            if len(operations) >= batch:
                flush()
    flush()
    return updated
