"""A site's template learned in a crawl: where its headline, date line and byline sit, used on later pages.

The fixture site prints every article the same way, but on its last pages the CMS loses the
headline from <title>, puts a promotion line under the date and prints the byline without its
label: the page-level heuristics then take the promotion for the headline and find no author.
After the first articles, the learned places read them right, in the crawl and in `reextract`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from crawler.extract import Page, extract_page
from crawler.extract.page import default_profile
from crawler.extract.template import LayoutLearner, SiteTemplate
from crawler.store import connect
from tests.article_site import PLACES, TOPICS, article_site, works_paragraphs
from tests.conftest import FAST_CRAWL, cli_environment, run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

ARTICLES = 8
#: From this article on, the page-level heuristics are misled.
MISLEADING_FROM = 7
AUTHOR = "江南一叶"
PROMO = "专题推荐：2026-11-30 全市秋季招聘会开幕，百家企业现场招聘"


def headline(n: int) -> str:
    return f"{PLACES[n - 1]}{TOPICS[n - 1]}改造工程本周开工"


def article_html(n: int) -> str:
    """Article n: the template of the site; from MISLEADING_FROM on, the CMS's slips."""
    misled = n >= MISLEADING_FROM
    body = works_paragraphs(n, "，工程进展情况将及时向社会公布")
    return (
        f"<html><head><meta charset='utf-8'><title>{'鲁北新闻网' if misled else headline(n) + '_鲁北新闻网'}</title>"
        "</head><body><div class='nav'><a href='/'>首页</a> <a href='/news/'>新闻</a></div>"
        f"<div class='art'><div class='art-hd'><span class='tt'>{headline(n)}</span></div>"
        f"<div class='art-date'>发布时间：2026-11-{10 + n:02d} 08:00</div>"
        f"{f'<div class=promo>{PROMO}</div>' if misled else ''}"
        f"<div class='art-au'>{AUTHOR if misled else '作者：' + AUTHOR}</div>"
        f"<div class='content'>{body}</div></div></body></html>"
    )


def extract(n: int, template: SiteTemplate | None = None):
    url = f"http://site.example/a/{1000 + n}.htm"
    page = Page(url=url, body=article_html(n).encode(), fetched_at=datetime(2026, 12, 1, tzinfo=UTC))
    return extract_page(page, default_profile(url), template=template)


def test_the_misleading_pages_defeat_the_page_level_heuristics() -> None:
    article = extract(MISLEADING_FROM)
    assert article.title != headline(MISLEADING_FROM)  # the promotion line is taken for the headline
    assert AUTHOR not in article.authors


def test_the_places_are_learned_from_agreeing_pages_and_read_first_later() -> None:
    learner = LayoutLearner(min_articles=3, min_share=0.6)
    for n in range(1, MISLEADING_FROM):
        learner.add(extract(n).layout)
    template = learner.template()
    assert template.title and template.date and template.byline
    for n in range(MISLEADING_FROM, ARTICLES + 1):
        article = extract(n, template)
        assert article.title == headline(n)
        assert article.title_source == "learned"
        assert article.authors == [AUTHOR]
        assert article.published_at == datetime(2026, 11, 10 + n, 8, tzinfo=article.published_at.tzinfo)


def test_a_learner_survives_storage_and_ignores_malformed_counts() -> None:
    learner = LayoutLearner(min_articles=2, min_share=0.6)
    for _ in range(2):
        learner.add({"title": "div.art>div.art-hd", "date": "div.art>div.art-date", "other": "x"})
    copy = LayoutLearner.from_dict(learner.to_dict(), min_articles=2, min_share=0.6)
    assert (
        copy.template()
        == learner.template()
        == SiteTemplate("div.art>div.art-hd", "div.art>div.art-date", "")
    )
    broken = LayoutLearner.from_dict(
        {"counts": {"title": [{"place": "a", "n": "x"}, "junk", {"n": 3}], "date": "nope"}},
        min_articles=1,
        min_share=0.5,
    )
    assert broken.template() == SiteTemplate()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    with article_site(tmp_path, "tpl", ARTICLES, article_html) as (_, profiles):
        yield profiles


@pytest.mark.integration
def test_a_crawl_learns_the_template_keeps_it_and_reextract_uses_it(
    site: Path, mongo_uri: str, database_name: str, tmp_path: Path
) -> None:
    env = cli_environment(mongo_uri, database_name, tmp_path / "var", site)
    learn = [
        "-s",
        "LEARN_LAYOUT_MIN_ARTICLES=3",
        "-s",
        "CONCURRENT_REQUESTS=1",
        "-s",
        "SCRAPER_SLOT_MAX_ACTIVE_SIZE=1",
    ]
    client = connect(mongo_uri)
    db = client[database_name]
    try:
        crawl = run_cli(["crawl", "tpl", *FAST_CRAWL, *learn], env)
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        kept = db.layouts.find_one({"_id": "tpl"})
        assert kept is not None, crawl.stderr[-3000:]
        assert set(kept["template"]) == {"title", "date", "byline", "title_suffix"}
        assert kept["template"]["title_suffix"] == "鲁北新闻网"  # the site's name its <title>s repeat
        assert db.articles.count_documents({}) == ARTICLES

        again = run_cli(["reextract", "--site", "tpl"], env)
        assert again.returncode == 0, again.stderr[-3000:]
        docs = {d["url"].rsplit("/", 1)[-1]: d for d in db.articles.find()}
        for n in range(1, ARTICLES + 1):
            doc = docs[f"{1000 + n}.htm"]
            assert doc["title"] == headline(n), (kept, again.stdout[-2000:], again.stderr[-2000:])
            assert doc["authors"] == [AUTHOR]
    finally:
        client.drop_database(database_name)
        client.close()
