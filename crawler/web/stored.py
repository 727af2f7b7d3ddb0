"""Stored documents as the pages show them: anything another tool wrote is shown, nothing breaks a page.

The database has no authentication and other tools write to it: a stored `text` may be a
date, `version` a string, `authors` an object. A field whose value is not of the schema's
type (crawler/schema/article.schema.json) is moved to `NAME (as stored)`, which the article
page lists as text with the other unknown fields, and its own place is left empty.
"""

from __future__ import annotations

from typing import Any

from crawler.store.documents import field_types, fits

AS_STORED = "{} (as stored)"


def shown(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with every wrong-typed schema field moved aside (a new dict)."""
    kinds, _required = field_types()
    out = dict(doc)
    for name, allowed in kinds.items():
        if name != "_id" and name in out and out[name] is not None and not fits(out[name], allowed):
            out[AS_STORED.format(name)] = out.pop(name)
    for name in ("history", "events"):  # lists of objects whose fields the pages read
        if isinstance(out.get(name), list):
            out[name] = [shown(item) if isinstance(item, dict) else {"value": item} for item in out[name]]
    return out
