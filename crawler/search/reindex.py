"""Backfill the search fields of articles stored before they existed, or under older rules.

One streaming scan for the articles whose `terms_version` is not the current one, and
`_id`-keyed updates in batches of at most 50 (FerretDB 1.x wedges on 100+ modifying updates
in one command); running it twice does nothing the second time. Given the local search index,
each updated batch is indexed as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pymongo import UpdateOne

from crawler.search.fields import TERMS_VERSION, search_fields
from crawler.search.index import PROJECTION
from crawler.store.articles import MAX_UPDATE_BATCH

if TYPE_CHECKING:
    from collections.abc import Callable

    from pymongo.collection import Collection

    from crawler.search.index import SearchIndex

#: What search_fields() reads.
SOURCE_FIELDS = {"title": 1, "text": 1, "title_simplified": 1, "text_simplified": 1}


def stale_filter(everything: bool = False) -> dict[str, Any]:
    """Articles whose search fields are missing or from other rules (all with everything=True)."""
    return {} if everything else {"terms_version": {"$ne": TERMS_VERSION}}


def reindex(
    collection: Collection[dict[str, Any]],
    *,
    everything: bool = False,
    batch: int = MAX_UPDATE_BATCH,
    progress: Callable[[int], None] | None = None,
    index: SearchIndex | None = None,
) -> int:
    """Recompute the search fields; returns how many articles were updated."""
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
                index.put(written)
            written.clear()
            if progress is not None:
                progress(updated)

    projection = PROJECTION if index is not None else SOURCE_FIELDS
    with collection.find(stale_filter(everything), projection, batch_size=200) as cursor:
        for doc in cursor:
            fields = search_fields(doc)
            operations.append(UpdateOne({"_id": doc["_id"]}, {"$set": fields}))
            if index is not None:
                written.append({**doc, **fields})
            if len(operations) >= batch:
                flush()
    flush()
    return updated
