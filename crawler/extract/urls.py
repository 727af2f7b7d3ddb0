"""Canonical article URLs: the key an article is stored under."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

if TYPE_CHECKING:
    from lxml import html as lxml_html

#: Query parameters that never change what article a URL shows.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|spm|from|share(_\w+)?|fbclid|gclid|mc_\w+|ref|isappinstalled)$", re.I
)


def normalize_url(url: str) -> str:
    """Lowercase scheme and host, drop fragment, default port and tracking parameters.

    Never raises: a URL that does not parse (a bad port, a stray bracket) comes back stripped.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    netloc = (
        host if port is None or (parts.scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    )
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    )
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))


def canonical_url(tree: lxml_html.HtmlElement | None, url: str) -> str:
    """The page's declared canonical URL when it stays on the same host, else the normalized URL."""
    if tree is not None:
        for href in tree.xpath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href'):
            candidate = urljoin(url, href.strip())
            if urlsplit(candidate).hostname == urlsplit(url).hostname and urlsplit(candidate).scheme in (
                "http",
                "https",
            ):
                return normalize_url(candidate)
    return normalize_url(url)
