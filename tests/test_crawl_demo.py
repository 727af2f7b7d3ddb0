"""End to end: crawl the demo site served on loopback into the real local database."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

from crawler.demo.content import ARTICLES
from crawler.demo.server import serve
from crawler.localdb import free_port
from crawler.search.index import SearchIndex
from crawler.store import connect
from tests.conftest import FAST_CRAWL, ROOT, cli_environment, run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator

    from crawler.demo.server import DemoServer

pytestmark = pytest.mark.integration

#: Site chrome that the crawl must never store as article text (issue 2: nav, share bars, footer).
CHROME = ("打印本页", "关闭窗口", "ICP备", "举报电话", "网友评论", "热点排行", "首页 >")


@pytest.fixture(scope="module")
def demo_site() -> Iterator[tuple[DemoServer, str]]:
    server, url = serve(port=0)
    try:
        yield server, url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def crawled(
    demo_site: tuple[DemoServer, str], mongo_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The demo site crawled twice into a database of its own."""
    server, url = demo_site
    name = f"t_crawl_demo_{free_port()}"
    var = tmp_path_factory.mktemp("var")
    env = cli_environment(mongo_uri, name, str(var))
    server.hits.reset()
    first = run_cli(["crawl", "demo", "--base-url", url, *FAST_CRAWL], env)
    hits_first = server.hits.counts()
    server.hits.reset()
    second = run_cli(["crawl", "demo", "--base-url", url, *FAST_CRAWL], env)
    hits_second = server.hits.counts()
    server.hits.reset()
    full = run_cli(["crawl", "demo", "--full", "--base-url", url, *FAST_CRAWL], env)
    client = connect(mongo_uri)
    db = client[name]
    try:
        yield {
            "first": first,
            "second": second,
            "full": full,
            "hits": hits_first,
            "hits_second": hits_second,
            "articles": {d["_id"]: d for d in db.articles.find()},
            "runs": list(db.crawl_runs.find().sort("started_at", 1)),
            "url": url,
            "search_index": _index_drift(db),
            "var": var,
        }
    finally:
        client.drop_database(name)
        client.close()


def _index_drift(db: Any) -> Any:
    """How the local search index the crawls wrote differs from the store (None: no local index)."""
    index = SearchIndex.for_database(db)
    if index is None:
        return None
    try:
        return index.complete, len(index), index.drift(db.articles)[0]
    finally:
        index.close()


def test_crawls_keep_the_local_search_index_in_step(crawled: dict[str, Any]) -> None:
    if crawled["search_index"] is None:
        pytest.skip("no local search index on this server (MongoDB answers from its own indexes)")
    complete, indexed, drift = crawled["search_index"]
    assert complete and indexed == len(ARTICLES)
    assert drift.clean, drift


def test_crawl_exits_cleanly(crawled: dict[str, Any]) -> None:
    for run in (crawled["first"], crawled["second"], crawled["full"]):
        assert run.returncode == 0, run.stderr[-3000:]


def test_every_demo_article_is_stored_once(crawled: dict[str, Any]) -> None:
    expected = {a.url(crawled["url"]) for a in ARTICLES}
    assert set(crawled["articles"]) == expected


def test_stored_fields(crawled: dict[str, Any]) -> None:
    for doc in crawled["articles"].values():
        assert doc["site"] == "demo"
        assert doc["title"]
        assert len(doc["text"]) > 100
        assert doc["published_at"] is not None and doc["published_at"].tzinfo is not None
        assert doc["date_source"] in ("date-line-label", "date-line") and 0 < doc["date_confidence"] <= 1
        assert doc["status"] == 200
        assert doc["encoding"] in ("utf-8", "gb18030")
        assert len(doc["content_hash"]) == 64
        assert doc["extractor_version"].startswith("newsarchive/")
        assert doc["canonical_url"] == doc["_id"]
        assert doc["schema_version"] == 1


def test_gbk_section_is_decoded(crawled: dict[str, Any]) -> None:
    gbk = [a for a in ARTICLES if a.is_gbk]
    assert gbk
    for article in gbk:
        doc = crawled["articles"][article.url(crawled["url"])]
        assert doc["encoding"] == "gb18030"
        assert article.title in doc["title"]
        assert "\ufffd" not in doc["text"]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: str(a.id))
def test_article_and_metadata_as_published(crawled: dict[str, Any], article: Any) -> None:
    """Text without chrome, byline, disclaimer or pinyin; people, outlet and time in their fields."""
    doc = crawled["articles"][article.url(crawled["url"])]
    assert doc["text"] == article.text
    assert doc["title"] == article.title
    assert sorted(doc["authors"]) == sorted(article.authors)
    assert doc["editors"] == list(article.editors)
    assert doc["source"] == article.source
    assert doc["published_at"] == article.published
    assert doc["page_urls"] == list(article.page_urls(crawled["url"]))
    assert doc["script"] == article.script


def test_text_has_no_site_chrome(crawled: dict[str, Any]) -> None:
    for url, doc in crawled["articles"].items():
        leaked = [marker for marker in CHROME if marker in doc["text"]]
        assert not leaked, f"{url} keeps {leaked}"


def test_second_crawl_adds_nothing_and_fetches_only_lists_and_feeds(crawled: dict[str, Any]) -> None:
    first, second, _ = crawled["runs"]
    assert first["articles_new"] == len(ARTICLES)
    assert second["articles_new"] == 0 and second["articles_updated"] == 0
    # articles, not the links to them (feed, sitemaps, section lists and the home page all link them)
    assert second["stats"]["incremental_skipped_known"] == len(ARTICLES)
    assert f"{len(ARTICLES)} archived articles not due" in crawled["second"].stdout
    fetched = set(crawled["hits_second"])
    assert not fetched & {a.path for a in ARTICLES}
    assert {"/rss.xml", "/sitemap-news.xml", "/news/local/index.htm"} <= fetched
    assert all(doc["version"] == 1 for doc in crawled["articles"].values())


def test_full_crawl_refetches_and_finds_everything_unchanged(crawled: dict[str, Any]) -> None:
    full = crawled["runs"][2]
    assert full["articles_new"] == 0 and full["articles_updated"] == 0
    assert full["articles_unchanged"] == len(ARTICLES)
    assert len(crawled["articles"]) == len(ARTICLES)


def test_pending_requests_and_what_was_seen_stay_on_disk(crawled: dict[str, Any]) -> None:
    """Queue, duplicate filter and archive index in scratch files, deleted when the crawl ends."""
    for run in crawled["runs"]:
        stats = run["stats"]
        assert stats["scheduler_enqueued_disk"] == stats["scheduler_enqueued"] > 0
        assert "scheduler_enqueued_memory" not in stats and "scheduler_unserializable" not in stats
    first = crawled["runs"][0]["stats"]
    assert first["dupefilter_filtered"] > 0  # the feed, sitemap and lists name the same articles
    assert list((crawled["var"] / "index").iterdir()) == []


def test_crawl_runs_are_recorded(crawled: dict[str, Any]) -> None:
    assert len(crawled["runs"]) == 3
    for run in crawled["runs"]:
        assert run["site"] == "demo"
        assert run["status"] == "finished" and run["finish_reason"] == "finished"
        assert run["finished_at"] > run["started_at"]
        assert run["pages_fetched"] >= 8  # robots, feed, sitemaps, list pages (+ articles when due)
        assert run["errors"] == 0


def test_robots_txt_is_obeyed(crawled: dict[str, Any]) -> None:
    hits = crawled["hits"]
    assert hits.get("/robots.txt", 0) >= 1
    assert not [path for path in hits if path.startswith("/admin/")]


def test_discovery_used_feed_sitemaps_and_lists(crawled: dict[str, Any]) -> None:
    hits = crawled["hits"]
    for path in (
        "/rss.xml",
        "/sitemap.xml",
        "/sitemap-news.xml",
        "/news/local/index.htm",
        "/news/local/index_1.htm",
    ):
        assert hits.get(path, 0) >= 1, path
    # Each article page fetched once per crawl, whatever the number of links to it.
    for article in ARTICLES:
        assert hits.get(article.path, 0) == 1, article.path


def test_unreachable_database_fails_before_fetching(demo_site: tuple[DemoServer, str], tmp_path: Any) -> None:
    server, url = demo_site
    env = cli_environment(f"mongodb://alice:s3cret@127.0.0.1:{free_port()}/", "x", str(tmp_path))
    server.hits.reset()
    result = run_cli(["crawl", "demo", "--base-url", url, *FAST_CRAWL], env, timeout=120)
    assert result.returncode != 0
    assert "cannot reach the database at mongodb://***:***@127.0.0.1" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
    assert server.hits.counts() == {}


def test_scrapy_crawl_from_the_project_root(
    demo_site: tuple[DemoServer, str], mongo_uri: str, database_name: str, tmp_path: Any
) -> None:
    _, url = demo_site
    env = cli_environment(mongo_uri, database_name, str(tmp_path))
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert listed.stdout.split() == ["news"]
    crawl = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "news",
            "-a",
            "site=demo",
            "-a",
            f"base_url={url}",
            "-s",
            "CLOSESPIDER_ITEMCOUNT=3",
            *FAST_CRAWL,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    client = connect(mongo_uri)
    try:
        assert client[database_name].articles.count_documents({"site": "demo"}) >= 3
    finally:
        client.drop_database(database_name)
        client.close()
