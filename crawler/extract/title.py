"""The headline: the profile's selector, else trafilatura's title, cleaned of site names and pinyin."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crawler.extract.htmltext import element_text
from crawler.extract.pinyin import strip_inline_pinyin

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: Separators between a headline and the site/channel name in <title>.
#: Titles reach it with whitespace collapsed; the bounds keep it linear on any input anyway.
TITLE_SEPARATORS_RE = re.compile(
    r"\s{1,8}[-|_–—·]\s{1,8}|\s{0,8}[|｜_]\s{0,8}|\s{0,8}--\s{0,8}|\s{1,8}-\s{0,8}|-\s{1,8}"
)


def _headings(tree: HtmlElement) -> list[str]:
    return [element_text(h) for h in tree.iter("h1", "h2") if element_text(h)]


def clean_title(raw: str | None, headings: list[str] | None = None) -> str | None:
    """Strip the site name ('新闻标题_XX网' -> '新闻标题') and inline pinyin from a title."""
    if not raw:
        return None
    title = " ".join(raw.split())
    title, _ = strip_inline_pinyin(title)
    parts = [p.strip() for p in TITLE_SEPARATORS_RE.split(title) if p and p.strip()]
    if len(parts) > 1:
        for heading in headings or []:
            if heading in parts:
                return heading
        longest = max(parts, key=len)
        # only cut when the rest looks like a site name (shorter than the headline)
        if len(longest) >= 2 * max(len(p) for p in parts if p is not longest):
            title = longest
    return title or None


def extract_title(tree: HtmlElement, selector: str | None, guess: str | None) -> str | None:
    """The headline from the profile's selector, else trafilatura's guess, else <h1>, else <title>."""
    if selector:
        nodes = tree.cssselect(selector)
        if nodes and (text := element_text(nodes[0])):
            return clean_title(text)
    headings = _headings(tree)
    if guess:
        return clean_title(guess, headings)
    h1 = [element_text(h) for h in tree.iter("h1") if element_text(h)]
    if len(h1) == 1:
        return clean_title(h1[0])
    title = tree.find(".//title")
    return clean_title(title.text_content() if title is not None else None, headings)
