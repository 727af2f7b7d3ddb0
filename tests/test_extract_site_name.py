"""The site's name is stripped from the headline when the profile names it or the site's <title>s repeat it.

Pages that declare no og:site_name nor JSON-LD publisher still print their site's name around
the headline in <title> (``Headline - Site``, ``Site_Headline``). When the profile gives the
site's display name, or a crawl learned the part its <title>s repeat, that part goes; a headline
holding the name inside it keeps it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import Page, extract_page
from crawler.extract.page import default_profile
from crawler.extract.template import LayoutLearner, SiteTemplate
from crawler.extract.title import title_affixes
from crawler.profiles.loader import parse_profile
from tests.article_site import works_paragraphs

SITE = "鲁北日报社新闻网"
URL = "http://lubei.example/a/1001.htm"
#: Short headlines: shorter than twice the site's name, so the length rule alone keeps the name.
HEADLINES = [
    "市民点赞新公园",
    "新桥今日通车",
    "老街改造开工",
    "夜市重新开放",
    "图书馆延时开放",
    "公交新线开通",
]


def page(title: str, n: int = 1, heading: str = "") -> Page:
    """An article whose headline is only in <title> (or also in an <h1> when ``heading``)."""
    html = (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> <a href='/news/'>新闻</a></div>"
        f"{f'<h1>{heading}</h1>' if heading else ''}"
        f"<div class='content'>{works_paragraphs(n)}</div></body></html>"
    )
    return Page(url=URL, body=html.encode(), fetched_at=datetime(2026, 12, 1, tzinfo=UTC))


def with_title(display: str):
    return parse_profile(f"name: lubei\ntitle: {display}\nbase_url: http://lubei.example/\n")


@pytest.mark.parametrize(
    "title",
    [
        f"{HEADLINES[0]} - {SITE}",
        f"{HEADLINES[0]}_{SITE}",
        f"{SITE} | {HEADLINES[0]}",
        f"{SITE}－{HEADLINES[0]}",
    ],
)
def test_the_profiles_site_name_is_stripped_from_title(title: str) -> None:
    if "－" in title:  # a full-width hyphen is no separator: the title is one headline
        assert extract_page(page(title), with_title(SITE)).title == title
        return
    assert extract_page(page(title), default_profile(URL)).title == title  # kept without the name
    assert extract_page(page(title), with_title(SITE)).title == HEADLINES[0]


def test_a_line_printing_only_the_profiles_name_is_no_headline() -> None:
    article = extract_page(page(f"{HEADLINES[0]}_{SITE}", heading=SITE), with_title(SITE))
    assert article.title == HEADLINES[0]


@pytest.mark.parametrize(
    "headline",
    [f"市民称赞{SITE}报道", f"{SITE}记者走访新建公园", f"走进{SITE}"],
)
def test_a_headline_holding_the_site_name_keeps_it(headline: str) -> None:
    for title in (f"{headline} - {SITE}", headline):
        assert extract_page(page(title), with_title(SITE)).title == headline
    assert extract_page(page(f"{headline}_{SITE}", heading=headline), with_title(SITE)).title == headline


def test_title_affixes_are_the_parts_around_the_headline() -> None:
    assert title_affixes(f"{SITE} - 市民点赞新公园", "市民点赞新公园") == {"title_prefix": SITE}
    assert title_affixes(f"市民点赞新公园_本地新闻_{SITE}", "市民点赞新公园") == {"title_suffix": SITE}
    assert title_affixes(f"频道 | 市民点赞新公园 | {SITE}", "市民点赞新公园") == {
        "title_prefix": "频道",
        "title_suffix": SITE,
    }
    assert title_affixes("市民点赞新公园", "市民点赞新公园") == {}  # no parts
    assert title_affixes(f"另一篇文章的标题_{SITE}", "市民点赞新公园") == {}  # the title names something else
    assert title_affixes(None, "市民点赞新公园") == {}


def learned(titles: list[str]) -> SiteTemplate:
    learner = LayoutLearner(min_articles=3, min_share=0.6)
    for n, title in enumerate(titles, 1):
        learner.add(extract_page(page(title, n, heading=HEADLINES[n - 1]), default_profile(URL)).layout)
    return learner.template()


@pytest.mark.parametrize(
    ("form", "field"),
    [("{h}_{s}", "title_suffix"), ("{s} - {h}", "title_prefix"), ("{h} | 本地 | {s}", "title_suffix")],
)
def test_the_site_name_repeated_in_titles_is_learned_and_stripped_later(form: str, field: str) -> None:
    template = learned([form.format(h=h, s=SITE) for h in HEADLINES[:5]])
    assert getattr(template, field) == SITE
    later = page(form.format(h=HEADLINES[5], s=SITE), 6)  # no heading: only <title> names it
    assert extract_page(later, default_profile(URL)).title != HEADLINES[5]
    assert extract_page(later, default_profile(URL), template=template).title == HEADLINES[5]
    # a later headline holding the name inside it keeps it
    inside = f"市民称赞{SITE}报道"
    assert (
        extract_page(page(form.format(h=inside, s=SITE), 6), default_profile(URL), template=template).title
        == inside
    )


def test_parts_that_do_not_repeat_are_not_learned() -> None:
    template = learned([f"{h}_{channel}" for h, channel in zip(HEADLINES[:5], "甲乙丙丁戊", strict=True)])
    assert not template.title_suffix and not template.title_prefix
    copy = LayoutLearner.from_dict(
        {"counts": {"title_suffix": [{"place": SITE, "n": 4}]}}, min_articles=3, min_share=0.6
    )
    assert copy.template().site_names == (SITE,)
