"""Which stored article a fetched page is: its key (`_id`), decided on the archive's evidence.

Extraction proposes a key from the page alone (its canonical URL when that can name the
article, else the normalised fetched URL: crawler/extract/urls.py). The archive then decides:

1. A URL the archive already stored an article from is that article, whatever form its key
   has: an archive keyed under older normalisation rules gets no duplicates.
2. A canonical URL already held by a different article (stored from another URL, with another
   text) is not this page's key: two articles never become versions of each other. The
   fetched URL is the key instead (counted as ``canonical/ignored/claimed``); should even that
   be the key of the different article (which declared this page's URL canonical), the page's
   key is its URL with ``#own`` appended.
3. An article that moved (a permanent redirect from an archived URL to a URL the archive does
   not hold) keeps its key; its new URL is recorded.
4. A new URL differing from a stored one only in letter case, with the same text, is that
   article (a case-insensitive server; profiles can also say so: ``case_insensitive_paths``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from crawler.items import Article
    from crawler.store.index import ArchiveIndex, KnownArticle

#: Appended to the key of a page whose own URL is the key of a different article that declared it
#: canonical (so the page is stored as itself; a fragment is never part of a normalised URL).
OWN_KEY_SUFFIX = "#own"


@dataclass(frozen=True, slots=True)
class Identity:
    """The key for a fetched article, and what the store learned while deciding it."""

    key: str
    #: "claimed" when the page's canonical URL belongs to a different stored article.
    ignored: str | None = None
    #: The stored article this one moved from (its key is kept), if any.
    moved_from: str | None = None
    #: Found as a letter-case variant of a stored URL with the same text.
    case_variant: bool = False


def identify(article: Article, index: ArchiveIndex) -> Identity:
    """The key ``article`` is stored under (see the module's docstring for the rules, in order)."""
    normalize = index.rules.normalize
    fetched = normalize(article.url)
    known = index.find_url(article.url)
    if known is not None:
        if _same(known, article, fetched, normalize):
            return Identity(known.id)
        # The fetched URL is the key of a different article, which declared it canonical.
        own = index.get(fetched + OWN_KEY_SUFFIX)
        return Identity(own.id if own is not None else fetched + OWN_KEY_SUFFIX, "claimed")
    proposed = article.canonical_url
    if proposed != fetched:
        claimant = index.get(proposed) or index.find_url(proposed)
        if claimant is not None and not _same(claimant, article, fetched, normalize):
            return Identity(fetched, "claimed")
        if claimant is not None:
            return Identity(claimant.id)
        return Identity(proposed)
    for origin in article.moved_from:
        moved = index.find_url(origin)
        if moved is not None and index.get(fetched) is None:
            return Identity(moved.id, moved_from=origin)
    variant = index.find_folded(fetched)
    if variant is not None and variant.content_hash == article.content_hash:
        return Identity(variant.id, case_variant=True)
    return Identity(fetched)


def _same(known: KnownArticle, article: Article, fetched: str, normalize: Callable[[str], str]) -> bool:
    """The stored article is this one: fetched from the same URL, or holding the same title and text."""
    return normalize(known.url) == fetched or known.content_hash == article.content_hash
