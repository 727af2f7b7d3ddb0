"""The search fields every stored article carries, computed from its title and text.

Called by `crawler.store.documents.article_document` for new and changed articles and by
`newsarchive reindex` for articles stored before these fields existed (or under older rules).
"""

from __future__ import annotations

from typing import Any

from crawler.derived.terms import document_terms, to_simplified
from crawler.items import content_hash

#: Version of the segmentation rules (terms.py); stored articles with another value are reindexed.
TERMS_VERSION = 1

#: The fields search_fields() writes.
SEARCH_FIELDS = (
    "title_simplified",
    "text_simplified",
    "terms",
    "title_terms",
    "terms_version",
    "terms_source",
)


def terms_source(doc: dict[str, Any]) -> str:
    """A hash of the title and text the search fields stand for (content_hash of the stored values).

    Stored as `terms_source`: an article whose title or text another tool edited no longer matches
    it, so `newsarchive db check` finds it and `newsarchive reindex` rebuilds its fields.
    """
    return content_hash(doc.get("title"), doc.get("text") or "")


def fields_current(doc: dict[str, Any]) -> bool:
    """True when the stored search fields were computed by today's rules from today's title and text."""
    return doc.get("terms_version") == TERMS_VERSION and doc.get("terms_source") == terms_source(doc)


def search_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The terms, their version and source, and the t2s copies when extraction left them empty."""
    title = doc.get("title") or ""
    text = doc.get("text") or ""
    title_simplified = doc.get("title_simplified")
    text_simplified = doc.get("text_simplified")
    if title_simplified is None:
        title_simplified = to_simplified(title)
    if text_simplified is None:
        text_simplified = to_simplified(text)
    title_terms = document_terms(title_simplified)
    return {
        "title_simplified": title_simplified,
        "text_simplified": text_simplified,
        "terms": document_terms(title_simplified, text_simplified),
        "title_terms": title_terms,
        "terms_version": TERMS_VERSION,
        "terms_source": terms_source(doc),
    }
