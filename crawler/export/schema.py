"""The article JSON Schema (crawler/schema/article.schema.json) and what exports derive from it."""

from __future__ import annotations

from typing import Any

from crawler.schema import article_schema, cached_schema

#: Stored for search and bookkeeping; exported only when asked for by name (--fields).
INTERNAL_FIELDS = (
    "terms",
    "title_terms",
    "terms_version",
    "terms_source",
    "title_simplified",
    "text_simplified",
    "fingerprints",
    "layout",
)

#: The fields a feed record (`export --cursor`, a dataset appended by a cursor) has before the
#: article's own. The article's fields follow, taken from article.schema.json (default_fields()
#: or --fields): a field added to the article schema, such as the `story` id of reprints, is
#: carried by feeds and datasets with no change here.
FEED_PROPERTIES: dict[str, dict[str, Any]] = {
    "seq": {
        "type": "integer",
        "minimum": 1,
        "description": "Archive sequence number of this change; feeds are ordered by it, each served once.",
    },
    "kind": {
        "type": "string",
        "enum": ["new", "version", "gone", "restored"],
        "description": "A new article, a new version of one (the record holds that version), an "
        "article taken down, or one that came back (the record holds the article as stored).",
    },
    "changed_at": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "When the change was seen: first fetch, the fetch that found the new text, "
        "or the visit that found the page gone / back.",
    },
    "reason": {
        "type": ["string", "null"],
        "description": "Why a gone article counts as gone (404, home-page redirect, deletion notice).",
    },
}


def feed_fields(fields: list[str]) -> list[str]:
    """The columns of a feed record: FEED_PROPERTIES, then the article fields asked for."""
    return [*FEED_PROPERTIES, *(name for name in fields if name not in FEED_PROPERTIES)]


def default_fields() -> list[str]:
    """What an export holds unless told otherwise: every documented field but the search copies."""
    return [name for name in cached_schema()["properties"] if name not in INTERNAL_FIELDS]


def field_kind(name: str) -> str:
    """'string', 'strings', 'datetime', 'integer' or 'json' (objects and unknown fields)."""
    prop = FEED_PROPERTIES.get(name) or cached_schema()["properties"].get(name)
    if prop is None:
        return "json"
    types = prop.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    if prop.get("format") == "date-time":
        return "datetime"
    if "array" in types and prop.get("items", {}).get("type") == "string":
        return "strings"
    if "integer" in types:
        return "integer"
    if "string" in types:
        return "string"
    return "json"


def export_schema(fields: list[str], info: dict[str, Any], *, feed: bool = False) -> dict[str, Any]:
    """The schema of one export: only its fields (unknown ones as any JSON), plus what was exported.

    feed: records of a feed (FEED_PROPERTIES first, `seq` being the change's number).
    """
    schema = article_schema()
    properties = {**schema["properties"], **(FEED_PROPERTIES if feed else {})}
    schema["properties"] = {
        name: properties.get(name, {"description": "not a documented field"}) for name in fields
    }
    schema["required"] = [name for name in schema["required"] if name in fields]
    schema["x-export"] = info
    return schema
