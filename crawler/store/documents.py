"""How an Article becomes a stored MongoDB document (and the rules every document obeys)."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from crawler.derived.fields import TERMS_VERSION, search_fields, terms_source
from crawler.derived.signature import SIGNATURE_FIELD
from crawler.items import SCHEMA_VERSION
from crawler.schema import article_schema
from crawler.warc.locations import BadWarcLocation, check_locations

if TYPE_CHECKING:
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
    """The `_id` of an article: the key the store decided (crawler/store/keys.py)."""
    return canonical_url


#: Characters a field name may not hold: MongoDB's '.' and FerretDB 1.24's trap, any character
#: JSON escapes (control characters, '"', backslash): FerretDB stores such a document but can
#: never read it back, and with it fails every scan of its collection (measured).
UNSAFE_KEY_CHARS = re.compile(r'[\x00-\x1f"\\.]')
#: Deepest nesting of objects and lists stored (MongoDB allows 100; a page needs a handful).
MAX_DEPTH = 50


class UnstorableDocument(ValueError):
    """A document no write path may store; the message names the field and what is wrong."""


def sanitize(value: Any, depth: int = 0) -> Any:
    """Make page-derived data storable everywhere: no NUL characters, no unsafe field names.

    Field names lose '.', any leading '$', control characters, '"' and backslashes (each
    becomes '_'); two names that become one keep both values (the second gets a suffix).
    """
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict | list | tuple | set) and depth >= MAX_DEPTH:
        raise UnstorableDocument(f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = _key(key)
            while name in out:
                name += "_"
            out[name] = sanitize(item, depth + 1)
        return out
    if isinstance(value, list | tuple | set):
        return [sanitize(v, depth + 1) for v in value]
    return value


def _key(key: object) -> str:
    return UNSAFE_KEY_CHARS.sub("_", str(key).replace("\x00", "")).lstrip("$") or "_"


def storable(doc: Any) -> dict[str, Any]:
    """The one step every write path takes (crawl, import, spill re-import, re-extraction).

    Field names and strings are made safe (sanitize), and the fields the archive's readers rely
    on are checked against the article schema (crawler/schema/article.schema.json): `_id` a
    non-empty string, dates dates, lists of strings lists of strings, WARC pointers under the
    WARC folder. UnstorableDocument names the first field that is wrong.
    """
    if not isinstance(doc, dict):
        raise UnstorableDocument(f"an article must be an object, not {type(doc).__name__}")
    clean = sanitize(doc)
    key = clean.get("_id")
    if not isinstance(key, str) or not key.strip():
        raise UnstorableDocument(
            f"field '_id': must be the article's canonical URL (a non-empty string), not {_shown(key)}"
        )
    properties, required = field_types()
    for name in required:
        if clean.get(name) is None:
            raise UnstorableDocument(f"field '{name}' is missing")
    for name, allowed in properties.items():
        if name in clean and not fits(clean[name], allowed):
            expected = " or ".join(sorted(allowed))
            raise UnstorableDocument(f"field '{name}': must be {expected}, not {_shown(clean[name])}")
    try:
        check_locations(clean.get("warc"))
    except BadWarcLocation as exc:
        raise UnstorableDocument(f"field {exc}" if str(exc).startswith("warc.") else str(exc)) from None
    return clean


#: Python types of the schema's JSON types, as pymongo reads and writes them.
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "date-time": (datetime,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


@cache
def field_types() -> tuple[dict[str, set[str]], tuple[str, ...]]:
    """Allowed kinds per schema field ('string', 'date-time', 'array of string' ...); required fields."""
    schema = article_schema()
    properties: dict[str, set[str]] = {}
    for name, prop in schema["properties"].items():
        kinds = prop.get("type")
        kinds = {kinds} if isinstance(kinds, str) else set(kinds or ())
        if prop.get("format") == "date-time" and "string" in kinds:
            kinds = (kinds - {"string"}) | {"date-time"}
        item = (prop.get("items") or {}).get("type")
        if "array" in kinds and isinstance(item, str):
            kinds = (kinds - {"array"}) | {f"array of {item}"}
        properties[name] = kinds
    return properties, tuple(schema.get("required", ()))


def fits(value: Any, kinds: set[str]) -> bool:
    """True when value is of one of the kinds field_types() gives a field."""
    for kind in kinds:
        if kind.startswith("array of "):
            item = _TYPES[kind.removeprefix("array of ")]
            if isinstance(value, list) and all(_is(v, item) for v in value):
                return True
        elif _is(value, _TYPES[kind]):
            return True
    return False


def _is(value: Any, types: tuple[type, ...]) -> bool:
    """isinstance, except that a bool is no number (JSON keeps them apart)."""
    return isinstance(value, types) and (bool in types or not isinstance(value, bool))


def _shown(value: Any) -> str:
    return repr(value)[:60] if isinstance(value, str) else type(value).__name__


def article_document(article: Article, seen_at: datetime) -> dict[str, Any]:
    """The full document for a newly stored article."""
    doc = article.to_dict()
    doc.pop("moved_from", None)  # recorded as a "moved" event by the store, not as a field
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
    # (from this very title and text: not if storing cut or cleaned them)
    precomputed = doc.pop("search", None) or {}
    # the story signature (crawler/stories/) travels with the document until the store assigns a story
    # (b"" when the worker found the text too short for one: the store does not try again)
    if precomputed:
        signature = precomputed.pop(SIGNATURE_FIELD, b"")
        doc[SIGNATURE_FIELD] = signature if isinstance(signature, bytes) else b""
    if (
        precomputed.get("terms_version") == TERMS_VERSION
        and precomputed.get("text_simplified") == doc.get("text_simplified")
        and precomputed.get("terms_source") == terms_source(doc)
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
