"""Online clustering of articles into stories: LSH candidates, verified, first copy names the story.

Each article arrives once (as it is stored, or in a backfill) with its signature. Its band keys
are looked up in the band table: every story sharing a band is a candidate. A candidate is
accepted when the article's estimated similarity to the story's first copy (its stored
signature) reaches VERIFY, the best one winning; otherwise the article starts a story of its
own. The article's band keys are then added under its story. Stories never merge and an
article's story never changes afterwards: what was exported or shown stays true.

The band table and story signatures live in a `StoryState` (crawler/stories/state.py: SQLite
beside the local database, or collections on MongoDB), so the clustering survives restarts
and every crawl writing to the archive shares it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import TYPE_CHECKING, Any, Protocol

from crawler.derived.signature import Signature

if TYPE_CHECKING:
    from collections.abc import Iterable

#: Estimated Jaccard similarity (of 5-gram sets) to a story's first copy needed to join it.
VERIFY = 0.3


class StoryState(Protocol):
    """Where band keys, story signatures and articles' stories are kept."""

    def stories_of_bands(self, keys: list[str]) -> dict[str, list[str]]:
        """The stories holding each of these band keys (absent keys: none)."""
        ...

    def signatures(self, stories: list[str]) -> dict[str, Signature]:
        """The first copy's signature of each of these stories."""
        ...

    def add(self, story: str, signature: Signature, keys: list[str], *, new: bool) -> None:
        """Record an article's band keys under its story (and the story's signature if new)."""
        ...


def story_id(article_id: str) -> str:
    """A story's id: 16 hex digits of a hash of the id of the article that started it."""
    return hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def assign(state: StoryState, article_id: str, signature: Signature | None) -> str:
    """The story of one article (recorded in state); a story of its own without a signature."""
    own = story_id(article_id)
    if signature is None:
        return own
    keys = signature.bands
    found = state.stories_of_bands(keys)
    votes: Counter[str] = Counter(story for stories in found.values() for story in stories)
    best, best_similarity = None, VERIFY
    if votes:
        known = state.signatures([story for story, _ in votes.most_common(8)])
        for story, first in known.items():
            similarity = signature.similarity(first)
            if similarity >= best_similarity and (best is None or similarity > best_similarity):
                best, best_similarity = story, similarity
    story = best or own
    missing = [key for key in keys if story not in found.get(key, ())]
    state.add(story, signature, missing, new=best is None)
    return story


def assign_all(state: StoryState, items: Iterable[tuple[str, Signature | None]]) -> dict[str, str]:
    """The stories of several articles, in order (a later one may join an earlier one's story)."""
    return {article_id: assign(state, article_id, signature) for article_id, signature in items}


def signature_of(doc: dict[str, Any]) -> Signature | None:
    """The stored signature of a document, if it has a valid one."""
    data = doc.get("story_signature")
    return Signature.from_bytes(bytes(data)) if isinstance(data, bytes | bytearray) else None
