"""Boilerplate learned per site: a paragraph that recurs across many articles of one site is not news.

Generic rules cannot know that every article of one portal ends with "欢迎关注XX发布微信公众号"
or starts with its slogan. Counting does: fingerprint every paragraph, count in how many of a
site's articles each fingerprint occurs, and call it boilerplate once it is in enough of them.

This module is pure: it counts and decides. Keeping the counts between crawls (the database)
is the caller's job, through ``BoilerplateLearner.to_dict()`` / ``from_dict()``; extraction
takes the learned set as ``extract_article(..., learned=...)``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crawler.extract.script import to_simplified

if TYPE_CHECKING:
    from collections.abc import Iterable

#: Paragraphs shorter than this (after normalisation) are not fingerprinted: "（完）" is not learned.
MIN_CHARS = 4
#: Most fingerprints counted in memory. Nearly every paragraph of a news site is unique, so the
#: table would otherwise grow with every article (~120 B per paragraph: ~240 MB over a year of
#: a portal, 100k articles). Past this size it keeps the most frequent half (boilerplate is by
#: definition among the most frequent: it is in a share of all articles). ~12 MB at most.
MAX_TABLE = 100_000
#: Once a site has this many articles counted, paragraphs seen only once are forgotten first.
FORGET_SINGLETONS_AFTER = 200

_DIGITS_RE = re.compile(r"\d+")
_SPACE_RE = re.compile(r"\s+")


def normalize_paragraph(paragraph: str) -> str:
    """What makes two paragraphs "the same": NFKC, simplified, no spaces, numbers as 0."""
    text = unicodedata.normalize("NFKC", paragraph)
    text = to_simplified(text) or text
    return _DIGITS_RE.sub("0", _SPACE_RE.sub("", text)).lower()


def fingerprint(paragraph: str) -> str | None:
    """Stable 16-hex-digit fingerprint of a paragraph, None when it is too short to count."""
    normalized = normalize_paragraph(paragraph)
    if len(normalized) < MIN_CHARS:
        return None
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=8).hexdigest()


def paragraph_fingerprints(text: str) -> list[str]:
    """Fingerprints of the paragraphs (lines) of ``text``, in order, without duplicates."""
    seen: list[str] = []
    for line in text.splitlines():
        value = fingerprint(line)
        if value is not None and value not in seen:
            seen.append(value)
    return seen


def remove_learned(paragraphs: list[str], learned: frozenset[str]) -> tuple[list[str], int]:
    """``paragraphs`` without those whose fingerprint is in ``learned``; also how many went."""
    if not learned:
        return paragraphs, 0
    kept = [p for p in paragraphs if fingerprint(p) not in learned]
    return kept, len(paragraphs) - len(kept)


@dataclass(slots=True)
class BoilerplateLearner:
    r"""Counts paragraph fingerprints over the articles of ONE site and says which recur.

    >>> learner = BoilerplateLearner(min_articles=2, min_count=2, min_share=0.5)
    >>> learner.add("新闻一\\n欢迎关注本网微信公众号")
    >>> learner.add("新闻二\\n欢迎关注本网微信公众号")
    >>> learner.learned() == {fingerprint("欢迎关注本网微信公众号")}
    True
    """

    #: Learn nothing before this many articles of the site have been counted; a paragraph is
    #: boilerplate when it occurs in at least ``min_share`` of them and in ``min_count`` at least
    #: (the caller passes the LEARN_* settings: extraction does not read settings).
    min_articles: int
    min_share: float
    min_count: int
    #: Articles counted so far.
    articles: int = 0
    #: fingerprint -> number of articles it occurred in.
    counts: Counter[str] = field(default_factory=Counter)
    #: Most fingerprints held (MAX_TABLE); past it the table keeps the most frequent half.
    max_table: int = MAX_TABLE
    #: The learned set, kept up to date by add_fingerprints (None: not computed yet).
    _learned: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.min_articles < 1 or self.min_count < 1 or not 0 < self.min_share <= 1:
            raise ValueError("min_articles and min_count must be >= 1 and 0 < min_share <= 1")
        if self.max_table < 2:
            raise ValueError("max_table must be >= 2")

    def add(self, text: str) -> None:
        """Count one article by its text (one paragraph per line)."""
        self.add_fingerprints(paragraph_fingerprints(text))

    def add_fingerprints(self, fingerprints: Iterable[str]) -> None:
        """Count one article by its fingerprints (``Article.fingerprints``); duplicates count once."""
        self.articles += 1
        unique = set(fingerprints)
        self.counts.update(unique)
        if len(self.counts) > self.max_table:
            self.counts = self.most_frequent(self.max_table // 2)
            self._learned = None  # recomputed from the kept table at the next learned()
        cached = self._learned
        if cached is None or self.articles < self.min_articles:
            return
        # Counts and the floor only grow: a fingerprint can join the set only when its own count
        # grows (it is in this article), and leave it only when the floor passes it. So this
        # article and the current set are all that need looking at, never the whole table.
        floor = self._floor()
        joined = {fp for fp in unique if fp not in cached and self.counts[fp] >= floor}
        left = {fp for fp in cached if self.counts[fp] < floor}
        if joined or left:
            self._learned = (cached - left) | joined

    def _floor(self) -> float:
        return max(self.min_count, self.min_share * self.articles)

    def learned(self) -> frozenset[str]:
        """Fingerprints of the site's boilerplate paragraphs under the current thresholds.

        The same object comes back until the set changes (callers may compare by identity).
        """
        if self.articles < self.min_articles:
            return frozenset()
        if self._learned is None:
            floor = self._floor()
            self._learned = frozenset(fp for fp, count in self.counts.items() if count >= floor)
        return self._learned

    def most_frequent(self, limit: int) -> Counter[str]:
        """The counts of at most ``limit`` fingerprints, the most frequent: what is kept and stored.

        Once FORGET_SINGLETONS_AFTER articles are counted, paragraphs seen once go first.
        """
        counts = self.counts
        if self.articles >= FORGET_SINGLETONS_AFTER:
            counts = Counter({fp: n for fp, n in counts.items() if n > 1})
        return counts if len(counts) <= limit else Counter(dict(counts.most_common(limit)))

    def to_dict(self) -> dict[str, Any]:
        """Plain data for storage: {"articles": n, "counts": {fingerprint: n}} (thresholds are options)."""
        return {"articles": self.articles, "counts": dict(self.counts)}

    @classmethod
    def from_dict(cls, data: dict[str, Any], **thresholds: Any) -> BoilerplateLearner:
        """Rebuild a learner from ``to_dict()`` output; thresholds as keyword arguments."""
        return cls(
            articles=int(data.get("articles", 0)), counts=Counter(data.get("counts", {})), **thresholds
        )
