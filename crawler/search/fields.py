"""The search fields every stored article carries, computed from its title and text.

Called by `crawler.store.documents.article_document` for new and changed articles and by
`newsarchive reindex` for articles stored before these fields existed (or under older rules).
"""

from __future__ import annotations

from typing import Any

from crawler.search.terms import document_terms, to_simplified

#: Version of the segmentation rules (terms.py); stored articles with another value are reindexed.
TERMS_VERSION = 1

#: The fields search_fields() writes.
SEARCH_FIELDS = ("title_simplified", "text_simplified", "terms", "title_terms", "terms_version")


def search_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """`terms`, `title_terms`, `terms_version`, and the t2s copies when extraction left them empty."""
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
    }
