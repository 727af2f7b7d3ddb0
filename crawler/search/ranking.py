"""Relevance: MongoDB's textScore where `$text` exists, the same idea computed in Python elsewhere.

Both only order what the filter already selected, so the set of results never depends on the
server. The Python score streams every candidate once and keeps the best `skip + limit` in a
heap: memory stays bounded by the page, not by the number of hits.
"""

from __future__ import annotations

import heapq
import math
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.derived.terms import to_simplified

if TYPE_CHECKING:
    from collections.abc import Iterable

#: A term MongoDB's text tokenizer keeps whole (letters, digits, CJK): safe inside `$search`.
_PLAIN = re.compile(r"^[^\W_]+$")
#: Weight of a needle found in the title, against log(1 + occurrences) in the body.
TITLE_WEIGHT = 3.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def text_search_string(terms: Iterable[str]) -> str | None:
    """The `$search` string for a `$text` clause, or None when no term can go there.

    `$text` matches documents holding *any* of its words, so adding it to the `$all` filter on
    the same words changes nothing about which documents match; it only brings textScore.
    Words with characters the text tokenizer splits or treats as syntax (-, ", .) are left out.
    """
    plain = [term for term in terms if _PLAIN.match(term)]
    return " ".join(plain) if plain else None


def score(doc: dict[str, Any], needles: Iterable[str]) -> float:
    """3 for every needle in the title plus log(1 + its occurrences in the body), summed."""
    title = (doc.get("title_simplified") or to_simplified(doc.get("title") or "")).lower()
    text = (doc.get("text_simplified") or to_simplified(doc.get("text") or "")).lower()
    total = 0.0
    for needle in needles:
        total = add_needle(total, needle in title, text.count(needle))
    return round(total, 4)


def add_needle(total: float, in_title: bool, count: int) -> float:
    """Add one needle's part to total, in this order, so that every path's sums are equal floats."""
    if in_title:
        total += TITLE_WEIGHT
    return total + math.log1p(count)


def top_by_score(docs: Iterable[dict[str, Any]], needles: tuple[str, ...], keep: int) -> list[dict[str, Any]]:
    """The `keep` best documents, best first (ties: newer first, then by _id), each with `score`."""
    heap: list[tuple[float, float, str, int, dict[str, Any]]] = []
    for order, doc in enumerate(docs):
        value = score(doc, needles)
        published = doc.get("published_at")
        recency = (published - _EPOCH).total_seconds() if isinstance(published, datetime) else -math.inf
        # The smallest key is the worst: lower score, then older, then larger _id.
        key = (value, recency, descending_key(str(doc.get("_id", ""))), -order, doc)
        if len(heap) < keep:
            heapq.heappush(heap, key)
        elif key[:4] > heap[0][:4]:
            heapq.heapreplace(heap, key)
    best = sorted(heap, key=lambda item: item[:4], reverse=True)
    return [{**doc, "score": value} for value, _, _, _, doc in best]


class Backwards(str):
    """A string that orders backwards (so in a max-heap the smaller _id wins a tie).

    Made in O(1), compared only on ties (a tuple compares its items with == first).
    """

    __slots__ = ()

    def __lt__(self, other: str) -> bool:
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:
        return str.__lt__(self, other)

    def __le__(self, other: str) -> bool:
        return str.__ge__(self, other)

    def __ge__(self, other: str) -> bool:
        return str.__le__(self, other)


def descending_key(text: str) -> Backwards:
    """A key that orders strings backwards (so in a max-heap the smaller _id wins a tie)."""
    return Backwards(text)
