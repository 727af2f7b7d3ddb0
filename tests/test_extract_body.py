"""Locating the body: forms of pages on which the extractors miss the article."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import html as lxml_html

from crawler.extract import extract_article
from crawler.extract.body import sections_as_divs
from crawler.extract.page import default_profile

URL = "https://mp.example.cn/s/abc"
FETCHED = datetime(2020, 3, 1, tzinfo=UTC)
PARAGRAPHS = (
    "今天凌晨，某公司在发布会上正式推出新一代旗舰手机，共三款机型，全部支持第五代移动通信网络。",
    "三款手机都采用了高刷新率的屏幕，其中尺寸最大的一款配备了四颗后置摄像头，支持十倍光学变焦。",
    "价格方面，三款手机的起售价分别为五千元、六千元和八千元，将于下个月在国内上市销售。",
)
#: A closing line in a <p> after the sections: with it, trafilatura keeps the <p> alone.
CLOSING = "信息来源于网络"


def wechat_style(paragraph_markup: str) -> str:
    """A WeChat-style article: the headline, an account line, then the text in #js_content."""
    body = "".join(paragraph_markup.format(text=p) for p in PARAGRAPHS) + f"<p>{CLOSING}</p>"
    return (
        "<html><head><meta charset='utf-8'><title>新一代旗舰手机发布</title></head><body>"
        "<div class='rich_media' id='js_article'><div class='rich_media_inner'>"
        "<div class='rich_media_area_primary' id='page-content'><div class='rich_media_area_primary_inner'>"
        "<div id='img-content' class='rich_media_wrp'><h2 class='rich_media_title'>新一代旗舰手机发布</h2>"
        "<div class='rich_media_meta_list'><a href='/profile'>科技观察</a> <em>昨天</em></div>"
        f"<div class='rich_media_content' id='js_content'>{body}</div></div></div></div></div></div>"
        "<div class='qr_code_pc'><p>微信扫一扫</p><p>关注该公众号</p></div>"
        "</body></html>"
    )


@pytest.mark.parametrize(
    "markup",
    [
        "<section style='margin: 0 16px'><span style='font-size: 15px'>{text}</span></section>",
        "<section><section><span>{text}</span></section></section>",
        "<section><p>{text}</p></section>",  # sections wrapping paragraphs: unchanged
    ],
)
def test_text_in_sections_is_the_article(markup):
    article = extract_article(wechat_style(markup), URL, default_profile(URL), fetched_at=FETCHED)
    assert article.text.splitlines() == list(PARAGRAPHS)


def test_sections_are_sections_again_after_the_extractors():
    tree = lxml_html.document_fromstring(wechat_style("<section><span>{text}</span></section>"))
    with sections_as_divs(tree) as count:
        assert count == 3
        assert not list(tree.iter("section"))
    assert len(list(tree.iter("section"))) == 3


def _page_with_script(visible: str, script: str) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(
        f"<html><head><script>{script}</script><style>body {{ color: red }}</style></head>"
        f"<body><div class='article'><p>{visible}</p></div><script>{script}</script></body></html>"
    )


JAVASCRIPT = (
    "var config = { name: 'portal', items: [1, 2, 3], render: function (node) { return node; } };" * 40
)


@pytest.mark.parametrize(
    ("visible", "script", "cjk"),
    [
        # a Chinese page whose scripts hold more Latin words than its text has characters
        ("".join(PARAGRAPHS), JAVASCRIPT, True),
        # a Western page whose scripts hold Chinese strings (a language menu's labels)
        (
            "The council approved the budget on Monday after a long debate about schools. " * 3,
            "var labels = ['简体中文', '繁體中文', '日本語', '한국어'];" * 20,
            False,
        ),
    ],
)
def test_the_language_is_the_texts_not_the_scripts(visible, script, cjk):
    from crawler.extract.body import locate_body, shown_text
    from crawler.extract.options import DEFAULT_OPTIONS

    tree = _page_with_script(visible, script)
    text = shown_text(tree)
    assert "function" not in text
    assert "简体中文" not in text
    assert "color" not in text
    assert locate_body(tree, URL, default_profile(URL), DEFAULT_OPTIONS).cjk is cjk
