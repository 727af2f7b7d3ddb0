"""One malformed URL in a sitemap, feed, robots.txt or list page hides nothing after it.

Each malformed entry (a port that is no number, a broken IPv6 literal) is counted as
`discovery/bad_url` and logged; the rest of the file is read and its articles are stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from crawler.store import connect
from tests.conftest import FAST_CRAWL, cli_environment, run_cli
from tests.fixture_site import FixtureSite, write_profile
from tests.hostile_site import PARAGRAPH, article_html

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.integration

BAD_PORT = "http://127.0.0.1:1:2/a/9.htm"
BAD_IPV6 = "http://[::1/a/8.htm"
PROFILE = """feeds: [/feed.xml]
sitemaps: [/sitemap.xml]
start_urls: [/]
article_patterns: ['/a/\\d+\\.htm$']
"""


def _urlset(*locs: str) -> str:
    items = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</urlset>'


def pages(base: str) -> dict[str, tuple[str, str]]:
    """A site whose every discovery file lists a malformed URL before the good ones."""
    xml, html = "application/xml", "text/html; charset=utf-8"
    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{BAD_PORT.replace('a/9.htm', 's.xml')}</loc></sitemap>"
        "<sitemap><loc>/s1.xml</loc></sitemap></sitemapindex>"
    )
    feed = (
        '<rss version="2.0"><channel><title>t</title>'
        f"<item><title>bad</title><link>{BAD_IPV6}</link></item>"
        f"<item><title>good</title><link>{base}a/3.htm</link></item></channel></rss>"
    )
    found = {
        "/": (html, f'<html><body><a href="{BAD_PORT}">x</a><a href="/a/5.htm">5</a></body></html>'),
        "/robots.txt": ("text/plain", f"User-agent: *\nSitemap: {BAD_IPV6}\nSitemap: {base}s2.xml\n"),
        "/sitemap.xml": (xml, index),
        "/s1.xml": (xml, _urlset(BAD_PORT, f"{base}a/1.htm", "/a/2.htm")),
        "/s2.xml": (xml, _urlset(BAD_IPV6, f"{base}a/4.htm")),
        "/feed.xml": (xml, feed),
    }
    for n in range(1, 6):
        found[f"/a/{n}.htm"] = (html, article_html(f"第{n}篇", [f"{PARAGRAPH}（{n}）", PARAGRAPH]))
    return found


@pytest.fixture(scope="module")
def crawled(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp: Path = tmp_path_factory.mktemp("discovery-bad")
    site = FixtureSite({})
    site.server.pages.update(pages(site.url))
    profiles = write_profile(tmp, "disc", site.url, PROFILE)
    name = "t_discovery_bad"
    env = cli_environment(mongo_uri, name, tmp / "var", profiles)
    client = connect(mongo_uri)
    try:
        result = run_cli(["crawl", "disc", *FAST_CRAWL], env)
        db = client[name]
        yield {
            "result": result,
            "hits": site.hits,
            "stored": sorted(d["_id"].rsplit("/", 1)[-1] for d in db.articles.find({}, {"_id": 1})),
            "run": db.crawl_runs.find_one(),
        }
    finally:
        site.stop()
        client.drop_database(name)
        client.close()


def test_every_good_entry_after_a_bad_one_is_fetched_and_stored(crawled: dict[str, Any]) -> None:
    assert crawled["result"].returncode == 0, crawled["result"].stderr[-3000:]
    assert crawled["stored"] == ["1.htm", "2.htm", "3.htm", "4.htm", "5.htm"]
    assert {"/s1.xml", "/s2.xml"} <= set(crawled["hits"])


def test_each_bad_entry_is_counted_and_named(crawled: dict[str, Any]) -> None:
    stats = crawled["run"]["stats"]
    assert stats.get("discovery_bad_url", 0) >= 4  # sitemap index, URL set, feed, robots.txt (+ list page)
    log = crawled["result"].stderr
    assert "skipped a malformed URL" in log
    assert "Port could not be cast" in log
    assert "Traceback" not in log
