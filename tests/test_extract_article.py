from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import Page, extract_article, extract_page
from crawler.extract.learned import fingerprint
from crawler.extract.options import ExtractOptions
from tests.seed_pages import SEED_BYLINE, SEED_DISCLAIMER, SEED_PARAGRAPHS, news_page

URL = "http://www.dezhoudaily.com/news/2020/0225/12345.html"
FETCHED = datetime(2020, 2, 26, 12, 0, tzinfo=UTC)
RUBY_TITLE = (
    "下沉一線!東營798名<ruby>機<rp>(</rp><rt>jī</rt><rp>)</rp></ruby><ruby>關<rt>guān</rt></ruby>干部基層上崗"
)


def ruby(text: str) -> str:
    """The seed's inline annotations rewritten as <ruby> markup."""
    import re

    return re.sub(
        r"(\w)\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)", r"<ruby>\1<rp>(</rp><rt>\2</rt><rp>)</rp></ruby>", text
    )


CASES = {
    "utf8-inline-pinyin": dict(paragraphs=SEED_PARAGRAPHS, inside=(SEED_BYLINE, *SEED_DISCLAIMER)),
    "gbk-bytes": dict(
        paragraphs=SEED_PARAGRAPHS, inside=(SEED_BYLINE,), outside=SEED_DISCLAIMER, meta_charset="gbk"
    ),
    "ruby-markup": dict(
        paragraphs=tuple(ruby(p) for p in SEED_PARAGRAPHS), inside=(SEED_BYLINE,), title=RUBY_TITLE
    ),
    "disclaimer-inside-body": dict(paragraphs=SEED_PARAGRAPHS, inside=(SEED_BYLINE, *SEED_DISCLAIMER)),
    "disclaimer-outside-body": dict(
        paragraphs=SEED_PARAGRAPHS, inside=(SEED_BYLINE,), outside=SEED_DISCLAIMER
    ),
}


def extract_case(name: str, profile):
    spec = dict(CASES[name])
    charset = spec.get("meta_charset", "utf-8")
    html = news_page(**spec)
    body = html.encode("gbk") if charset == "gbk" else html.encode("utf-8")
    return extract_page(Page(url=URL, body=body, fetched_at=FETCHED), profile)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize(
    "unwanted",
    ["免責", "版權", "凡本網", "(jī)", "(guān)", "jī", "記者 李懷蘋", "來源：德州新聞網", "2020-02-25"],
)
def test_seed_page_text_is_the_article_only(case, unwanted, profile):
    assert unwanted not in extract_case(case, profile).text


@pytest.mark.parametrize("case", sorted(CASES))
def test_seed_page_keeps_the_article(case, profile):
    article = extract_case(case, profile)
    assert "連夜抽調456名機關干部" in article.text
    assert "社區(村)落實" in article.text  # real parentheses stay


@pytest.mark.parametrize("case", sorted(CASES))
def test_seed_page_metadata(case, profile):
    article = extract_case(case, profile)
    assert article.authors == ["李懷蘋"]
    assert article.source == "德州新聞網"
    assert article.published_at == datetime(2020, 2, 25, 8, 30, tzinfo=profile.tz)
    assert article.script == "traditional"
    assert "东营" in article.text_simplified
    assert "(" not in (article.title or "")


def test_gbk_page_records_its_encoding(profile):
    assert extract_case("gbk-bytes", profile).encoding == "gb18030"


def test_ruby_removal_is_counted(profile):
    assert extract_case("ruby-markup", profile).quality["removed"]["ruby"] > 0


def test_learned_paragraph_is_removed(profile):
    slogan = "德州新闻网，德州人自己的网站，全天候报道德州新闻，欢迎关注"
    html = news_page(SEED_PARAGRAPHS, inside=(slogan,))
    article = extract_article(
        html, URL, profile, fetched_at=FETCHED, learned=frozenset({fingerprint(slogan)})
    )
    assert slogan not in article.text
    assert fingerprint(slogan) in article.fingerprints
    assert article.quality["removed"]["learned"] == 1


def test_relative_date_line_uses_the_fetch_time(profile):
    html = news_page(SEED_PARAGRAPHS, date_line="3小时前 来源：德州新聞網")
    article = extract_article(html, URL, profile, fetched_at=FETCHED)
    assert article.published_at == datetime(2020, 2, 26, 17, 0, tzinfo=profile.tz)


def test_copyright_year_in_footer_is_not_the_date(profile):
    html = news_page(
        SEED_PARAGRAPHS, date_line="來源：德州新聞網", outside=("Copyright © 2003-2019 德州新聞網 版權所有",)
    )
    assert (
        extract_article(html, URL.replace("2020/0225/", ""), profile, fetched_at=FETCHED).published_at is None
    )
    # the day in the article's URL is weak evidence, but evidence: taken, and said so
    article = extract_article(html, URL, profile, fetched_at=FETCHED)
    assert (article.published_at, article.date_source) == (datetime(2020, 2, 25, tzinfo=profile.tz), "url")
    assert article.date_confidence is not None and article.date_confidence < 0.6


def test_profile_selectors_win(profile):
    from crawler.profiles import parse_profile

    custom = parse_profile(
        "name: dezhou\nbase_url: http://www.dezhoudaily.com/\n"
        "selectors:\n  body: '#content'\n  author: '.info'\n"
    )
    html = news_page(SEED_PARAGRAPHS, date_line="作者：王五")
    article = extract_article(html, URL, custom, fetched_at=FETCHED)
    assert article.authors == ["王五"]
    assert article.quality["method"] == "selector"


@pytest.mark.parametrize(
    ("body", "flag"),
    [
        pytest.param(b"", "empty_page", id="empty"),
        pytest.param(b"   \n ", "empty_page", id="whitespace"),
        pytest.param(bytes(range(256)) * 64, "not_text", id="binary"),
        pytest.param(b"<html><body><div><p></div></span>", "empty_text", id="malformed-no-text"),
        pytest.param(b"<<<>>><p<div>>>", "empty_text", id="garbage-markup"),
    ],
)
def test_bad_input_gives_an_empty_flagged_article(body, flag, profile):
    article = extract_page(Page(url=URL, body=body, fetched_at=FETCHED), profile)
    assert article.text == ""
    assert article.quality[flag] is True
    assert article.quality["empty_text"] is True


def test_malformed_html_still_gives_its_text(profile):
    html = news_page(SEED_PARAGRAPHS).replace("</p>", "").replace("</div>", "", 2) + "<p><b>未闭合"
    assert "連夜抽調456名機關干部" in extract_article(html, URL, profile).text


def test_huge_page_is_cut_and_flagged(profile):
    html = news_page(SEED_PARAGRAPHS) + "<p>" + "填充" * 40_000 + "</p>"
    article = extract_article(html, URL, profile, options=ExtractOptions(max_html_chars=20_000))
    assert article.quality["truncated_html"] is True
    assert "連夜抽調456名機關干部" in article.text


def test_options_are_validated():
    with pytest.raises(ValueError, match="max_html_chars"):
        ExtractOptions(max_html_chars=10)


def test_parse_gives_plain_html_elements_chosen_in_c() -> None:
    """The page tree: HtmlElement everywhere (forms too), no Python class lookup per element proxy."""
    from lxml import etree
    from lxml import html as lxml_html

    from crawler.extract.article import _parse

    tree = _parse("<html><body><form><input name=q><p>正文</p></form><!-- c --><p>more</p></body></html>")
    assert tree is not None
    assert {type(el) for el in tree.iter()} == {lxml_html.HtmlElement}
    assert tree.text_content() == "正文more"
    form = tree.find(".//form")
    form.drop_tag()
    assert etree.tostring(tree.find("body"), encoding="unicode", method="html") == (
        '<body><input name="q"><p>正文</p><p>more</p></body>'
    )


def test_precision_pass_without_metadata_reads_the_same_text() -> None:
    """The second (precision) pass skips trafilatura's metadata: same text, no metadata work."""
    import trafilatura

    from crawler.extract.article import _parse
    from crawler.extract.options import DEFAULT_OPTIONS

    body = "".join(
        f"<p>Paragraph {i} of the council report says the new bridge opens in spring, "
        f"after {i} months of work on the river crossing near the old harbour.</p>"
        for i in range(8)
    )
    html = (
        '<html><head><title>Bridge opens</title><meta name="author" content="Jane Doe">'
        '<meta property="article:published_time" content="2024-03-01"></head><body>'
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f'<article><h1>Bridge opens</h1>{body}<aside><a href="/x">Related: ferry times</a></aside></article>'
        "<footer>© 2024 Example News</footer></body></html>"
    )
    url = "https://news.example/bridge.html"
    tree = _parse(html)
    assert tree is not None
    runs = {
        metadata: trafilatura.bare_extraction(
            tree,
            options=DEFAULT_OPTIONS.trafilatura_options(url, cjk=False, precision=True, metadata=metadata),
        )
        for metadata in (True, False)
    }
    assert runs[True].author == "Jane Doe" and runs[True].date == "2024-03-01"
    assert runs[False].author is None and runs[False].date is None and runs[False].title is None
    assert "Paragraph 7" in runs[False].text
    assert runs[False].text == runs[True].text


FORUM_TEXT = (
    "导游带团进店购物，商店按团队消费额给导游返点，这是行业里公开的秘密，游客往往并不知情。",
    "有业内人士介绍，一些低价团的团费甚至低于成本，旅行社和导游只能靠购物返点来弥补亏损。",
)


@pytest.mark.parametrize(
    ("top", "kept"),
    [
        (("主题：", "导游为什么热衷带你购物？"), ()),  # a forum's label line, then the headline
        (("主题：导游为什么热衷带你购物？",), ()),  # label and headline on one line
        (("导游为什么热衷带你购物？",), ()),
        # a line of prose ending with the headline's words is text
        (
            ("有网友在论坛里发了一个帖子问导游为什么热衷带你购物？",),
            ("有网友在论坛里发了一个帖子问导游为什么热衷带你购物？",),
        ),
    ],
)
def test_the_headline_printed_at_the_top_of_the_body_leaves_the_text(top, kept, profile):
    cells = "".join(f"<tr><td>{line}</td></tr>" for line in (*top, *FORUM_TEXT))
    html = (
        "<html><head><title>导游为什么热衷带你购物？_旅游论坛</title></head><body>"
        f"<h1>导游为什么热衷带你购物？</h1><table class='post'>{cells}</table></body></html>"
    )
    article = extract_article(html, URL, profile, fetched_at=FETCHED)
    assert article.text.splitlines() == [*kept, *FORUM_TEXT]
