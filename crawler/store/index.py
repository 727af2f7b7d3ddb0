"""What the archive already holds for a site, loaded with one projected scan at the start of a crawl.

The store decides new / changed / unchanged from it, the incremental middleware decides what
is due for a revisit, and the WARC writer finds earlier captures for revisit records, all
without one database query per page (a full scan each on the local FerretDB).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.extract.urls import normalize_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from pymongo.collection import Collection

#: The fields loaded for every stored article of the site.
PROJECTION = {
    "content_hash": 1,
    "url": 1,
    "state": 1,
    "published_at": 1,
    "last_seen": 1,
    "etag": 1,
    "last_modified": 1,
    "version": 1,
    "warc": 1,
}


@dataclass(slots=True)
class KnownArticle:
    """The facts about one stored article that a crawl needs."""

    id: str
    content_hash: str
    url: str
    state: str = "live"
    published_at: datetime | None = None
    last_seen: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    version: int = 1

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> KnownArticle:
        """From a stored document (or a document about to be stored)."""
        return cls(
            id=doc["_id"],
            content_hash=doc.get("content_hash", ""),
            url=doc.get("url") or doc["_id"],
            state=doc.get("state") or "live",
            published_at=doc.get("published_at"),
            last_seen=doc.get("last_seen"),
            etag=doc.get("etag"),
            last_modified=doc.get("last_modified"),
            version=doc.get("version") or 1,
        )


class ArchiveIndex:
    """Stored articles by `_id` and by every URL they were fetched under, plus their raw captures."""

    def __init__(self) -> None:
        self._by_id: dict[str, KnownArticle] = {}
        self._by_url: dict[str, str] = {}
        self._captures: dict[str, dict[str, Any]] = {}

    @classmethod
    def load(cls, collection: Collection[dict[str, Any]], site: str | None = None) -> ArchiveIndex:
        """One projected scan of the site's articles."""
        index = cls()
        for doc in collection.find({} if site is None else {"site": site}, PROJECTION):
            index.remember(doc)
        return index

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[KnownArticle]:
        return iter(list(self._by_id.values()))

    def remember(self, doc: dict[str, Any]) -> KnownArticle:
        """Record a stored (or about to be stored) document."""
        known = KnownArticle.from_document(doc)
        self._by_id[known.id] = known
        self._by_url[normalize_url(known.id)] = known.id
        self._by_url[normalize_url(known.url)] = known.id
        for record in doc.get("warc") or ():
            if record.get("url"):
                self._captures[normalize_url(record["url"])] = record
        return known

    def get(self, article_id: str) -> KnownArticle | None:
        """By `_id` (canonical URL)."""
        return self._by_id.get(article_id)

    def find_url(self, url: str) -> KnownArticle | None:
        """By any URL the article was fetched under (normalised), or its canonical URL."""
        article_id = self._by_url.get(normalize_url(url))
        return self._by_id.get(article_id) if article_id else None

    def capture(self, url: str) -> dict[str, Any] | None:
        """The WARC record of the last archived response for this URL (for revisit records)."""
        return self._captures.get(normalize_url(url))

    def record_capture(self, url: str, record: dict[str, Any]) -> None:
        """Remember a capture written during this crawl."""
        self._captures[normalize_url(url)] = record
