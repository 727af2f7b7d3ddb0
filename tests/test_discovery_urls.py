from __future__ import annotations

import pytest

from crawler.discovery import LinkKind, classify_url
from crawler.profiles import load_profile, parse_profile

HEURISTIC = parse_profile("name: h\nbase_url: http://news.example.cn/\nallowed_domains: [example.cn]\n")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://news.example.cn/news/local/2026-11/27/content_1001.htm", LinkKind.ARTICLE),
        ("http://www.example.cn/shandong/sdnews/202311/t20231129_12345678.htm", LinkKind.ARTICLE),
        ("http://news.example.cn/p/1567890.html", LinkKind.ARTICLE),
        ("http://news.example.cn/system/2026/08/10/010894803.shtml", LinkKind.ARTICLE),
        ("http://news.example.cn/n1/2023/1129/c123-45678.html", LinkKind.ARTICLE),
        ("http://news.example.cn/news/local/index.htm", LinkKind.LIST),
        ("http://news.example.cn/news/local/index_2.htm", LinkKind.LIST),
        ("http://news.example.cn/news/local/", LinkKind.LIST),
        ("http://news.example.cn/list.php?page=3", LinkKind.LIST),
        ("http://news.example.cn/about.html", LinkKind.OTHER),
        ("http://news.example.cn/tag/123456.html", LinkKind.OTHER),
        ("http://news.example.cn/2026/11/27/photo_123456.jpg", LinkKind.OTHER),
        ("http://other.com/p/1567890.html", LinkKind.OTHER),
        ("http://example.cn.evil.com/p/1567890.html", LinkKind.OTHER),
        ("mailto:news@example.cn", LinkKind.OTHER),
        ("javascript:void(0)", LinkKind.OTHER),
    ],
)
def test_heuristics_without_patterns(url: str, kind: LinkKind) -> None:
    assert classify_url(url, HEURISTIC) is kind


@pytest.mark.parametrize(
    ("site", "url", "kind"),
    [
        ("dzwww", "https://www.dzwww.com/shandong/sdnews/202405/t20240523_14236393.htm", LinkKind.ARTICLE),
        ("dzwww", "https://www.dzwww.com/shandong/sdnews/index_1.htm", LinkKind.LIST),
        ("dzwww", "https://www.dzwww.com/shandong/sdnews/", LinkKind.LIST),
        ("dzwww", "https://bbs.dzwww.com/thread/202405/t20240523_1.htm", LinkKind.OTHER),
        ("dongying", "https://news.dongyingnews.cn/system/2023/01/18/010793655.shtml", LinkKind.ARTICLE),
        ("dongying", "https://news.dongyingnews.cn/gj/index.html", LinkKind.LIST),
        ("dongying", "https://bbs.dongyingnews.cn/system/2023/01/18/010793655.shtml", LinkKind.OTHER),
        ("dezhou", "http://www.dezhoudaily.com/p/1568473.html", LinkKind.ARTICLE),
        ("dezhou", "http://www.dezhoudaily.com/about/contact.html", LinkKind.OTHER),
    ],
)
def test_profile_patterns_decide(site: str, url: str, kind: LinkKind) -> None:
    assert classify_url(url, load_profile(site)) is kind


def test_exclude_patterns_win_over_article_patterns() -> None:
    profile = parse_profile(
        "name: x\nbase_url: http://a.cn/\narticle_patterns: ['/p/\\d+']\nexclude_patterns: ['/p/666']\n"
    )
    assert classify_url("http://a.cn/p/123", profile) is LinkKind.ARTICLE
    assert classify_url("http://a.cn/p/666", profile) is LinkKind.OTHER
