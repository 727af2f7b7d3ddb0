"""How an Article becomes a stored MongoDB document (and the rules every document obeys)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.items import SCHEMA_VERSION
from crawler.search.fields import search_fields

if TYPE_CHECKING:
    from datetime import datetime

    from crawler.items import Article

#: Fields that describe the fetch rather than the article: refreshed on every visit.
FETCH_FIELDS = ("url", "fetched_at", "status", "encoding", "last_seen")


def document_id(canonical_url: str) -> str:
    """The `_id` of an article: its canonical URL (deterministic, so re-crawls never duplicate)."""
    return canonical_url


def sanitize(value: Any) -> Any:
    """Make page-derived data storable everywhere: no NUL characters, no '.'/'$' in keys."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {
            str(k).replace("\x00", "").replace(".", "_").lstrip("$") or "_": sanitize(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set):
        return [sanitize(v) for v in value]
    return value


def article_document(article: Article, seen_at: datetime) -> dict[str, Any]:
    """The full document for a newly stored article."""
    doc = sanitize(article.to_dict())
    doc["_id"] = document_id(article.canonical_url)
    doc["schema_version"] = SCHEMA_VERSION
    doc["first_seen"] = seen_at
    doc["last_seen"] = seen_at
    doc["version"] = 1
    doc.update(search_fields(doc))  # terms and t2s copies for search (crawler/search/)
    return doc
