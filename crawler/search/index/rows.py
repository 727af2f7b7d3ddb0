"""An article's rows in the index: its result fields and search text, packed; its FTS tokens.

The index mirrors the *stored* fields exactly (`terms`, `title_simplified`, `text_simplified`,
`site`...), so its answers are those of a full scan of the store.
"""

from __future__ import annotations

import json
import re
import zlib
from typing import TYPE_CHECKING, Any

import ahocorasick

from crawler.derived.terms import to_simplified

if TYPE_CHECKING:
    from collections.abc import Iterable

#: Stored fields the index reads.
PROJECTION = {
    "_id": 1,
    "site": 1,
    "published_at": 1,
    "source": 1,
    "section": 1,
    "authors": 1,
    "state": 1,
    "content_hash": 1,
    "terms": 1,
    "terms_version": 1,
    "title": 1,
    "text": 1,
    "title_simplified": 1,
    "text_simplified": 1,
    "url": 1,
    "language": 1,
}
#: The fields of a search result, in this order (absent ones are None), on every path: what a
#: result row and its snippet need, kept in the index so a page never reads the store.
RESULT_FIELDS = (
    "_id",
    "url",
    "site",
    "title",
    "text",
    "authors",
    "source",
    "section",
    "published_at",
    "language",
    "state",
)
#: Result fields kept in a row's compressed data (the others are columns of `docs`).
_STORED_RESULT_FIELDS = ("url", "site", "title", "text", "authors", "source", "section", "language")
#: What a drift check reads from the store (title and text: are the search fields still theirs?).
CHECK_PROJECTION = {
    "_id": 1,
    "content_hash": 1,
    "state": 1,
    "terms_version": 1,
    "terms_source": 1,
    "title": 1,
    "text": 1,
}
#: Appended to each phrase column: every substring, even at the end, starts a trigram.
_SENTINEL = "\x01\x01"
#: Not whitespace in the sense of the stats' `\S` regex on the server (Go RE2 / PCRE: ASCII).
NOT_BLANK = re.compile(r"[^\t\n\v\f\r ]")


def hex_term(term: str) -> str:
    """A stored term as an FTS token: its UTF-8 bytes in hex (any term, punctuation included)."""
    return term.encode("utf-8").hex()


def occurrence_counts(text: str, terms: Iterable[str]) -> dict[str, int]:
    """``text.count(term)`` for each of the hundreds of non-empty terms of one article, in one pass.

    An Aho-Corasick automaton of the terms finds every occurrence of every term (overlapping
    ones too) in one walk of the text; each term then counts its occurrences left to right,
    skipping those that overlap its last counted one: what ``str.count`` counts. One-character
    terms are left to ``str.count`` (they would be most of the matches). ~4x less CPU than a
    scan per term on the eval pages' articles (profiled: 13 % of the crawl process).
    """
    counts: dict[str, int] = {}
    automaton = ahocorasick.Automaton()
    for term in terms:
        if len(term) == 1:
            counts[term] = text.count(term)
        elif term not in counts:
            counts[term] = 0
            automaton.add_word(term, term)
    if len(automaton) == 0:
        return counts
    automaton.make_automaton()
    free_from: dict[str, int] = {}
    for end, term in automaton.iter(text):
        start = end - len(term) + 1
        if start >= free_from.get(term, 0):
            counts[term] += 1
            free_from[term] = end + 1
    return counts


def term_tokens(doc: dict[str, Any]) -> str:
    """The `terms` row of an article: every stored term, its title mark and its body count.

    The marks carry the two parts of ranking.score for a term: found in the simplified title
    (`<hex>t`), and how often it occurs in the simplified text (`<hex>n<count>`, 0 included).
    """
    terms = doc.get("terms")
    if not isinstance(terms, list):
        return ""
    title = (doc.get("title_simplified") or to_simplified(doc.get("title") or "") or "").lower()
    text = (doc.get("text_simplified") or to_simplified(doc.get("text") or "") or "").lower()
    tokens: list[str] = []
    unique = list(dict.fromkeys(t for t in terms if isinstance(t, str) and t))
    counts = occurrence_counts(text, unique)
    for term in unique:
        code = hex_term(term)
        tokens.append(code)
        if term in title:
            tokens.append(code + "t")
        tokens.append(f"{code}n{counts[term]}")
    return " ".join(tokens)


def strings(value: Any) -> list[str]:
    """A stored string or list of strings as a list (duplicates and non-strings dropped)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return list(dict.fromkeys(v for v in value if isinstance(v, str)))
    return []


def text_or_none(value: Any) -> str | None:
    """The value if it is a string."""
    return value if isinstance(value, str) else None


def stored_version(doc: dict[str, Any]) -> int | None:
    """The document's `terms_version` when it is an integer."""
    value = doc.get("terms_version")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def fts_string(text: str) -> str:
    """An FTS5 string literal: user text is never query syntax."""
    return '"' + text.replace('"', '""') + '"'


def phrase_columns(doc: dict[str, Any]) -> tuple[str, str]:
    """The `phrases` row of an article: its simplified title and text, each ending in the sentinel."""
    title = doc.get("title_simplified")
    body = doc.get("text_simplified")
    return (
        (title + _SENTINEL) if isinstance(title, str) else "",
        (body + _SENTINEL) if isinstance(body, str) else "",
    )


def pack(doc: dict[str, Any]) -> bytes:
    """An article's stored row, compressed JSON: result fields, terms, simplified title and text.

    The simplified copies are kept only when they differ from the title and text.

    Results and their snippets are read from here (never from the store); relevance of several
    terms is computed from it; the FTS rows are deleted with the tokens it reproduces.
    """
    data: dict[str, Any] = {name: doc[name] for name in _STORED_RESULT_FIELDS if name in doc}
    terms = doc.get("terms")
    data["terms"] = [t for t in terms if isinstance(t, str)] if isinstance(terms, list) else None
    for simplified, original in (("title_simplified", "title"), ("text_simplified", "text")):
        value = doc.get(simplified)
        if not (isinstance(value, str) and value == doc.get(original)):
            data[simplified] = value if isinstance(value, str) else None
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return zlib.compress(raw.encode("utf-8", "surrogatepass"), 6)


def unpack(blob: bytes) -> dict[str, Any]:
    """The dict pack() stored."""
    return json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))


def text_source(data: dict[str, Any]) -> dict[str, Any]:
    """What term_tokens, ranking.score and phrase_columns read, from a stored row."""
    terms = data.get("terms")
    return {
        "terms": terms if terms is not None else "",
        "title": data.get("title"),
        "text": data.get("text"),
        "title_simplified": data.get("title_simplified", data.get("title")),
        "text_simplified": data.get("text_simplified", data.get("text")),
    }
