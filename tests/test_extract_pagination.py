from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from crawler.extract.pagination import find_page_links, merge_pages
from crawler.items import Article


def bar(*hrefs: tuple[str, str]) -> str:
    links = "".join(f'<a href="{href}">{text}</a> ' for text, href in hrefs)
    related = '<a href="/news/2020/other_2.html">另一篇新闻</a><a href="/news/2020/12345_9.html">热点</a>'
    content = "<div class='content'><p>正文</p></div>"
    return f"<html><body>{content}<div class='page'>{links}</div>{related}</body></html>"


@pytest.mark.parametrize(
    ("url", "html", "expected"),
    [
        pytest.param(
            "http://x.cn/news/2020/12345.html",
            bar(
                ("1", "12345.html"), ("2", "12345_2.html"), ("3", "12345_3.html"), ("下一页", "12345_2.html")
            ),
            [
                "http://x.cn/news/2020/12345.html",
                "http://x.cn/news/2020/12345_2.html",
                "http://x.cn/news/2020/12345_3.html",
            ],
            id="underscore-n",
        ),
        pytest.param(
            "http://x.cn/news/2020/12345_2.html",
            bar(("上一页", "12345.html"), ("1", "12345.html"), ("3", "12345_3.html")),
            [
                "http://x.cn/news/2020/12345.html",
                "http://x.cn/news/2020/12345_2.html",
                "http://x.cn/news/2020/12345_3.html",
            ],
            id="from-the-middle-page",
        ),
        pytest.param(
            "http://gov.cn/zwgk/index.htm",
            bar(("2", "index_1.htm"), ("3", "index_2.htm"), ("下一页", "index_1.htm")),
            [
                "http://gov.cn/zwgk/index.htm",
                "http://gov.cn/zwgk/index_1.htm",
                "http://gov.cn/zwgk/index_2.htm",
            ],
            id="index-1-is-page-two",
        ),
        pytest.param(
            "http://x.cn/show.php?id=7",
            bar(
                ("2", "show.php?id=7&page=2"),
                ("3", "show.php?id=7&page=3"),
                ("下一页", "show.php?id=7&page=2"),
            ),
            [
                "http://x.cn/show.php?id=7",
                "http://x.cn/show.php?id=7&page=2",
                "http://x.cn/show.php?id=7&page=3",
            ],
            id="query-page",
        ),
        pytest.param(
            "http://x.cn/news/2020/12345.html",
            bar(("1", "12345.html"), ("2", "12345_2.html"), ("5", "12345_5.html")),
            [
                "http://x.cn/news/2020/12345.html",
                *[f"http://x.cn/news/2020/12345_{n}.html" for n in range(2, 6)],
            ],
            id="gap-in-the-bar-is-filled",
        ),
        pytest.param(
            "http://x.cn/news/2020/12345.html", bar(), ["http://x.cn/news/2020/12345.html"], id="single-page"
        ),
    ],
)
def test_find_page_links(url, html, expected):
    assert find_page_links(html, url) == expected


def page(n: int, text: str) -> Article:
    return Article(
        url=f"http://x.cn/a_{n}.html",
        canonical_url="http://x.cn/a.html",
        site="x",
        title="标题",
        text=text,
        authors=["张三"] if n == 1 else ["张三", "李四"],
        fingerprints=[f"fp{n}"],
        published_at=datetime(2020, 2, 25, tzinfo=UTC) if n == 1 else None,
    )


def test_three_page_article_is_merged_in_order():
    merged = merge_pages(
        [page(1, "第一页正文\n责任编辑说明"), page(2, "第二页正文\n责任编辑说明"), page(3, "第三页正文")]
    )
    assert merged.text == "第一页正文\n责任编辑说明\n第二页正文\n第三页正文"
    assert merged.page_urls == ["http://x.cn/a_1.html", "http://x.cn/a_2.html", "http://x.cn/a_3.html"]
    assert merged.authors == ["张三", "李四"]
    assert merged.missing_pages == []
    assert merged.quality["pages"] == 3
    assert merged.published_at == datetime(2020, 2, 25, tzinfo=UTC)
    assert merged.fingerprints == ["fp1", "fp2", "fp3"]


def test_missing_middle_page_is_reported():
    merged = merge_pages([page(1, "第一页正文"), page(3, "第三页正文")], missing=["http://x.cn/a_2.html"])
    assert merged.missing_pages == ["http://x.cn/a_2.html"]
    assert merged.quality["incomplete"] is True
    assert merged.quality["pages"] == 3


def test_merge_needs_a_page():
    with pytest.raises(ValueError, match="at least one"):
        merge_pages([])


def test_links_that_do_not_parse_are_ignored():
    page = (
        '<html><body><p>正文</p><a href="http://[ccpa-preferences]/x">2</a>'
        '<a href="http://a.de: Der Traum/y">3</a><link rel="canonical" href="http://[bad/"></body></html>'
    )
    assert find_page_links(page, "http://news.example.cn/p/1.htm") == ["http://news.example.cn/p/1.htm"]


@pytest.mark.parametrize(
    ("url", "html"),
    [
        pytest.param(
            "http://x.cn/news/nx_5.html", bar(("下一页", "nx_6.html")), id="next-article-numbered-like-a-page"
        ),
        pytest.param(
            "http://x.cn/news/nx_5.html",
            bar(("上一页", "nx_4.html"), ("下一页", "nx_6.html")),
            id="prev-next-articles-numbered-like-pages",
        ),
        pytest.param(
            "http://x.cn/archives.php?p=101", bar(("下一页", "archives.php?p=102")), id="p-is-an-id"
        ),
        pytest.param(
            "http://x.cn/archives.php?p=101",
            bar(("上一页", "archives.php?p=100"), ("下一页", "archives.php?p=102")),
            id="p-is-an-id-prev-next",
        ),
        pytest.param(
            "http://x.cn/archives.php", bar(("下一页", "archives.php?p=102")), id="p-far-from-page-one"
        ),
    ],
)
def test_a_page_number_needs_evidence(url: str, html: str) -> None:
    """A suffix or a `p` parameter alone never makes the next article a page of this one."""
    assert find_page_links(html, url) == [url]


def test_query_bytes_are_kept_in_page_links() -> None:
    url = "http://x.cn/show.asp?title=%D6%D0%CE%C4"
    html = bar(("2", "show.asp?title=%D6%D0%CE%C4&page=2"), ("下一页", "show.asp?title=%D6%D0%CE%C4&page=2"))
    assert find_page_links(html, url) == [url, "http://x.cn/show.asp?title=%D6%D0%CE%C4&page=2"]


def test_a_later_page_needs_a_headline_of_the_same_article() -> None:
    from crawler.extract.pagination import continues

    first = page(1, "正文")
    assert continues(first, dataclasses.replace(page(2, "续"), title="标题（2）"))
    assert continues(first, dataclasses.replace(page(2, "续"), title=None))
    assert not continues(first, dataclasses.replace(page(2, "另一篇"), title="另一篇文章的标题"))
