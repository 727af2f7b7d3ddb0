"""What a count over the archive reads: its articles and, on the local database, its search index.

crawler.archive.Archive is one. Trends and stats, below it, take any archive of this shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pymongo.collection import Collection

    from crawler.search.index import SearchIndex


class Searchable(Protocol):
    """An archive's `articles` collection and its local search index (None: the server answers)."""

    @property
    def articles(self) -> Collection[dict[str, Any]]:
        """The stored articles."""
        ...

    @property
    def local_index(self) -> SearchIndex | None:
        """The local search index, when the archive has one."""
        ...
