"""Short excerpts of an article around what was searched for, with the matches marked.

Matches are found in the simplified copy (so 东营 marks 東營), case-insensitively, and shown in
the article's own script whenever the t2s copy lines up character for character (it almost
always does; otherwise the simplified excerpt is shown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crawler.derived.terms import to_simplified

if TYPE_CHECKING:
    from collections.abc import Iterable

ELLIPSIS = "…"


@dataclass(frozen=True)
class Snippet:
    """An excerpt and the [start, end) character ranges in it that matched."""

    text: str
    highlights: list[tuple[int, int]] = field(default_factory=list)


def _pattern(needles: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted({n for n in needles if n}, key=len, reverse=True)
    if not unique:
        return None
    return re.compile("|".join(re.escape(n) for n in unique), re.IGNORECASE)


def find_matches(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping [start, end) ranges of needles in text, in script-insensitive comparison."""
    pattern = _pattern(needles)
    if pattern is None or not text:
        return []
    simplified = to_simplified(text)
    if len(simplified) != len(text):
        return []
    return [m.span() for m in pattern.finditer(simplified)]


def highlight(text: str, needles: Iterable[str]) -> Snippet:
    """The whole text (a title, say) with its matches marked."""
    return Snippet(text, find_matches(text, needles))


def make_snippet(doc: dict[str, Any], needles: Iterable[str], width: int = 120) -> Snippet:
    """About `width` characters of the body around the densest group of matches.

    Without a match in the body (the title matched, or only filters were given) the excerpt
    is the start of the text.
    """
    original = doc.get("text") or ""
    simplified = doc.get("text_simplified") or to_simplified(original)
    shown = original if len(original) == len(simplified) else simplified
    shown = shown.replace("\n", " ").replace("\r", " ")
    pattern = _pattern(needles)
    spans = [m.span() for m in pattern.finditer(simplified)] if pattern else []
    start = _best_window(spans, simplified, width)
    end = min(len(shown), start + width)
    # Do not cut a match in half at either edge.
    for s, e in spans:
        if s < end < e:
            end = e
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(shown) else ""
    offset = len(prefix) - start
    marks = [(s + offset, e + offset) for s, e in spans if s >= start and e <= end]
    return Snippet(prefix + shown[start:end] + suffix, marks)


def _best_window(spans: list[tuple[int, int]], text: str, width: int) -> int:
    """Start of the window holding the most distinct matched words (earliest on ties).

    The window starts at the beginning of the sentence of its first match when that sentence
    starts within the window or shortly before it.
    """
    if not spans:
        return 0
    best_start, best_first, best_count = 0, 0, -1
    for s, _ in spans[:200]:
        start = max(0, s - width // 4)
        found = {text[a:b].lower() for a, b in spans[:400] if a >= start and b <= start + width}
        if len(found) > best_count:
            best_start, best_first, best_count = start, s, len(found)
    if best_start == 0:
        return 0
    ends = "。！？；\n.!?"
    cut = max(text.rfind(mark, best_start, best_first) for mark in ends)
    if cut < 0:
        cut = max(text.rfind(mark, max(0, best_start - 20), best_start) for mark in ends)
    if cut >= 0:
        best_start = cut + 1
        while best_start < best_first and text[best_start] in "”’」』）) \n":
            best_start += 1
    return best_start
