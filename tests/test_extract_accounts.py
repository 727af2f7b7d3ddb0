"""The account that posted a self-media page: its name in the info bar, and the page's evidence for it."""

from __future__ import annotations

import pytest

from crawler.extract import extract_article
from crawler.extract.page import default_profile

BODY = "".join(f"<p>这是正文的第{i}段，讲述了本地发生的一件事情，内容相当充实。</p>" for i in range(8))


def _page(info_bar: str, elsewhere: str = "") -> str:
    return (
        "<html><head><meta charset='utf-8'><title>春天的河边散步</title></head><body>"
        "<div class='main'><h1>春天的河边散步</h1>"
        f"<div class='article-sub'>{info_bar}</div>"
        f"<div class='article-content'>{BODY}</div></div>"
        f"<div class='side'>{elsewhere}</div></body></html>"
    )


def _authors(html: str) -> list[str]:
    return extract_article(html, "http://example.cn/a/1.html", default_profile("http://example.cn")).authors


@pytest.mark.parametrize(
    ("info_bar", "elsewhere", "authors"),
    [
        pytest.param(
            "<span>河畔漫记</span> <span>2020-03-09 18:14:21</span>",
            "<div class='card'><a href='/c/user/1012/'>河畔漫记</a></div>",
            ["河畔漫记"],
            id="name-in-the-info-bar-linked-to-its-account-elsewhere",
        ),
        pytest.param(
            "<span>河畔漫记</span> <span>2020-03-09 18:14:21</span>",
            "<div class='card'><a href='/a/2.html'>河畔漫记</a></div>",
            [],
            id="negative-linked-elsewhere-to-an-article-not-an-account",
        ),
        pytest.param(
            "<span>2020-03-09 18:14:21</span>",
            "<div class='card'><a href='/c/user/1012/'>河畔漫记</a></div>",
            [],
            id="negative-an-account-linked-elsewhere-but-not-in-the-info-bar",
        ),
        pytest.param(
            "<span>2020-03-09 18:14:21</span>",
            "<div><span>河畔漫记</span><p>说得好！</p><a href='/c/user/1012/'>河畔漫记</a></div>",
            [],
            id="negative-the-account-named-only-below-the-text",
        ),
    ],
)
def test_the_posting_account_is_named_by_the_info_bar_and_the_page(
    info_bar: str, elsewhere: str, authors: list[str]
) -> None:
    assert _authors(_page(info_bar, elsewhere)) == authors


def test_a_reporter_s_byline_beats_the_account() -> None:
    """An account names the poster only when nobody else is credited."""
    info = "<span>河畔漫记</span> <span>2020-03-09 18:14:21</span> <span>记者 王小明</span>"
    assert _authors(_page(info, "<a href='/c/user/1012/'>河畔漫记</a>")) == ["王小明"]
