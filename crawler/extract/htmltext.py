"""Plain text of an HTML element, one line per block, as a reader sees the page.

Used where trafilatura's output is not the right view: the text of a profile's body
selector, and the whole page read line by line to find the title, the date line and the
byline around the article body.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: Elements that start a new line.
_BLOCK_WORDS = (
    "address article aside blockquote br caption center dd div dl dt fieldset figcaption figure footer"
    " form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul"
)
BLOCK_TAGS = frozenset(_BLOCK_WORDS.split())
#: Elements whose text is never shown.
HIDDEN_TAGS = frozenset(
    "script style noscript template rt rp head title select option textarea button".split()  # noqa: SIM905
)

_SPACES_RE = re.compile(r"[ \t\r\f\v\u00a0\u2002\u2003\u2009\u200b\u3000]+")


def _walk(element: HtmlElement, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else None
    if tag is None or tag.lower() in HIDDEN_TAGS:  # comments, processing instructions, hidden
        if element.tail:
            parts.append(element.tail)
        return
    block = tag.lower() in BLOCK_TAGS
    if block:
        parts.append("\n")
    if element.text:
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
    if block:
        parts.append("\n")
    if element.tail:
        parts.append(element.tail)


def block_text(element: HtmlElement) -> str:
    """Visible text of ``element`` with a line break around every block element."""
    parts: list[str] = []
    _walk(element, parts)
    lines = (_SPACES_RE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def element_text(element: HtmlElement | None) -> str:
    """Visible text of an inline element on one line ('' for None)."""
    if element is None:
        return ""
    return " ".join(block_text(element).split())


def serialize(element: HtmlElement) -> str:
    """HTML of ``element`` (for handing a subtree to another extractor)."""
    return etree.tostring(element, encoding="unicode", method="html")
