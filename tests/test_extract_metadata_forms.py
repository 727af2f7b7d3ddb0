"""Dates and bylines in every form a page offers, one small inline page each, negatives included.

The pages are built here from a handful of parts (head, date/byline line under the headline,
body, lines after the body) so that each test changes one thing: the form it is about.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from crawler.extract import Page, extract_article, extract_page
from crawler.extract.page import default_profile

SHANGHAI = ZoneInfo("Asia/Shanghai")
FETCHED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
URL = "http://news.example.cn/article/12345.html"
BODY = (
    "今年的春耕动员会议昨天在市委礼堂召开，会议总结了去年全市农业农村工作，部署了今年的重点任务和具体措施。",
    "会议指出，要稳定粮食播种面积，抓好春耕备耕，确保农资供应充足、价格稳定，农民群众满意放心。",
    "会议要求，各县区要压实责任，细化方案，加强督导检查，推动各项措施落到实处，确保全年目标顺利完成。",
)
EN_BODY = (
    "The city council met on Tuesday evening to discuss the new budget for the coming year and its priorities.",
    "Members agreed that road repairs and the public library should receive more money than in previous years.",
    "A final vote on the budget is expected next month, after a public hearing where residents can comment.",
)


def page(
    *,
    head: str = "",
    info: str = "",
    body: tuple[str, ...] = BODY,
    after: tuple[str, ...] = (),
    title: str = "全市春季农业生产工作会议召开",
    lang: str = "zh",
) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    footer = "".join(f"<p>{line}</p>" for line in after)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f'<body><div class="nav"><a href="/">首页</a> <a href="/news/">新闻</a></div>'
        f'<div class="main"><h1>{title}</h1><div class="info">{info}</div>'
        f'<div class="content">{paragraphs}</div><div class="post-footer">{footer}</div></div>'
        f'<div class="copyright"><p>Copyright © 2003-2024 示例新闻网 版权所有</p></div></body></html>'
    )


def extract(html: str, url: str = URL, **page_args):
    return extract_page(
        Page(url=url, body=html.encode("utf-8"), fetched_at=FETCHED, **page_args), default_profile(url)
    )


def day(article) -> str | None:
    return article.published_at.astimezone(SHANGHAI).date().isoformat() if article.published_at else None


# --- Dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "info", "source"),
    [
        pytest.param(
            '<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},'
            '{"@type":"NewsArticle","datePublished":"2023-05-06T08:00:00+08:00"}]}</script>',
            "",
            "json-ld",
            id="json-ld-graph",
        ),
        pytest.param(
            '<meta property="article:published_time" content="2023-05-06T08:00:00+08:00">',
            "",
            "meta",
            id="og",
        ),
        pytest.param('<meta name="PubDate" content="2023-05-06 08:00">', "", "meta", id="PubDate"),
        pytest.param('<meta name="publishdate" content="2023-05-06">', "", "meta", id="publishdate"),
        pytest.param(
            "", '<time datetime="2023-05-06T08:00:00+08:00">5月6日</time>', "time-element", id="time"
        ),
        pytest.param("", "发布时间：2023-05-06 08:00 来源：示例日报", "date-line-label", id="label-发布时间"),
        pytest.param("", "时间：2023年5月6日 08:00", "date-line-label", id="label-时间"),
        pytest.param("", "日期：2023/05/06", "date-line-label", id="label-日期"),
        pytest.param("", "【时间】2023-05-06 【来源】示例日报", "date-line-label", id="bracketed-时间"),
        pytest.param("", "2023-05-06 08:00 示例日报", "date-line", id="bare-date-line"),
        pytest.param(
            "", "作者：芊草凡凡 发表于：2023-05-06 08:00:13", "date-line-label", id="forum-post-time"
        ),
    ],
)
def test_date_forms(head, info, source):
    article = extract(page(head=head, info=info))
    assert (day(article), article.date_source) == ("2023-05-06", source)
    assert 0 < article.date_confidence <= 1


def test_date_in_the_url_path():
    article = extract(page(), url="http://news.example.cn/2023-05/06/content_12345.htm")
    assert (day(article), article.date_source) == ("2023-05-06", "url")
    assert extract(page(), url="http://news.example.cn/a/2023123456.html").published_at is None
    article = extract(page(), url="http://news.example.cn/news/2023/05/06/12345.html")
    assert (day(article), article.date_source) == ("2023-05-06", "url")
    article = extract(page(), url="http://www.example.gov.cn/xxgk/202305/t20230506_12345.html")
    assert (day(article), article.date_source) == ("2023-05-06", "url")


def test_last_modified_is_the_last_resort():
    header = "Sat, 06 May 2023 08:00:00 GMT"
    article = extract(page(), last_modified=header)
    assert (day(article), article.date_source) == ("2023-05-06", "last-modified")
    assert article.date_confidence < 0.3
    article = extract(page(info="发布时间：2023-04-01 09:00"), last_modified=header)
    assert (day(article), article.date_source) == ("2023-04-01", "date-line-label")


def test_sources_that_agree_raise_the_confidence():
    alone = extract(page(info="2023-05-06 08:00"))
    agreed = extract(
        page(info="2023-05-06 08:00", head='<meta name="PubDate" content="2023-05-06 08:00">'),
        url="http://news.example.cn/2023/05/06/1.html",
    )
    assert day(alone) == day(agreed) == "2023-05-06"
    assert agreed.date_confidence > alone.date_confidence


def test_the_printed_date_line_beats_a_cms_pubdate_on_chinese_pages():
    article = extract(page(info="2023-05-06 08:00", head='<meta name="PubDate" content="2024-01-01 00:00">'))
    assert (day(article), article.date_source) == ("2023-05-06", "date-line")


@pytest.mark.parametrize(
    ("info", "after"),
    [
        pytest.param("", ("Copyright © 2019 示例新闻网",), id="copyright-year"),
        pytest.param("", ("相关文章", "2023-04-01 春季农业生产现场会召开"), id="related-articles"),
        pytest.param("", ("网友评论", "张三 发表于 2023-04-02 10:00", "说得好"), id="comment-dates"),
        pytest.param("发布时间：2024-12-01 08:00", (), id="after-the-fetch"),
        pytest.param("", ("本期共2页 2021年度报告",), id="prose-year"),
    ],
)
def test_no_date_rather_than_a_wrong_one(info, after):
    article = extract(page(info=info, after=after))
    assert (article.published_at, article.date_source, article.date_confidence) == (None, None, None)


def test_a_date_one_hour_after_the_fetch_is_refused():
    fetched_local = FETCHED.astimezone(SHANGHAI)
    later = f"发布时间：{fetched_local:%Y-%m-%d} {fetched_local.hour + 1:02d}:00"
    assert extract(page(info=later)).published_at is None
    earlier = f"发布时间：{fetched_local:%Y-%m-%d} {fetched_local.hour - 1:02d}:00"
    assert extract(page(info=earlier)).published_at is not None


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        pytest.param("By Jane Doe | May 6", "2023-05-06", id="the-page-prints-the-day"),
        pytest.param("By Jane Doe", None, id="negative-the-page-prints-no-date"),
    ],
)
def test_western_page_meta_date(info: str, expected: str | None) -> None:
    """The metadata dates a Western page that shows its day, not one that shows no date at all."""
    html = page(
        head='<meta property="article:published_time" content="2023-05-06T08:00:00Z">',
        info=info,
        body=EN_BODY,
        title="Council debates the new budget",
        lang="en",
    )
    article = extract(html, url="https://www.example.com/news/council-budget")
    assert day(article) == expected
    if expected:
        assert article.date_source in ("htmldate", "meta")


# --- Authors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("info", "after", "authors"),
    [
        pytest.param("作者：王小明 来源：示例日报", (), ["王小明"], id="作者"),
        pytest.param("本报记者 张三 通讯员 李四", (), ["张三", "李四"], id="记者-通讯员"),
        pytest.param("文/图 赵六", (), ["赵六"], id="文图"),
        pytest.param("撰稿：钱七", (), ["钱七"], id="撰稿"),
        pytest.param("发帖人：芊草凡凡 时间：2023-05-06", (), ["芊草凡凡"], id="发帖人"),
        pytest.param("楼主：放飞&心情 发表于 2023-05-06 08:00", (), ["放飞&心情"], id="楼主-user-name"),
        pytest.param("博主：ggjjzhzz", (), ["ggjjzhzz"], id="博主"),
        pytest.param("发表者：海姑娘", (), ["海姑娘"], id="发表者"),
        pytest.param(
            "", ("posted @ 2023-05-06 12:40 李建忠 阅读(3727) 评论(63)",), ["李建忠"], id="post-line"
        ),
        pytest.param("作者：Joel Spolsky", (), ["Joel Spolsky"], id="western-name"),
        pytest.param("作者：Joel Spolsky、张三", (), ["Joel Spolsky", "张三"], id="western-and-han"),
        pytest.param(
            "作者：约翰·史密斯（John Smith） 李四",
            (),
            ["约翰·史密斯（John Smith）", "李四"],
            id="parentheses",
        ),
    ],
)
def test_byline_forms(info, after, authors):
    assert extract(page(info=info, after=after)).authors == authors


def test_a_repost_credits_its_reporters_and_its_poster():
    body = ("本报讯（记者 樊亮）" + BODY[0], *BODY[1:])
    article = extract(
        page(body=body, after=("作者:zboygirl 阅读(1660) 评论(5) 编辑 发表于:2023-05-06 12:30",))
    )
    assert article.authors == ["樊亮", "zboygirl"]
    article = extract(page(after=("- 作者： 流泉 访问统计： 2023年05月06日, 星期二 13:22",)))
    assert article.authors == ["流泉"]


def test_organisations_go_to_source_and_editors_stay_apart():
    article = extract(page(info="作者：新华社 责任编辑：王五 审核：赵六"))
    assert (article.authors, article.source, article.editors) == ([], "新华社", ["王五", "赵六"])


@pytest.mark.parametrize(
    "info",
    [
        pytest.param("编辑：王五", id="editor-only"),
        pytest.param("责任编辑：王五 来源：示例日报", id="editor-and-source"),
    ],
)
def test_editor_lines_are_not_authors(info):
    article = extract(page(info=info))
    assert article.authors == [] and article.editors == ["王五"]


def test_comment_authors_are_not_the_article_authors():
    article = extract(
        page(after=("网友评论", "张三 发表于 2023-04-02 10:00", "posted @ 2023-04-02 10:00 李四"))
    )
    assert article.authors == []


@pytest.mark.parametrize(
    ("head", "printed", "authors"),
    [
        pytest.param('<meta name="author" content="王小明">', ("王小明",), ["王小明"], id="meta-han"),
        pytest.param('<meta name="author" content="王小明">', (), [], id="meta-han-never-printed"),
        pytest.param('<meta name="author" content="示例日报">', ("示例日报",), [], id="meta-outlet"),
        pytest.param('<meta name="author" content="dedecms">', (), [], id="meta-cms-not-printed"),
        pytest.param(
            '<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"王小明"}}'
            "</script>",
            ("王小明",),
            ["王小明"],
            id="json-ld",
        ),
    ],
)
def test_machine_readable_authors_on_chinese_pages(head, printed, authors):
    # a name the page declares is taken when the page prints it too: a CMS user it never shows is no byline
    assert extract(page(head=head, after=printed)).authors == authors


def test_meta_author_account_printed_on_the_page():
    html = page(head='<meta name="author" content="zboygirl">', info="zboygirl 2023-05-06 08:00")
    assert extract(html).authors == ["zboygirl"]


def test_rel_author_on_a_western_page():
    html = page(
        info='By <a rel="author" href="/people/joel">Joel Spolsky</a>',
        body=EN_BODY,
        title="Council debates the new budget",
        lang="en",
    )
    assert extract(html, url="https://www.example.com/news/council-budget").authors == ["Joel Spolsky"]


def test_extract_article_takes_the_last_modified_header():
    article = extract_article(
        page(), URL, default_profile(URL), fetched_at=FETCHED, last_modified="Sat, 06 May 2023 08:00:00 GMT"
    )
    assert article.date_source == "last-modified"


def test_headline_names_its_author_before_the_colon():
    html = page(title="茉莉：我是怎样走上写作之路的", info="2023-05-06 21:23<br>茉莉")
    assert extract(html).authors == ["茉莉"]
    # a colon in the headline alone names nobody
    assert extract(page(title="国务院：今年春耕生产形势良好", info="2023-05-06")).authors == []


def test_blog_owner_named_by_the_blog_title():
    html = page(after=("发表于 2023年5月6日 12:40 - (阅读:3727;评论:63)",))
    html = html.replace('<div class="nav">', '<div class="blog-title"><h2>李建忠</h2></div><div class="nav">')
    assert extract(html).authors == ["李建忠"]
    # without a post line, a name at the top of the page is nobody's byline
    plain = page().replace(
        '<div class="nav">', '<div class="blog-title"><h2>李建忠</h2></div><div class="nav">'
    )
    assert extract(plain).authors == []


def test_blog_owner_named_by_the_blog_title_suffix():
    assert extract(page(title="春天来了 - 海姑娘的博客")).authors == ["海姑娘"]
    assert extract(page(title="春天来了 - bjreader的博客", info="作者：王五")).authors == ["王五"]


# --- Text: trafilatura's precision mode on non-CJK pages -------------------------------------


def test_precision_text_is_kept_only_when_it_cuts_the_edges():
    from crawler.extract.body import choose_precise

    article = " ".join(EN_BODY)
    with_tail = article + " Related: Council approves parking fees. Sign up for our newsletter today."
    assert choose_precise(with_tail, article)  # the cut is a tail of links and boxes
    assert not choose_precise(with_tail, EN_BODY[0])  # most of the article gone: keep the default
    assert not choose_precise(article, article + " Something the default text never had at all.")
    assert not choose_precise(article, "")


@pytest.mark.parametrize(
    ("html", "source"),
    [
        pytest.param(page(info="作者：王小明"), "header", id="header"),
        pytest.param(page(after=("posted @ 2023-05-06 12:40 李建忠 阅读(3727)",)), "poster", id="poster"),
        pytest.param(page(title="春天来了 - 海姑娘的博客"), "blog-owner", id="blog-owner"),
        pytest.param(
            page(head='<meta name="author" content="王小明">', after=("王小明",)), "declared", id="declared"
        ),
        pytest.param(page(), None, id="nobody"),
    ],
)
def test_author_source_says_where_the_authors_were_found(html, source):
    assert extract(html).author_source == source


@pytest.mark.parametrize(
    ("info", "source"),
    [
        pytest.param("来源：示例日报", "示例日报", id="来源"),
        pytest.param("来源于：东区办事处", "东区办事处", id="来源于"),
        pytest.param("发布机构：市农业农村局", "市农业农村局", id="发布机构"),
    ],
)
def test_source_labels(info, source):
    article = extract(page(info=info))
    assert (article.source, article.authors) == (source, [])


def test_a_menu_item_named_like_a_label_names_nobody():
    menu = "<ul><li>摄影</li><li>真我</li><li>时间</li><li>2023-05-06</li></ul>"
    html = page(after=("x",)).replace("<p>x</p>", menu)
    article = extract(html)
    assert article.authors == [] and article.date_source != "footer"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posted on Monday, August 01, 2005 10:22 PM", datetime(2005, 8, 1, 22, 22, tzinfo=SHANGHAI)),
        ("1 August 2005", datetime(2005, 8, 1, tzinfo=SHANGHAI)),
        ("Sept. 3, 2019", datetime(2019, 9, 3, tzinfo=SHANGHAI)),
        ("二〇二二年二月十一日", datetime(2022, 2, 11, tzinfo=SHANGHAI)),
        ("二○○五年十二月三十一日", datetime(2005, 12, 31, tzinfo=SHANGHAI)),
        ("market 12, 2005", None),
        ("二〇二二年十三月一日", None),
    ],
)
def test_month_names_and_chinese_numerals(text, expected):
    from crawler.extract.dates import parse_date

    assert parse_date(text, tz=SHANGHAI) == expected


def test_official_notice_dated_in_chinese_numerals():
    body = (*BODY, "市农业农村局", "二〇二三年五月六日")
    article = extract(page(body=body))
    assert day(article) == "2023-05-06"
