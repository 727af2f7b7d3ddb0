"""A readable difference between two versions of an article: paragraphs, then characters.

Paragraphs are compared first (difflib over lines); a paragraph replaced by another is then
compared character by character, which is what Chinese text without spaces needs. Both steps
are bounded: very long paragraphs, or too many of them, are shown removed and added whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

#: Character-level comparison only for paragraph pairs up to this size (SequenceMatcher is
#: quadratic in the worst case).
MAX_INLINE_CHARS = 4000
#: Paragraph-level comparison only up to this many paragraphs per side.
MAX_PARAGRAPHS = 5000
#: Fields compared besides the text, in the order shown.
FIELDS = (
    "title",
    "authors",
    "source",
    "editors",
    "published_at",
    "modified_at",
    "section",
    "description",
    "tags",
    "url",
    "content_hash",
    "extractor_version",
)


#: Units of the character-level comparison: a number or Latin word whole (2860 -> 3000 reads as
#: one change, not 286 -> 300), every other character on its own (Chinese has no spaces).
_TOKEN_RE = re.compile(r"[0-9A-Za-z]+|\s+|.", re.DOTALL)


@dataclass
class Block:
    """One paragraph of the diff: kind is same, added, removed or changed; pieces are (text, kind)."""

    kind: str
    pieces: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class TextDiff:
    """The paragraphs of a diff plus counts for the summary line."""

    blocks: list[Block]
    added: int = 0
    removed: int = 0
    changed: int = 0


def paragraphs(text: str | None) -> list[str]:
    """Non-blank lines of a stored text."""
    return [line for line in (text or "").splitlines() if line.strip()]


def inline(old: str, new: str) -> list[tuple[str, str]]:
    """Character-level pieces of one changed paragraph: (text, same | added | removed)."""
    if len(old) > MAX_INLINE_CHARS or len(new) > MAX_INLINE_CHARS:
        return [(old, "removed"), (new, "added")]
    a, b = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    pieces: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(("".join(a[i1:i2]), "same"))
            continue
        if i2 > i1:
            pieces.append(("".join(a[i1:i2]), "removed"))
        if j2 > j1:
            pieces.append(("".join(b[j1:j2]), "added"))
    return pieces


def text_diff(old_text: str | None, new_text: str | None) -> TextDiff:
    """Paragraph blocks from old to new."""
    old, new = paragraphs(old_text), paragraphs(new_text)
    if len(old) > MAX_PARAGRAPHS or len(new) > MAX_PARAGRAPHS:
        blocks = [Block("removed", [(p, "removed")]) for p in old]
        blocks += [Block("added", [(p, "added")]) for p in new]
        return TextDiff(blocks, added=len(new), removed=len(old))
    result = TextDiff([])
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result.blocks += [Block("same", [(p, "same")]) for p in old[i1:i2]]
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            result.blocks.append(Block("changed", inline(old[i1 + k], new[j1 + k])))
            result.changed += 1
        for p in old[i1 + pairs : i2]:
            result.blocks.append(Block("removed", [(p, "removed")]))
            result.removed += 1
        for p in new[j1 + pairs : j2]:
            result.blocks.append(Block("added", [(p, "added")]))
            result.added += 1
    return result


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, old value, new value) for every compared field that differs."""
    return [(name, old.get(name), new.get(name)) for name in FIELDS if old.get(name) != new.get(name)]
