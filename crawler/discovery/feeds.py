"""Read RSS 2.0, RSS 1.0/RDF and Atom feeds into article links (tolerating broken XML)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.discovery.xml import local_name, parse_xml

if TYPE_CHECKING:
    from lxml import etree


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed: its link and, when given, its publication date as printed."""

    url: str
    title: str | None = None
    published: str | None = None


def _child_text(element: etree._Element, *names: str) -> str | None:
    for child in element:
        if local_name(child) in names and (child.text or "").strip():
            return child.text.strip()
    return None


def parse_feed(body: bytes) -> list[FeedEntry]:
    """Entries of a feed in document order; an unreadable feed gives an empty list."""
    root = parse_xml(body)
    if root is None:
        return []
    entries: list[FeedEntry] = []
    for element in root.iter():
        name = local_name(element)
        if name == "item":  # RSS 2.0 and RSS 1.0 (RDF)
            url = _child_text(element, "link") or element.get(
                "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
            )
            published = _child_text(element, "pubDate", "date", "published", "updated")
        elif name == "entry":  # Atom
            url = next(
                (
                    link.get("href")
                    for link in element
                    if local_name(link) == "link"
                    and link.get("rel", "alternate") == "alternate"
                    and link.get("href")
                ),
                None,
            )
            published = _child_text(element, "published", "updated")
        else:
            continue
        if url:
            entries.append(FeedEntry(url.strip(), _child_text(element, "title"), published))
    return entries
