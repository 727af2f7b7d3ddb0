from __future__ import annotations

import gzip

import pytest

from crawler.discovery import parse_sitemap

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>http://a.cn/p/1.htm</loc><news:news><news:publication><news:name>A</news:name><news:language>zh</news:language>
</news:publication><news:publication_date>2026-11-27T09:30:00+08:00</news:publication_date><news:title>T</news:title></news:news></url>
<url><loc>http://a.cn/p/2.htm</loc><lastmod>2026-11-26</lastmod></url>
<url><lastmod>2026-11-26</lastmod></url>
</urlset>"""
INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://a.cn/sitemap-news.xml</loc></sitemap><sitemap><loc>http://a.cn/s2.xml.gz</loc></sitemap></sitemapindex>"""


def test_news_sitemap_keeps_publication_dates() -> None:
    sitemap = parse_sitemap(NEWS)
    assert sitemap is not None and not sitemap.is_index
    assert [(e.loc, e.lastmod, e.published) for e in sitemap.entries] == [
        ("http://a.cn/p/1.htm", None, "2026-11-27T09:30:00+08:00"),
        ("http://a.cn/p/2.htm", "2026-11-26", None),
    ]


def test_index_lists_sitemaps() -> None:
    sitemap = parse_sitemap(INDEX)
    assert sitemap is not None and sitemap.is_index
    assert [e.loc for e in sitemap.entries] == ["http://a.cn/sitemap-news.xml", "http://a.cn/s2.xml.gz"]


def test_gzip_sitemap() -> None:
    sitemap = parse_sitemap(gzip.compress(NEWS))
    assert sitemap is not None and len(sitemap.entries) == 2


@pytest.mark.parametrize(
    "body", [b"", b"<html><body>Not found</body></html>", b"\x1f\x8bnot-gzip", b"\xff\xfe"]
)
def test_not_a_sitemap(body: bytes) -> None:
    assert parse_sitemap(body) is None
