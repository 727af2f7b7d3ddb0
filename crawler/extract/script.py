"""Which Chinese script a text is written in, and its simplified copy for search.

The archive keeps text as published (traditional stays traditional); search runs on an
OpenCC ``t2s`` copy so that a query for 东营 finds 東營.
"""

from __future__ import annotations

import re
from functools import cache
from typing import overload

import opencc

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"

#: Fewer Han characters than this: no decision (a title of three characters says little).
MIN_HAN_CHARS = 4
#: Share of characters that only one script has, needed to call a text traditional.
MIN_TRADITIONAL_SHARE = 0.02

_HAN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA_RE = re.compile(r"[\u3040-\u30ff]")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@cache
def _changes(char: str, config: str) -> bool:
    return _converter(config).convert(char) != char


def detect_script(text: str | None) -> str | None:
    """``"simplified"``, ``"traditional"`` or None (no or too few Han characters, or Japanese)."""
    if not text:
        return None
    han = _HAN_RE.findall(text)
    if len(han) < MIN_HAN_CHARS or len(_KANA_RE.findall(text)) > len(han) / 10:
        return None
    traditional_only = sum(1 for c in han if _changes(c, "t2s"))
    simplified_only = sum(1 for c in han if _changes(c, "s2t"))
    if traditional_only > simplified_only and traditional_only >= MIN_TRADITIONAL_SHARE * len(han):
        return TRADITIONAL
    return SIMPLIFIED


@overload
def to_simplified(text: str) -> str: ...
@overload
def to_simplified(text: None) -> None: ...
def to_simplified(text: str | None) -> str | None:
    """OpenCC t2s copy of ``text`` (None stays None, simplified text comes back unchanged)."""
    if text is None:
        return None
    if text.isascii():
        # Nothing for OpenCC to change, and no need to load its dictionaries: the crawl process
        # meets such text (an empty title, a Western page) and otherwise carries ~30 MB for it.
        return text
    return _converter("t2s").convert(text)
