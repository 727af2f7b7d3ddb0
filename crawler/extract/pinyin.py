"""Keep pronunciation guides out of the text: ``<rt>``/``<rp>`` ruby and inline 字(pīn) marks.

Portals that annotate characters for learners either use ruby markup (``<ruby>機<rp>(</rp>
<rt>jī</rt><rp>)</rp></ruby>``) or print the syllable in brackets after the character. Both
must disappear from the stored text and title, while real brackets (社区(村), (记者 李怀苹))
stay: a bracketed word is removed only when it follows a character and every word in it
is a tone-marked pinyin syllable.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from crawler.extract.patterns import PINYIN_SYLLABLE_RE, TONE_MARKED_VOWELS

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: A bracketed run of Latin letters (with tone marks) right after a character (Han, or whatever
#: a broken decode left in its place).
_BRACKETED_RE = re.compile(
    r"(?<=\w)\s?[(（]\s?([a-zA-Z"
    + TONE_MARKED_VOWELS
    + r"üÜ]{1,7}(?:\s[a-zA-Z"
    + TONE_MARKED_VOWELS
    + r"üÜ]{1,7}){0,3})\s?[)）]"
)
_TONE_RE = re.compile(f"[{TONE_MARKED_VOWELS}]")


def strip_ruby(tree: HtmlElement) -> int:
    """Remove ``<rt>``/``<rp>`` (keeping their tails) from ``tree`` in place; returns how many."""
    removed = 0
    for element in list(tree.iter("rt", "rp")):
        element.drop_tree()
        removed += 1
    return removed


def is_pinyin_syllable(word: str) -> bool:
    """True for one tone-marked pinyin syllable such as ``jī`` or ``guān`` (``lüè`` too)."""
    if not _TONE_RE.search(word):
        return False
    bare = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))
    bare = bare.replace("u\u0308", "ü")
    return bool(PINYIN_SYLLABLE_RE.match(bare))


def _is_annotation(inner: str) -> bool:
    words = inner.split()
    return bool(words) and all(is_pinyin_syllable(w) for w in words)


def strip_inline_pinyin(text: str) -> tuple[str, int]:
    """Remove 字(pīn) annotations; returns the text and the number removed."""
    if "(" not in text and "（" not in text:  # no bracket, no annotation (most lines: no scan)
        return text, 0
    removed = 0

    def drop(match: re.Match[str]) -> str:
        nonlocal removed
        if _is_annotation(match.group(1)):
            removed += 1
            return ""
        return match.group(0)

    return _BRACKETED_RE.sub(drop, text), removed
