"""What the archive server can do for search: MongoDB ranks with `$text`, FerretDB 1.x cannot.

Detected by asking, not by version: a `$text` query that fails with IndexNotFound comes from
a server that knows `$text` (it only lacks the index, which we create); "unknown top level
operator" comes from one that does not. Filters never depend on the answer, only ranking.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pymongo import TEXT, IndexModel
from pymongo.errors import OperationFailure

if TYPE_CHECKING:
    from pymongo.collection import Collection

logger = logging.getLogger(__name__)

INDEX_NOT_FOUND = 27

#: Ranking index for MongoDB: query terms found in the title weigh five times those in the body.
#: `language_override` points at a field nobody writes, because MongoDB would otherwise read our
#: `language` field ("zh", which it cannot stem) and refuse the document.
TEXT_INDEX = IndexModel(
    [("title_terms", TEXT), ("terms", TEXT)],
    name="terms_text",
    weights={"title_terms": 5, "terms": 1},
    default_language="none",
    language_override="text_index_language",
)


@dataclass(frozen=True)
class Capabilities:
    """What one server offers; `text_search` means `$text` with `textScore` works."""

    server: str
    text_search: bool


def server_name(info: dict[str, Any]) -> str:
    """'FerretDB v1.24.0' or 'MongoDB 7.0.14', from buildInfo."""
    if "ferretdbVersion" in info:
        return f"FerretDB {info['ferretdbVersion']}"
    return f"MongoDB {info.get('version', '?')}"


def detect(collection: Collection[dict[str, Any]]) -> Capabilities:
    """Ask the server once (per Archive) whether `$text` exists."""
    server = server_name(collection.database.client.server_info())
    try:
        collection.find_one({"$text": {"$search": "newsarchive"}}, {"_id": 1})
    except OperationFailure as exc:
        text_search = exc.code == INDEX_NOT_FOUND
    else:
        text_search = True
    logger.debug("%s: $text %s", server, "available" if text_search else "not available")
    return Capabilities(server=server, text_search=text_search)


def ensure_text_index(collection: Collection[dict[str, Any]]) -> bool:
    """Create the ranking index when missing; False when the server (or our role) refuses."""
    name = TEXT_INDEX.document["name"]
    try:
        if name not in {ix["name"] for ix in collection.list_indexes()}:
            logger.info("creating the text index %s for relevance ranking", name)
            collection.create_indexes([TEXT_INDEX])
    except OperationFailure as exc:
        logger.warning("cannot create the text index (%s); ranking in Python instead", exc.details or exc)
        return False
    return True
