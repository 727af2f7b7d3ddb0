"""The article JSON Schema (article.schema.json, beside this file): what a stored and an exported article is.

The store checks a document's fields against it (crawler/store/documents.py); exports carry it
(crawler/export/schema.py). Both read it here, so neither imports the other.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib.resources import files
from typing import Any

#: A package resource, so that it loads from a zipped scrapyd egg too.
SCHEMA_FILE = files("crawler").joinpath("schema", "article.schema.json")


@cache
def cached_schema() -> dict[str, Any]:
    """The schema as loaded once (shared: never change it; article_schema() gives a copy)."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def article_schema() -> dict[str, Any]:
    """The JSON Schema of a stored article (a fresh copy, safe to change)."""
    return copy.deepcopy(cached_schema())
