"""What follows the store's writes: the local search index and reprint detection, passed in.

Both are above the store (they read it), so the store does not import them: whoever opens an
ArticleStore for a crawl or a tool passes their openers (crawler.archive.writer.open_store; the
archive session for a crawl), and the store calls each at the first flush that needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pymongo.collection import Collection
    from pymongo.database import Database


class SearchIndexWriter(Protocol):
    """The local search index as a flush uses it (crawler.search.index.SearchIndex)."""

    def repair(self, collection: Collection[dict[str, Any]]) -> int:
        """Index what the store holds for the intents of dead writers."""
        ...

    def begin(self, ids: Iterable[str]) -> list[str]:
        """Record the intent to store these articles (before the store write)."""
        ...

    def commit(
        self, intent: list[str], docs: Iterable[dict[str, Any]] = (), states: dict[str, str] | None = None
    ) -> None:
        """After the store write: index the written documents, set states, clear the intents."""
        ...

    def sync_ids(self, collection: Collection[dict[str, Any]], ids: Iterable[str]) -> None:
        """Make these articles' entries match the store."""
        ...


class StoryWriter(Protocol):
    """Reprint detection as a flush uses it (crawler.stories.index.StoryIndex)."""

    def assign(self, docs: list[dict[str, Any]]) -> None:
        """Give the articles about to be inserted their `story`."""
        ...

    def record(self, docs: list[dict[str, Any]]) -> None:
        """Remember the stories of the articles that were inserted."""
        ...

    def close(self) -> None:
        """Release the story state."""
        ...


#: Opens a database's search index for writing (None: the database has none, or it is not wanted).
SearchIndexOpener = Callable[["Database[dict[str, Any]]"], SearchIndexWriter | None]
#: Opens a database's story state.
StoryOpener = Callable[["Database[dict[str, Any]]"], StoryWriter]
