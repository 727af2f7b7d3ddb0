"""The demo site's machine-readable entry points: robots.txt, the RSS feed and the sitemaps."""

from __future__ import annotations

from email.utils import format_datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from crawler.demo.content import SECTIONS, SITE_NAME

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from crawler.demo.content import DemoArticle

#: Items in the RSS feed (newest first).
RSS_ITEMS = 10

ROBOTS_PATH = "/robots.txt"
RSS_PATH = "/rss.xml"
SITEMAP_INDEX_PATH = "/sitemap.xml"
NEWS_SITEMAP_PATH = "/sitemap-news.xml"
SECTIONS_SITEMAP_PATH = "/sitemap-sections.xml"

_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def _w3c(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def robots_txt(base_url: str) -> str:
    """Robots rules: the back office and admin endpoints are off limits, the sitemap index is announced."""
    return (
        "# robots.txt for " + SITE_NAME + "\n"
        "User-agent: *\n"
        "Disallow: /admin/\n"
        "Disallow: /__admin__/\n"
        "Disallow: /search/\n"
        "Disallow: /comment/\n"
        "\n"
        f"Sitemap: {_absolute(base_url, SITEMAP_INDEX_PATH)}\n"
    )


def rss_feed(articles: Sequence[DemoArticle], base_url: str, built: datetime) -> str:
    """RSS 2.0 channel of the newest articles (``articles`` newest first)."""
    items = []
    for article in articles[:RSS_ITEMS]:
        url = escape(article.url(base_url))
        items.append(
            "<item>\n"
            f"<title>{escape(article.title)}</title>\n"
            f"<link>{url}</link>\n"
            f'<guid isPermaLink="true">{url}</guid>\n'
            f"<description>{escape(article.description)}</description>\n"
            f"<category>{escape(article.section_info.name)}</category>\n"
            f"<pubDate>{format_datetime(article.published)}</pubDate>\n"
            "</item>\n"
        )
    return (
        _XML_DECLARATION
        + '<rss version="2.0">\n<channel>\n'
        + f"<title>{SITE_NAME}</title>\n"
        + f"<link>{escape(base_url)}</link>\n"
        + f"<description>{SITE_NAME}最新新闻</description>\n"
        + "<language>zh-cn</language>\n"
        + f"<lastBuildDate>{format_datetime(built)}</lastBuildDate>\n"
        + "".join(items)
        + "</channel>\n</rss>\n"
    )


def sitemap_index(base_url: str, lastmod: datetime) -> str:
    """Sitemap index pointing at the news sitemap and the section sitemap."""
    entries = "".join(
        f"<sitemap><loc>{escape(_absolute(base_url, path))}</loc>"
        f"<lastmod>{_w3c(lastmod)}</lastmod></sitemap>\n"
        for path in (NEWS_SITEMAP_PATH, SECTIONS_SITEMAP_PATH)
    )
    return _XML_DECLARATION + f'<sitemapindex xmlns="{_SITEMAP_NS}">\n{entries}</sitemapindex>\n'


def news_sitemap(articles: Sequence[DemoArticle], base_url: str, modified: Mapping[int, datetime]) -> str:
    """Google News sitemap of every live article (first pages only), with publication dates."""
    entries = "".join(
        "<url>\n"
        f"<loc>{escape(article.url(base_url))}</loc>\n"
        f"<lastmod>{_w3c(modified.get(article.id, article.published))}</lastmod>\n"
        "<news:news>\n"
        f"<news:publication><news:name>{SITE_NAME}</news:name><news:language>zh-cn</news:language>"
        "</news:publication>\n"
        f"<news:publication_date>{_w3c(article.published)}</news:publication_date>\n"
        f"<news:title>{escape(article.title)}</news:title>\n"
        f"<news:keywords>{escape(', '.join(article.keywords))}</news:keywords>\n"
        "</news:news>\n"
        "</url>\n"
        for article in articles
    )
    return _XML_DECLARATION + f'<urlset xmlns="{_SITEMAP_NS}" xmlns:news="{_NEWS_NS}">\n{entries}</urlset>\n'


def sections_sitemap(base_url: str, home_modified: datetime, section_modified: Mapping[str, datetime]) -> str:
    """Plain sitemap of the home page and each section's first list page."""
    pages = [("/", home_modified, "hourly", "1.0")]
    pages += [(s.list_path(), section_modified[s.key], "hourly", "0.8") for s in SECTIONS]
    entries = "".join(
        f"<url><loc>{escape(_absolute(base_url, path))}</loc><lastmod>{_w3c(moment)}</lastmod>"
        f"<changefreq>{freq}</changefreq><priority>{priority}</priority></url>\n"
        for path, moment, freq, priority in pages
    )
    return _XML_DECLARATION + f'<urlset xmlns="{_SITEMAP_NS}">\n{entries}</urlset>\n'
