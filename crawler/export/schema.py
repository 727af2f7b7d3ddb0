"""The article JSON Schema (crawler/schema/article.schema.json) and what exports derive from it."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib.resources import files
from typing import Any

#: A package resource, so that it loads from a zipped scrapyd egg too.
SCHEMA_FILE = files("crawler").joinpath("schema", "article.schema.json")
#: Stored for search and bookkeeping; exported only when asked for by name (--fields).
INTERNAL_FIELDS = (
    "terms",
    "title_terms",
    "terms_version",
    "title_simplified",
    "text_simplified",
    "fingerprints",
    "layout",
)


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def article_schema() -> dict[str, Any]:
    """The JSON Schema of a stored article (a fresh copy, safe to change)."""
    return copy.deepcopy(_schema())


def default_fields() -> list[str]:
    """What an export holds unless told otherwise: every documented field but the search copies."""
    return [name for name in _schema()["properties"] if name not in INTERNAL_FIELDS]


def field_kind(name: str) -> str:
    """'string', 'strings', 'datetime', 'integer' or 'json' (objects and unknown fields)."""
    prop = _schema()["properties"].get(name)
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


def export_schema(fields: list[str], info: dict[str, Any]) -> dict[str, Any]:
    """The schema of one export: only its fields (unknown ones as any JSON), plus what was exported."""
    schema = article_schema()
    properties = schema["properties"]
    schema["properties"] = {
        name: properties.get(name, {"description": "not a documented field"}) for name in fields
    }
    schema["required"] = [name for name in schema["required"] if name in fields]
    schema["x-export"] = info
    return schema
