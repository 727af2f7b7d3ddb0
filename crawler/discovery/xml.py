"""Safe, forgiving XML parsing shared by the feed and sitemap readers."""

from __future__ import annotations

from lxml import etree


def parse_xml(body: bytes) -> etree._Element | None:
    """Root element of possibly broken XML; no entities resolved, no network; None if unreadable."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, remove_comments=True)
    try:
        return etree.fromstring(body.strip(), parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def local_name(element: etree._Element) -> str:
    """Tag name without its namespace ('' for comments and processing instructions)."""
    return etree.QName(element.tag).localname if isinstance(element.tag, str) else ""
