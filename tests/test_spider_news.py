"""The spider's decisions on hand-made responses: what it requests and what it yields (no crawl)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.items import Article, PageVisit
from crawler.profiles import load_profile
from crawler.workers import ExtractionPool, PoolConfig
from spiders.news import NewsSpider

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

BASE = "http://127.0.0.1:8642/"


def unfrozen_crawler() -> Any:
    """A test crawler whose settings the spider may still change (as during Crawler.crawl)."""
    crawler = get_crawler(NewsSpider)
    crawler.settings.frozen = False
    return crawler


@pytest.fixture(scope="module")
def pool() -> Iterator[ExtractionPool]:
    """One extraction worker for the module (starting one costs seconds of warm-up)."""
    with ExtractionPool(PoolConfig(workers=1)) as shared:
        yield shared


@pytest.fixture
def spider(pool: ExtractionPool) -> NewsSpider:
    crawler = unfrozen_crawler()
    spider = NewsSpider.from_crawler(crawler, site="demo", base_url=BASE)
    assert spider.extraction is not None
    spider.extraction.pool = pool
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


def collect(outputs: AsyncIterator[Any]) -> list[Any]:
    """What an async callback yields (article pages are extracted in a worker, awaited)."""

    async def run() -> list[Any]:
        return [output async for output in outputs]

    return asyncio.run(run())


def html(url: str, body: str, status: int = 200, **meta: Any) -> HtmlResponse:
    request = Request(url, meta=meta)
    return HtmlResponse(
        url,
        body=body.encode(),
        encoding="utf-8",
        status=status,
        request=request,
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


def test_site_argument_is_required() -> None:
    with pytest.raises(ValueError, match="which site"):
        NewsSpider.from_crawler(get_crawler(NewsSpider))


def test_profile_politeness_becomes_settings() -> None:
    crawler = unfrozen_crawler()
    NewsSpider.from_crawler(crawler, site="dzwww")
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == load_profile("dzwww").politeness.download_delay
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2


def test_start_requests_feeds_sitemaps_robots_then_lists(spider: NewsSpider) -> None:
    async def collect() -> list[str]:
        return [r.url async for r in spider.start()]

    urls = asyncio.run(collect())
    assert urls[:3] == [f"{BASE}rss.xml", f"{BASE}sitemap.xml", f"{BASE}robots.txt"]
    assert f"{BASE}news/local/index.htm" in urls


def test_list_page_requests_articles_first_and_pagination_as_lists(spider: NewsSpider) -> None:
    page = html(
        f"{BASE}news/local/index.htm",
        """
        <a href="2026-11/27/content_1001.htm">a</a>
        <a href="index_1.htm">下一页</a>
        <a href="http://elsewhere.cn/p/1234567.html">off site</a>
        <a href="/admin/login.htm">admin</a>""",
    )
    requests = list(spider.parse_list(page))
    kinds = {r.url: (r.meta["kind"], r.meta.get("pagination"), r.priority) for r in requests}
    assert kinds == {
        f"{BASE}news/local/2026-11/27/content_1001.htm": ("article", None, 10),
        f"{BASE}news/local/index_1.htm": ("list", True, -1),
    }


def test_max_list_pages_is_a_budget_per_crawl_that_leaves_the_walk_resumable(spider: NewsSpider) -> None:
    first = f"{BASE}news/local/index.htm"
    walk = spider.walks.top(first)
    assert walk is not None
    walk.budget = 2
    [_first] = walk.to_request()  # the first page
    bar = "".join(f'<a href="index_{n}.htm">{n + 1}</a>' for n in range(1, 6))
    page = html(first, bar, **{"walk": spider.walks.meta(walk), "page": 0})
    [second] = [r for r in spider.parse_list(page) if r.meta["kind"] == "list"]
    assert second.url == f"{BASE}news/local/index_1.htm"
    page = html(second.url, bar, **second.meta)
    assert [r for r in spider.parse_list(page) if r.meta["kind"] == "list"] == []  # budget spent
    assert walk.over_budget and not walk.finished
    assert walk.resume_point() == (2, f"{BASE}news/local/index_2.htm")  # the next crawl goes on there


@pytest.mark.parametrize(("status", "kind"), [(404, "gone"), (410, "gone"), (304, "not_modified")])
def test_status_answers_become_visits(spider: NewsSpider, status: int, kind: str) -> None:
    [visit] = collect(
        spider.parse_article(html(f"{BASE}news/local/2026-11/27/content_1001.htm", "", status=status))
    )
    assert isinstance(visit, PageVisit)
    assert visit.kind == kind and visit.status == status and visit.site == "demo"


def test_a_redirect_to_the_home_page_means_gone(spider: NewsSpider) -> None:
    article = f"{BASE}news/local/2026-11/27/content_1001.htm"
    [visit] = collect(spider.parse_article(html(BASE, "<h1>首页</h1>", redirect_urls=[article])))
    assert isinstance(visit, PageVisit)
    assert visit.url == article and visit.reason.startswith("redirected to the home page")


def test_a_deletion_notice_means_gone(spider: NewsSpider) -> None:
    url = f"{BASE}news/local/2026-11/27/content_1001.htm"
    [visit] = collect(
        spider.parse_article(html(url, "<html><body><p>对不起，该文章已删除或页面不存在。</p></body></html>"))
    )
    assert isinstance(visit, PageVisit) and visit.kind == "gone"


def test_an_article_carries_its_validators_and_warc_record(spider: NewsSpider) -> None:
    url = f"{BASE}news/local/2026-11/27/content_1001.htm"
    body = (
        "<html><head><title>标题</title></head><body><h1>标题</h1><p>"
        + "正文内容。" * 60
        + "</p></body></html>"
    )
    request = Request(url, meta={"warc_record": {"file": "demo/x.warc.gz", "offset": 0}})
    response = HtmlResponse(
        url,
        body=body.encode(),
        request=request,
        headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"abc"'},
    )
    [article] = collect(spider.parse_article(response))
    assert isinstance(article, Article)
    assert article.etag == '"abc"' and article.warc == [{"file": "demo/x.warc.gz", "offset": 0}]


def test_binary_responses_are_skipped_with_a_stat(spider: NewsSpider) -> None:
    url = f"{BASE}news/local/2026-11/27/content_1001.htm"
    response = Response(url, body=b"\x89PNG...", headers={"Content-Type": "image/png"}, request=Request(url))
    assert collect(spider.parse_article(response)) == []
    assert spider.crawler.stats.get_value("extract/not_html") == 1


def test_feed_entries_are_articles_even_without_patterns(spider: NewsSpider) -> None:
    feed = TextResponse(
        f"{BASE}rss.xml",
        body=b"<rss><channel><item><link>/news/local/2026-11/27/content_1001.htm</link>"
        b"</item><item><link>/other/page.html</link></item></channel></rss>",
    )
    urls = [r.url for r in spider.parse_feed(feed)]
    assert urls == [f"{BASE}news/local/2026-11/27/content_1001.htm", f"{BASE}other/page.html"]


def _page(n: int) -> str:
    links = " ".join(f'<a href="content_1010_{k}.htm">{k}</a>' for k in (2, 3))
    body = f"第{n}页的正文，内容关于鲁北市冬季供暖工作，记者走访了多个社区和供热站。" * 4
    return (
        f"<html><head><title>多页文章</title></head><body><h1>多页文章</h1><div class='content'><p>{body}</p></div>"
        f"<div class='pages'><a href='content_1010.htm'>1</a> {links} <a href='content_1010_2.htm'>下一页</a></div>"
        "</body></html>"
    )


def test_a_missing_middle_page_is_reported_not_skipped(spider: NewsSpider) -> None:
    from scrapy.exceptions import IgnoreRequest
    from twisted.python.failure import Failure

    first = f"{BASE}news/local/2026-11/20/content_1010.htm"
    [page2] = collect(spider.parse_article(html(first, _page(1))))
    assert isinstance(page2, Request) and page2.url.endswith("content_1010_2.htm")
    failure = Failure(IgnoreRequest("connection reset"))
    failure.request = page2  # type: ignore[attr-defined]
    [page3] = collect(spider.article_page_failed(failure))
    assert page3.url.endswith("content_1010_3.htm")
    response = html(page3.url, _page(3), **page3.meta)
    [article] = collect(spider.parse_article_page(response))
    assert isinstance(article, Article)
    assert article.missing_pages == [page2.url]
    assert article.quality["incomplete"] is True and article.quality["pages"] == 3
    assert "第1页的正文" in article.text and "第3页的正文" in article.text and "第2页" not in article.text
    assert spider.crawler.stats.get_value("extract/missing_pages") == 1


def test_a_later_page_leads_to_the_first(spider: NewsSpider) -> None:
    later = f"{BASE}news/local/2026-11/20/content_1010_3.htm"
    [request] = collect(spider.parse_article(html(later, _page(3))))
    assert isinstance(request, Request) and request.url.endswith("content_1010.htm")


def _sitemap(url: str, body: str, depth: int) -> TextResponse:
    request = Request(url, cb_kwargs={"depth": depth})
    return TextResponse(url, body=body.encode(), encoding="utf-8", request=request)


def test_sitemap_indexes_are_followed_only_so_deep(spider: NewsSpider) -> None:
    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{BASE}sitemap-deeper.xml</loc></sitemap></sitemapindex>"
    )
    [request] = spider.parse_sitemap(_sitemap(f"{BASE}sitemap.xml", index, 0), depth=0)
    assert request.cb_kwargs == {"depth": 1}
    assert list(spider.parse_sitemap(_sitemap(f"{BASE}s3.xml", index, 3), depth=3)) == []
    assert spider.crawler.stats.get_value("discovery/sitemap_too_deep") == 1


def test_sitemap_entries_past_the_budget_are_ignored(spider: NewsSpider) -> None:
    spider.crawler.settings.set("SITEMAP_MAX_ENTRIES", 3)
    urlset = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{BASE}news/local/2026-11/27/content_{n}.htm</loc></url>" for n in range(9))
        + "</urlset>"
    )
    requests = list(spider.parse_sitemap(_sitemap(f"{BASE}sitemap.xml", urlset, 0)))
    assert len(requests) == 3
    assert spider.crawler.stats.get_value("discovery/sitemap_truncated") == 1


def test_a_redirect_to_a_section_page_means_gone(spider: NewsSpider) -> None:
    article = f"{BASE}news/local/2026-11/27/content_1001.htm"
    section = f"{BASE}news/local/index.htm"
    [visit] = collect(spider.parse_article(html(section, "<h1>本地新闻</h1>", redirect_urls=[article])))
    assert isinstance(visit, PageVisit) and visit.kind == "gone"
    assert visit.url == article and visit.reason.startswith("redirected to a section page")


def test_a_permanent_redirect_to_another_article_records_the_move(spider: NewsSpider) -> None:
    old = f"{BASE}news/local/2026-11/27/content_1001.htm"
    new = f"{BASE}news/local/2026-11/28/content_2001.htm"
    body = (
        "<html><body><h1>搬家的文章</h1><p>"
        + "鲁北市冬季供暖工作全面启动，记者走访了多个社区。" * 4
        + "</p></body></html>"
    )
    [article] = collect(spider.parse_article(html(new, body, redirect_urls=[old], redirect_reasons=[301])))
    assert isinstance(article, Article) and article.moved_from == [old] and article.url == new
    [temporary] = collect(spider.parse_article(html(new, body, redirect_urls=[old], redirect_reasons=[302])))
    assert isinstance(temporary, Article) and temporary.moved_from == []


def _titled(n: int, title: str) -> str:
    return _page(n).replace("多页文章", title)


def test_a_next_page_with_another_headline_is_an_article_of_its_own(spider: NewsSpider) -> None:
    first = f"{BASE}news/local/2026-11/20/content_1010.htm"
    [page2] = collect(spider.parse_article(html(first, _page(1))))
    response = html(page2.url, _titled(2, "另一篇新闻的标题"), **page2.meta)
    outputs = collect(spider.parse_article_page(response))
    articles = [o for o in outputs if isinstance(o, Article)]
    assert [a.url for a in articles] == [page2.url, first]
    assert articles[0].page_urls == [page2.url] and "第1页" not in articles[0].text
    assert "第2页" not in articles[1].text and not [o for o in outputs if isinstance(o, Request)]
    assert spider.crawler.stats.get_value("extract/not_a_later_page") == 1


def test_a_later_page_whose_first_page_is_gone_is_stored_as_itself(spider: NewsSpider) -> None:
    later = f"{BASE}news/local/2026-11/20/content_1010_3.htm"
    [request] = collect(spider.parse_article(html(later, _page(3))))
    assert request.url.endswith("content_1010.htm") and request.meta["later_page"].url == later
    outputs = collect(spider.parse_article(html(request.url, "", status=404, **request.meta)))
    visit, article = outputs
    assert isinstance(visit, PageVisit) and visit.kind == "gone"
    assert isinstance(article, Article) and article.url == later and article.page_urls == [later]


def test_a_later_page_of_another_article_is_stored_as_itself(spider: NewsSpider) -> None:
    later = f"{BASE}news/local/2026-11/20/content_1010_3.htm"
    [request] = collect(spider.parse_article(html(later, _page(3))))
    outputs = collect(spider.parse_article(html(request.url, _titled(1, "首页是另一篇"), **request.meta)))
    own = outputs[0]
    assert isinstance(own, Article) and own.url == later and own.page_urls == [later]
