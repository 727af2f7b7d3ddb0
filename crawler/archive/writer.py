"""An ArticleStore with what follows its writes: the local search index and reprint detection.

The store does not import either (crawler/store/followers.py); this is where the three meet,
for the archive session of a crawl and for the tools that write articles outside one
(`reextract`, `import`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler import settings as project
from crawler.search.index import SearchIndex
from crawler.store.articles import ArticleStore
from crawler.stories.index import StoryIndex

if TYPE_CHECKING:
    from pymongo.database import Database


def open_store(
    db: Database[dict[str, Any]],
    *,
    search_index: bool = True,
    stories: bool = project.STORE_STORIES,
    **options: Any,
) -> ArticleStore:
    """The database's ArticleStore, keeping its local search index (if any) and stories in step.

    ``options``: ArticleStore's batching options (its defaults are the STORE_* settings').
    """
    return ArticleStore(
        db,
        search_index=SearchIndex.for_writer if search_index else None,
        stories=StoryIndex.for_database if stories else None,
        **options,
    )
