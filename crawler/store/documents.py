"""How an Article becomes a stored MongoDB document (and the rules every document obeys)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.items import SCHEMA_VERSION
from crawler.search.fields import TERMS_VERSION, search_fields

if TYPE_CHECKING:
    from datetime import datetime

    from crawler.items import Article

#: Fields that describe the fetch rather than the article: refreshed on every visit.
FETCH_FIELDS = ("url", "fetched_at", "status", "encoding", "etag", "last_modified", "last_seen")
#: Fields of an article that make up one version of it (kept in article_versions).
VERSION_FIELDS = (
    "url",
    "title",
    "text",
    "authors",
    "source",
    "editors",
    "published_at",
    "modified_at",
    "description",
    "tags",
    "categories",
    "section",
    "page_urls",
    "content_hash",
    "extractor_version",
    "warc",
    "fetched_at",
)


#: Longest stored value of each text field, in characters (stated in crawler/schema/article.schema.json).
#: A longer value is cut and the field named in `quality.truncated`: one huge page (a merged
#: multi-page article, a page of generated text) must not exceed MongoDB's 16 MB per document.
TEXT_LIMITS = {
    "title": 1_000,
    "title_simplified": 1_000,
    "text": 200_000,
    "text_simplified": 200_000,
    "description": 10_000,
    "source": 1_000,
    "section": 1_000,
}
#: Longest stored list (authors, tags, page_urls, fingerprints ...), in items; longer ones are cut too.
LIST_LIMIT = 1_000
#: Largest document sent to the database (MongoDB refuses more than 16 MiB; keep a margin).
MAX_DOCUMENT_BYTES = 15 * 1024 * 1024


def cap_fields(doc: dict[str, Any]) -> list[str]:
    """Cut over-long text fields and lists in place; returns the names of the fields cut."""
    truncated = []
    for name, value in doc.items():
        limit = TEXT_LIMITS.get(name)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            doc[name] = value[:limit]
            truncated.append(name)
        elif isinstance(value, list) and len(value) > LIST_LIMIT:
            doc[name] = value[:LIST_LIMIT]
            truncated.append(name)
    return truncated


def document_id(canonical_url: str) -> str:
    """The `_id` of an article: its canonical URL (deterministic, so re-crawls never duplicate)."""
    return canonical_url


def sanitize(value: Any) -> Any:
    """Make page-derived data storable everywhere: no NUL characters, no '.'/'$' in keys."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_key(k): sanitize(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [sanitize(v) for v in value]
    return value


def _key(key: object) -> str:
    return str(key).replace("\x00", "").replace(".", "_").lstrip("$") or "_"


def article_document(article: Article, seen_at: datetime) -> dict[str, Any]:
    """The full document for a newly stored article."""
    doc = sanitize(article.to_dict())
    if truncated := cap_fields(doc):
        doc["quality"] = {**(doc.get("quality") or {}), "truncated": sorted(truncated)}
    doc["_id"] = document_id(article.canonical_url)
    doc["schema_version"] = SCHEMA_VERSION
    doc["first_seen"] = seen_at
    doc["last_seen"] = seen_at
    doc["version"] = 1
    doc["version_since"] = seen_at
    doc["state"] = "live"
    doc["history"] = []
    doc["events"] = []
    # terms and t2s copies for search (crawler/search/), computed by the extraction worker if it could
    precomputed = doc.pop("search", None) or {}
    if precomputed.get("terms_version") == TERMS_VERSION and precomputed.get("text_simplified") == doc.get(
        "text_simplified"
    ):
        doc.update(precomputed)
    else:
        doc.update(search_fields(doc))
    return doc


def version_document(stored: dict[str, Any], replaced_at: datetime) -> dict[str, Any]:
    """An earlier version of an article, as kept in `article_versions` (insert-only)."""
    version = stored.get("version", 1)
    doc = {name: stored.get(name) for name in VERSION_FIELDS}
    doc.update(
        _id=f"{stored['_id']}@v{version}",
        article_id=stored["_id"],
        site=stored.get("site"),
        version=version,
        since=stored.get("version_since") or stored.get("first_seen"),
        until=replaced_at,
        schema_version=SCHEMA_VERSION,
        seq=stored.get("seq"),
    )
    return doc
