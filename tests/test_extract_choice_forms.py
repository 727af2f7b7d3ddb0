"""The forms of headline, date line and byline the candidate-and-choice extraction reads, negatives included.

Small inline pages, one form each (the pages of tests/test_extract_metadata_forms.py, plus
the layouts of portals: info bars in table cells, promotion and recommendation lists, wire
datelines, platform accounts, European date lines).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from crawler.extract.byline import parse_byline
from crawler.extract.dates import find_dates
from tests.conftest import ROOT
from tests.test_extract_metadata_forms import BODY, EN_BODY, day, extract, page

TITLE = "全市春季农业生产工作会议召开"


def cjk_page(inner: str, *, head: str = "", title: str = TITLE) -> str:
    """A page whose article block is ``inner`` (headline, info bar, body as the test writes them)."""
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f'<body><div class="nav"><a href="/">首页</a> <a href="/news/">新闻</a></div>{inner}'
        f'<div class="copyright"><p>Copyright © 2003-2024 示例新闻网 版权所有</p></div></body></html>'
    )


def body_html(paragraphs: tuple[str, ...] = BODY) -> str:
    return '<div class="content">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>"


# --- Headlines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            page(title=TITLE).replace(f"<title>{TITLE}</title>", "<title>示例新闻网</title>"),
            TITLE,
            id="site-name-in-title-h1-wins",
        ),
        pytest.param(
            cjk_page(
                '<ul class="rec"><li><a href="/news/9.html">城区供暖管网改造工程全面完工</a></li>'
                '<li><a href="/news/8.html">第十届读书节启动 百场活动陪市民过冬</a></li>'
                '<li><a href="/news/7.html">新建三所中学明年秋季招生</a></li></ul>'
                f"<h2>{TITLE}</h2><div>发布时间：2023-05-06 08:00</div>{body_html()}",
                title="新闻中心_示例新闻网",
            ),
            TITLE,
            id="recommendation-list-is-never-the-headline",
        ),
        pytest.param(
            cjk_page(
                f"<h1>{TITLE}</h1><div>2023-05-06 08:00</div>{body_html()}",
                head='<meta property="og:title" content="某某奖金公布！"某某奖"首位得主揭晓">',
                title=f"{TITLE}_示例新闻网",
            ),
            TITLE,
            id="og-title-cut-by-a-quote-is-left-out",
        ),
        pytest.param(
            cjk_page(
                '<h1>某某奖金公布！"某某奖"首位得主揭晓</h1><div>2023-05-06</div>' + body_html(),
                head='<meta property="og:title" content="某某奖金公布！"某某奖"首位得主揭晓">',
            ),
            '某某奖金公布！"某某奖"首位得主揭晓',
            id="headline-with-a-quote-is-read-whole-from-the-page",
        ),
        pytest.param(
            cjk_page(f"<h1><span>原创</span>{TITLE}</h1><div>2023-05-06</div>{body_html()}", title=TITLE),
            TITLE,
            id="badge-dropped",
        ),
        pytest.param(
            cjk_page(
                f"<div>主题: {TITLE}</div><div>作者：芊草凡凡 时间：2023-05-06 08:00:13</div>{body_html()}"
            ),
            TITLE,
            id="forum-subject-label-dropped",
        ),
        pytest.param(
            cjk_page(
                f"<div>论坛 » 学术前沿 » {TITLE}</div>{body_html()}", title=f"{TITLE}(页 1) - 学术前沿 - 论坛"
            ),
            TITLE,
            id="last-step-of-a-breadcrumb",
        ),
        pytest.param(
            cjk_page(
                f"<h1>1</h1><div>{TITLE}</div><div>2023-05-06</div>{body_html()}", title=f"{TITLE}-某某财经"
            ),
            TITLE,
            id="a-number-is-no-headline",
        ),
        pytest.param(
            cjk_page(f"<h1></h1>{body_html()}", title=f"{TITLE}_某某网"),
            TITLE,
            id="empty-h1-site-suffix-stripped",
        ),
        pytest.param(
            cjk_page(f"<h1></h1>{body_html()}", title=f"示例新闻网 - {TITLE}"),
            TITLE,
            id="site-prefix-stripped",
        ),
        pytest.param(
            cjk_page(
                f"<h2>{TITLE}</h2><h3>成功举办经贸投资推介会</h3><div>时间：2023-05-06</div>{body_html()}",
                title=f"{TITLE} - 示例省人民政府门户网站",
            ),
            TITLE,
            id="headline-not-its-subtitle",
        ),
        pytest.param(
            cjk_page(
                f"<div>首页 - 新闻动态</div><h5>{TITLE}</h5><div>发布时间：2023-05-06</div>{body_html()}",
                title="新闻动态--示例学会官网",
            ),
            TITLE,
            id="title-holds-only-the-channel-the-line-above-the-date-wins",
        ),
    ],
)
def test_headline_forms(html, expected):
    assert extract(html).title == expected


def test_the_headline_that_links_to_itself_is_kept_one_that_links_elsewhere_is_not():
    url = "http://news.example.cn/article/12345.html"
    inner = f'<h2><a href="{url}">{TITLE}</a></h2><div>2023-05-06</div>{body_html()}'
    assert extract(cjk_page(inner, title="示例新闻网"), url=url).title == TITLE
    listed = "".join(f'<li><a href="/a/{n}.html">另一篇文章的标题第{n}篇</a></li>' for n in range(4))
    inner = f"<ul>{listed}</ul><div>2023-05-06</div>{body_html()}"
    assert "另一篇" not in (extract(cjk_page(inner, title=f"{TITLE}_示例新闻网"), url=url).title or "")


def test_a_link_text_from_the_crawl_agrees_with_the_headline():
    inner = f"<div>{TITLE}</div><div>推广：秋季招聘会开幕百家企业参加</div><div>2023-05-06</div>{body_html()}"
    html = cjk_page(inner, title="示例新闻网")
    from crawler.extract import Page, extract_page
    from crawler.extract.page import default_profile

    url = "http://news.example.cn/article/12345.html"
    article = extract_page(Page(url=url, body=html.encode(), link_text=TITLE), default_profile(url))
    assert article.title == TITLE


# --- Date lines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inner", "head", "expected"),
    [
        pytest.param(
            f'<h1>{TITLE}</h1><div class="info">发布时间：2023-05-06 08:00:13 来源：示例日报</div>'
            '<input type="hidden" name="pubtime" value="2023-05-06 08:00:13">' + body_html(),
            "",
            "2023-05-06",
            id="info-bar-and-hidden-input",
        ),
        pytest.param(
            f"<h1>{TITLE}</h1><table><tr><td>时间：</td><td>2023年5月6日08:00</td><td>来源：示例日报</td></tr></table>"
            + body_html(),
            "",
            "2023-05-06",
            id="label-alone-in-its-cell",
        ),
        pytest.param(
            f"<h1>{TITLE}</h1><table><tr><td>时间：2023年5月6日08:00</td></tr></table>" + body_html(),
            "",
            "2023-05-06",
            id="table-cell",
        ),
        pytest.param(
            f"<h1>{TITLE}</h1><table><tr><td>2023-05-06 08:00更新 来源：示例日报</td></tr></table>"
            + body_html(),
            "",
            "2023-05-06",
            id="update-mark-after-the-date",
        ),
        pytest.param(
            f"<h1>{TITLE}</h1><div>news.example.cn 2023-05-06 08:00:13 来源: 示例日报</div>" + body_html(),
            "",
            "2023-05-06",
            id="site-host-before-the-date",
        ),
        pytest.param(
            f"<h1>{TITLE}</h1><div>昨天</div>{body_html()}",
            '<script>var ct = "1683331200"; window.DATA = {"pubtime": "2023-05-06 08:00:00"};</script>',
            "2023-05-06",
            id="script-data-beats-a-relative-date",
        ),
        pytest.param(
            f"<h1>{TITLE}</h1><ul class='hot'><li>2023-04-01 另一篇文章</li></ul><div>2023-05-06 08:00</div>"
            + body_html(),
            "",
            "2023-05-06",
            id="the-date-next-to-the-body",
        ),
    ],
)
def test_date_line_forms(inner, head, expected):
    assert day(extract(cjk_page(inner, head=head))) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27.1.2022 - Bei der Erinnerung", (2022, 1, 27)),
        ("Pressemitteilung vom 20.01.2022", (2022, 1, 20)),
        ("17. Januar 2022, 14:30 Uhr", (2022, 1, 17)),
        ("3 février 2021 à 14h30", (2021, 2, 3)),
        ("5 de marzo de 2020", (2020, 3, 5)),
        ("27/01/2022", (2022, 1, 27)),
        ("9/17/2004 5:54:13 AM", (2004, 9, 17)),
    ],
)
def test_european_date_forms(text, expected):
    found = find_dates(text)
    assert found and (found[0].value.year, found[0].value.month, found[0].value.day) == expected


def test_an_update_label_marks_a_modification_not_the_publication():
    assert find_dates("Aktualisiert am 17.01.2021.")[0].label == "modified"


def test_a_utc_time_late_in_the_day_agrees_with_the_next_local_day():
    html = page(
        lang="de",
        body=EN_BODY,
        title="Council meets",
        info="19.10.2019",
        head='<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2019-10-18T23:10:00Z"}</script>',
    )
    article = extract(html)
    assert article.published_at.date().isoformat() == "2019-10-19"


# --- Bylines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "authors", "source"),
    [
        pytest.param("澎湃新闻记者 段彦超 廖艳", ["段彦超", "廖艳"], "澎湃新闻", id="outlet-reporter"),
        pytest.param("扬子晚报记者 张楠", ["张楠"], "扬子晚报", id="evening-paper-reporter"),
        pytest.param("本报记者张三发自北京", ["张三"], None, id="sent-from"),
        pytest.param("示例日报记者王小明/文", ["王小明"], "示例日报", id="reporter-slash-text"),
        pytest.param("（新华社记者王小明台北5日电）", ["王小明"], None, id="agency-dateline"),
        pytest.param("（中央社記者陳家倫台北5日電）", ["陳家倫"], "中央社", id="agency-dateline-traditional"),
        pytest.param("采写：南都见习记者 林子沛", ["林子沛"], None, id="reporter-of-a-short-named-paper"),
        pytest.param("《棱镜》作者 周纯", ["周纯"], None, id="column-author"),
        pytest.param("[ 张三 ] 来源：示例新闻网", ["张三"], "示例新闻网", id="bracketed-name-in-info-bar"),
        pytest.param("来源：网络", [], None, id="generic-source-names-no-organisation"),
        pytest.param("在场记者说，这是真的", [], None, id="prose-names-nobody"),
    ],
)
def test_byline_line_forms(line, authors, source):
    byline = parse_byline(line)
    assert (byline.authors, byline.source) == (authors, source)


@pytest.mark.parametrize(
    ("paragraphs", "authors"),
    [
        pytest.param(
            ("长江网10月4日讯（记者陈智 整合） " + BODY[0], *BODY[1:]), ["陈智"], id="news-dateline-credit"
        ),
        pytest.param(
            ("本站讯（职工通讯员 李琴雯 刘会）" + BODY[0], *BODY[1:]), ["李琴雯", "刘会"], id="qualified-role"
        ),
        pytest.param((*BODY, "（张巨峰／太原报道）"), ["张巨峰"], id="closing-reported-from"),
        pytest.param((*BODY, "扬子晚报记者 张楠"), ["张楠"], id="closing-outlet-reporter"),
        pytest.param(("澎湃新闻记者 段彦超 廖艳", *BODY), ["段彦超", "廖艳"], id="lead-outlet-reporter"),
    ],
)
def test_bylines_in_the_body(paragraphs, authors):
    article = extract(page(body=paragraphs))
    assert article.authors == authors
    assert not any(name in article.text[:8] for name in authors if not article.text.startswith(BODY[0][:4]))


def test_photographers_stay_apart_from_authors():
    article = extract(page(info="记者 张三", body=(*BODY, "（刘通摄）")))
    assert article.authors == ["张三"] and article.photographers == ["刘通"]


def test_a_visible_byline_beats_a_different_json_ld_author():
    head = '<script type="application/ld+json">{"@type":"NewsArticle","author":{"@type":"Person","name":"王五"}}</script>'
    assert extract(page(info="作者：张三", head=head)).authors == ["张三"]


def test_an_editor_is_never_taken_for_the_author():
    article = extract(page(head='<meta name="author" content="李楠">', after=("编辑：李楠",)))
    assert article.authors == [] and article.editors == ["李楠"]


def test_a_platform_account_linked_under_the_headline_is_the_poster():
    inner = f'<h1>{TITLE}</h1><div><a href="/c/user/6294480027/">去驴行</a></div><div>2023-05-06</div>{body_html()}'
    article = extract(cjk_page(inner))
    assert (article.authors, article.author_source) == (["去驴行"], "account")
    inner = f'<h1>{TITLE}</h1><div><a href="/c/user/6294480027/">去驴行</a></div><div>记者 张三</div>{body_html()}'
    assert extract(cjk_page(inner)).authors == ["张三"]  # a person credited: the account is not the author


def test_a_follow_button_names_nobody():
    inner = f"<h1>{TITLE}</h1><div>关注</div><div>2023-05-06</div>{body_html()}"
    assert extract(cjk_page(inner)).authors == []


# --- --explain -----------------------------------------------------------------------------


def test_explain_prints_every_field_its_candidates_and_why(tmp_path):
    path = tmp_path / "page.html"
    inner = (
        '<ul><li><a href="/a/1.html">另一篇文章的标题第一篇</a></li><li><a href="/a/2.html">另一篇文章的标题第二篇</a></li>'
        '<li><a href="/a/3.html">另一篇文章的标题第三篇</a></li></ul>'
        f"<h1>{TITLE}</h1><div>发布时间：2023-05-06 08:00 来源：示例日报 作者：张三</div>{body_html()}"
    )
    path.write_text(cjk_page(inner, title=f"{TITLE}_示例新闻网"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "extract", "--explain", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert f"title: {TITLE}" in out and "agrees with title" in out
    assert "REFUSED: a link to another page, in a list of links" in out
    assert "date: 2023-05-06T08:00:00+08:00" in out and "date-line-label" in out
    assert "authors: 张三" in out and "why: the best-scoring source: header" in out
    assert "source: 示例日报" in out
    json.dumps(out)  # plain text


def test_fetch_time_is_used_for_relative_dates_when_nothing_else_dates_the_page():
    html = cjk_page(f"<h1>{TITLE}</h1><div>3小时前</div>{body_html()}")
    article = extract(html)
    assert article.published_at is not None
    assert article.published_at.astimezone(UTC) < datetime(2024, 3, 1, 12, tzinfo=UTC)
