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


def join_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``; None for links that do not parse (``http://[x]/``, bad ports)."""
    try:
        joined = urljoin(base, href.strip())
        parts = urlsplit(joined)
        _ = parts.port
    except ValueError:
        return None
    return joined


def canonical_url(tree: lxml_html.HtmlElement | None, url: str) -> str:
    """The page's declared canonical URL when it stays on the same host, else the normalized URL."""
    if tree is not None:
        for href in tree.xpath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href'):
            candidate = join_url(url, href)
            if candidate is None:
                continue
            parts = urlsplit(candidate)
            if parts.hostname == urlsplit(url).hostname and parts.scheme in ("http", "https"):
                return normalize_url(candidate)
    return normalize_url(url)
