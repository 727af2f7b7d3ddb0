"""Read XML sitemaps: sitemap indexes, URL sets and news sitemaps (gzip or plain)."""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.discovery.xml import local_name, parse_xml

__all__ = ["SitemapEntry", "SitemapFile", "parse_sitemap", "sitemap_urls_from_robots"]

#: A decompressed sitemap larger than this is refused (the protocol's limit is 50 MB).
MAX_SITEMAP_BYTES = 60 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One <url> or <sitemap>: its location and the dates the sitemap gives."""

    loc: str
    lastmod: str | None = None
    #: news:publication_date of a Google news sitemap.
    published: str | None = None


@dataclass(slots=True)
class SitemapFile:
    """A parsed sitemap: an index of other sitemaps or a set of page URLs."""

    is_index: bool
    entries: list[SitemapEntry] = field(default_factory=list)
    #: Entries past max_entries were left out.
    truncated: bool = False


def parse_sitemap(body: bytes, max_entries: int = 50_000) -> SitemapFile | None:
    """Parse a sitemap body (gzip detected by magic bytes); None if it is not a sitemap.

    At most max_entries entries are read (the protocol allows 50,000 per file).
    """
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
        except (OSError, ValueError):
            return None
    root = parse_xml(body)
    if root is None or local_name(root) not in ("sitemapindex", "urlset"):
        return None
    entries: list[SitemapEntry] = []
    truncated = False
    for item in root:
        if local_name(item) not in ("url", "sitemap"):
            continue
        if len(entries) >= max_entries:
            truncated = True
            break
        fields = {local_name(el): (el.text or "").strip() for el in item.iter() if el is not item}
        if fields.get("loc"):
            entries.append(
                SitemapEntry(
                    fields["loc"], fields.get("lastmod") or None, fields.get("publication_date") or None
                )
            )
    return SitemapFile(local_name(root) == "sitemapindex", entries, truncated)
