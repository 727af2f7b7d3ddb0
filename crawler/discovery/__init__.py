"""Finding article URLs: feeds, sitemaps, list pages and URL classification."""

from crawler.discovery.feeds import FeedEntry, parse_feed
from crawler.discovery.sitemaps import SitemapEntry, SitemapFile, parse_sitemap, sitemap_urls_from_robots
from crawler.discovery.urls import LinkKind, classify_url

__all__ = [
    "FeedEntry",
    "LinkKind",
    "SitemapEntry",
    "SitemapFile",
    "classify_url",
    "parse_feed",
    "parse_sitemap",
    "sitemap_urls_from_robots",
]
