"""Pages whose extraction did not complete, kept until re-extraction from their WARC records succeeds.

One document per page URL in ``extraction_failures`` (``_id``: the normalized URL), with the
WARC pointers of the fetched response, the reason, and how many times it failed. Filters are
only ever ``{_id: value}`` or ``{site: value}`` built here from plain strings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.extract.urls import normalize_url

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pymongo.database import Database

    from crawler.items import ExtractionFailure

COLLECTION = "extraction_failures"


class ExtractionFailures:
    """Record, list and resolve extraction failures."""

    def __init__(self, db: Database[dict[str, Any]]) -> None:
        self.collection = db[COLLECTION]

    def record(self, failure: ExtractionFailure, run_id: str | None = None) -> str:
        """Upsert the failure of one page (attempts counted); returns its _id."""
        key = normalize_url(failure.url)
        self.collection.update_one(
            {"_id": key},
            {
                "$set": {
                    "url": str(failure.url),
                    "site": str(failure.site),
                    "reason": str(failure.reason),
                    "message": str(failure.message),
                    "status": int(failure.status),
                    "fetched_at": failure.fetched_at,
                    "warc": list(failure.warc),
                    "run_id": run_id,
                    "failed_at": datetime.now(UTC),
                },
                "$inc": {"attempts": 1},
            },
            upsert=True,
        )
        return key

    def pending(self, site: str | None = None) -> Iterator[dict[str, Any]]:
        """Failures not yet resolved (of one site, or all)."""
        query: dict[str, Any] = {} if site is None else {"site": str(site)}
        yield from self.collection.find(query)

    def count(self, site: str | None = None) -> int:
        """How many pages of a site (or of all) are waiting for re-extraction."""
        return self.collection.count_documents({} if site is None else {"site": str(site)})

    def resolve(self, key: str) -> None:
        """The page was extracted after all: forget its failure."""
        self.collection.delete_one({"_id": str(key)})

    def failed_again(self, key: str, reason: str, message: str) -> None:
        """Another attempt (re-extraction) failed too."""
        self.collection.update_one(
            {"_id": str(key)},
            {
                "$set": {"reason": str(reason), "message": str(message), "failed_at": datetime.now(UTC)},
                "$inc": {"attempts": 1},
            },
        )
