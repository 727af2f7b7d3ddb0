"""Plain text of an HTML element, one line per block, as a reader sees the page.

Used where trafilatura's output is not the right view: the text of a profile's body
selector, and the whole page read line by line to find the title, the date line and the
byline around the article body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from collections.abc import Iterator

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


#: Headings by tag: the level a line inherits from its nearest heading ancestor.
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
#: ``style`` values that hide an element (its text is no line of the page).
_HIDDEN_STYLE_RE = re.compile(r"display\s{0,4}:\s{0,4}none|visibility\s{0,4}:\s{0,4}hidden", re.IGNORECASE)


@dataclass(slots=True)
class PageLine:
    """One line of the page as a reader sees it, with the element it sits in."""

    text: str
    #: The innermost block element holding the line (its path is the line's place in the template).
    element: HtmlElement
    #: 1..6 inside an <h1>..<h6>, else 0.
    heading: int = 0
    #: Characters of the line inside links, and the first link's href.
    link_chars: int = 0
    href: str | None = None

    @property
    def is_link(self) -> bool:
        """Most of the line is link text (a menu entry, a related article)."""
        return self.link_chars * 2 > len(self.text.replace(" ", ""))


def page_lines(root: HtmlElement) -> list[PageLine]:
    """The visible lines of ``root`` in reading order, each with its block element, heading level and links.

    One pass over the tree (no recursion: deep trees of broken pages are fine); hidden elements
    (scripts, ``display:none``, ``hidden``) give no line. Written flat (no helper calls per
    node): it runs once over every page.
    """
    lines: list[PageLine] = []
    parts: list[str] = []
    blocks: list[HtmlElement] = [root]
    headings: list[int] = []
    links: list[HtmlElement] = []
    link_chars = 0
    href: str | None = None

    def flush() -> None:
        nonlocal link_chars, href
        if not parts:  # nothing since the last line (then no link characters were counted either)
            return
        text = _SPACES_RE.sub(" ", "".join(parts)).strip()
        if text:
            lines.append(PageLine(text, blocks[-1], headings[-1] if headings else 0, link_chars, href))
        parts.clear()
        link_chars, href = 0, None

    def add(text: str) -> None:
        nonlocal link_chars, href
        pieces = text.split("\n")
        for number, piece in enumerate(pieces):
            if number:
                flush()
            if piece:
                parts.append(piece)
                if links:
                    link_chars += len(piece.strip())
                    if href is None:
                        href = links[-1].get("href")

    stack: list[tuple[HtmlElement, Iterator[HtmlElement], str]] = []
    element: HtmlElement | None = root
    tag = root.tag.lower() if isinstance(root.tag, str) else ""
    while element is not None:
        # open ``element`` (tag lowered), then descend
        if tag in BLOCK_TAGS:
            if parts:
                flush()
            blocks.append(element)
        elif tag == "a" and element.get("href"):
            links.append(element)
        if tag in _HEADINGS:
            headings.append(_HEADINGS[tag])
        if element.text:
            add(element.text)
        stack.append((element, iter(element), tag))
        element = None
        while stack and element is None:
            parent, children, parent_tag = stack[-1]
            for child in children:
                child_tag = child.tag.lower() if isinstance(child.tag, str) else None
                if (
                    child_tag is None
                    or child_tag in HIDDEN_TAGS
                    or child.get("hidden") is not None
                    or ((style := child.get("style")) and _HIDDEN_STYLE_RE.search(style))
                ):  # comments, processing instructions, hidden
                    if child.tail:
                        add(child.tail)
                    continue
                element, tag = child, child_tag
                break
            else:  # close ``parent``
                stack.pop()
                if parent_tag == "a" and links and links[-1] is parent:
                    links.pop()
                elif parent_tag in BLOCK_TAGS:
                    if parts:
                        flush()
                    blocks.pop()
                if parent_tag in _HEADINGS and headings:
                    headings.pop()
                if stack and parent.tail:
                    add(parent.tail)
    if parts:
        flush()
    return lines


def element_path(element: HtmlElement, root: HtmlElement | None = None) -> str:
    """Where ``element`` sits in its page's template: tags with their class and id, from the body down.

    Digits in classes and ids are dropped (``art_1234``), positions are not counted: the path
    names the same place on every page of one template.
    """
    steps: list[str] = []
    node: HtmlElement | None = element
    while node is not None and node is not root:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("body", "html"):
            break
        marker = ".".join(sorted(_DIGITS_RE.sub("", c) for c in (node.get("class") or "").split()))
        ident = _DIGITS_RE.sub("", node.get("id") or "")
        steps.append(tag + (f".{marker}" if marker else "") + (f"#{ident}" if ident else ""))
        node = node.getparent()
    return ">".join(reversed(steps))


_DIGITS_RE = re.compile(r"\d+")


def element_text(element: HtmlElement | None) -> str:
    """Visible text of an inline element on one line ('' for None)."""
    if element is None:
        return ""
    return " ".join(block_text(element).split())


def serialize(element: HtmlElement) -> str:
    """HTML of ``element`` (for handing a subtree to another extractor)."""
    return etree.tostring(element, encoding="unicode", method="html")
