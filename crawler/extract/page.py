"""The input of extraction: one fetched page as plain values, no Scrapy objects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from crawler.profiles import SiteProfile


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: what the spider, `newsarchive extract` and re-extraction all hand over."""

    url: str
    body: bytes
    content_type: str | None = None
    status: int = 200
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    #: The Last-Modified response header, as sent (the publication date of last resort).
    last_modified: str | None = None
    #: The text of the link a crawl followed to the page (one more title the headline is checked against).
    link_text: str | None = None


def default_profile(url: str) -> SiteProfile:
    """A profile for a page of a site without one: its host as name, every default (Asia/Shanghai)."""
    from crawler.profiles import parse_profile

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    name = re.sub(r"[^a-z0-9_-]+", "-", host).strip("-_")[:63] or "unknown"
    scheme = parts.scheme if parts.scheme in ("http", "https") else "http"
    base = f"{scheme}://{host}/" if host else "http://unknown.invalid/"
    return parse_profile(f"name: {name}\nbase_url: {base!r}\n", source=f"<default profile for {url}>")
