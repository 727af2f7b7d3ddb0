"""A crawl of a hostile loopback site: nothing fetched outside the policy, nothing stored that should not be."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from crawler import __version__
from crawler.store import connect
from tests.conftest import FAST_CRAWL, cli_environment, run_cli
from tests.hostile_site import ARTICLE, OPERATOR_TEXT, OPERATOR_TITLE, HostileSites

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.integration

PROFILE = """name: hostile
base_url: {base_url}
start_urls: [/, /news/index.htm]
feeds: [/rss.xml]
sitemaps: [/sitemap.xml]
article_patterns: ['/news/\\d{{4}}-\\d{{2}}/\\d{{2}}/content_\\d+(_\\d+)?\\.htm$']
list_patterns: ['/news/index(_\\d+)?\\.htm$']
politeness: {{download_delay: 0}}
{extra}
"""
CONTACT = "archive-team@example.org"
LIMITS = ["-s", "DOWNLOAD_TIMEOUT=3", "-s", "DOWNLOAD_MAXSIZE=2000000", "-s", "RETRY_TIMES=0"]


def _crawl(mongo_uri: str, tmp: Path, name: str, base_url: str, extra: str) -> dict[str, Any]:
    profiles = tmp / "profiles"
    profiles.mkdir()
    (profiles / "hostile.yaml").write_text(PROFILE.format(base_url=base_url, extra=extra), encoding="utf-8")
    env = cli_environment(mongo_uri, name, tmp / "var", profiles)
    env["NEWSARCHIVE_CONTACT"] = CONTACT
    result = run_cli(["crawl", "hostile", *FAST_CRAWL, *LIMITS], env)
    client = connect(mongo_uri)
    try:
        db = client[name]
        return {
            "result": result,
            "log": result.stderr,
            "docs": {d["_id"]: d for d in db.articles.find()},
            "run": db.crawl_runs.find_one() or {},
        }
    finally:
        client.drop_database(name)
        client.close()


@pytest.fixture(scope="module")
def hostile(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    sites = HostileSites()
    try:
        crawl = _crawl(
            mongo_uri,
            tmp_path_factory.mktemp("hostile"),
            "t_hostile",
            sites.url,
            "allow_private_addresses: true",
        )
    finally:
        sites.stop()
    crawl.update(
        internal_hits=list(sites.internal.hits),  # type: ignore[attr-defined]
        site_hits=list(sites.site.hits),  # type: ignore[attr-defined]
        agents=set(sites.site.agents),  # type: ignore[attr-defined]
        url=sites.url.rstrip("/"),
        internal_port=sites.internal_port,
    )
    return crawl


def test_the_internal_server_is_never_reached(hostile: dict[str, Any]) -> None:
    assert hostile["internal_hits"] == [], hostile["log"][-3000:]
    # ... while the hostile site itself was crawled: the refusals below are the policy's, not an accident
    assert ARTICLE.format(1) in hostile["site_hits"]
    assert "/sitemap-1.xml" in hostile["site_hits"]


def test_every_refusal_is_counted_by_reason(hostile: dict[str, Any]) -> None:
    stats = hostile["run"]["stats"]
    # robots.txt and feed entries, sitemaps, redirects, pagination, next pages, meta refresh: other port
    assert stats["outbound_refused_port"] >= 8
    assert stats["outbound_refused_scheme"] >= 1  # the ftp:// sitemap (file:// never becomes a request)
    assert stats["outbound_refused_domain"] >= 1  # the redirect to localhost
    assert stats["outbound_refused"] == sum(v for k, v in stats.items() if k.startswith("outbound_refused_"))


def test_refusals_are_logged_once_per_host_and_reason(hostile: dict[str, Any]) -> None:
    lines = [line for line in hostile["log"].splitlines() if "outbound policy refused" in line]
    internal = [line for line in lines if f":{hostile['internal_port']}/" in line and "not port 80" in line]
    assert len(internal) == 1, lines
    assert len(lines) == len(
        {(line.split("refused ")[1].split("/")[2], line.split("(")[-1]) for line in lines}
    )


def test_redirects_to_the_internal_port_are_not_followed(hostile: dict[str, Any]) -> None:
    ids = set(hostile["docs"])
    assert not [i for i in ids if "meta-data" in i or "admin" in i or str(hostile["internal_port"]) in i]
    assert hostile["url"] + ARTICLE.format(2) not in ids  # its redirect target was refused


def test_an_article_whose_next_page_is_on_the_internal_port_is_stored_without_it(
    hostile: dict[str, Any],
) -> None:
    doc = hostile["docs"][hostile["url"] + ARTICLE.format(4)]
    assert not [u for u in doc.get("page_urls", []) if str(hostile["internal_port"]) in u]


def test_operator_like_strings_are_stored_as_text(hostile: dict[str, Any]) -> None:
    doc = hostile["docs"][hostile["url"] + ARTICLE.format(1)]
    assert doc["title"] == OPERATOR_TITLE
    assert OPERATOR_TEXT in doc["text"]


def test_bombs_huge_and_slow_pages_are_cut_off(hostile: dict[str, Any]) -> None:
    for n in (5, 6, 8):
        assert hostile["url"] + ARTICLE.format(n) not in hostile["docs"]
    stats = hostile["run"]["stats"]
    assert stats.get("fetch_failed_DownloadTimeoutError", 0) >= 1, hostile["log"][-3000:]
    assert "Cancelling download" in hostile["log"] or "maxsize" in hostile["log"].lower()


def test_a_lying_charset_is_decoded(hostile: dict[str, Any]) -> None:
    doc = hostile["docs"][hostile["url"] + ARTICLE.format(9)]
    assert doc["title"] == "谎报编码的文章"


def test_a_host_name_resolving_to_loopback_is_refused_at_connection_time(
    mongo_uri: str, tmp_path: Path
) -> None:
    sites = HostileSites()
    try:
        base = sites.url.replace("127.0.0.1", "localhost")
        crawl = _crawl(mongo_uri, tmp_path, "t_hostile_localhost", base, "")
    finally:
        sites.stop()
    assert sites.site.hits == [], crawl["log"][-3000:]  # type: ignore[attr-defined]
    assert sites.internal.hits == []  # type: ignore[attr-defined]
    assert crawl["run"]["stats"]["outbound_refused_address"] >= 1
    assert "localhost resolves to 127.0.0.1" in crawl["log"]
    assert crawl["docs"] == {}
    # ... and the crawl says so at its end, with the fix, and fails: nothing was archived
    result = crawl["result"]
    assert result.returncode == 1, result.stdout
    assert "hostile: 0 pages fetched" in result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("hostile: no page was fetched: the outbound policy refused all "), last
    assert "for the address" in last and "e.g. localhost resolves to 127.0.0.1" in last
    assert "add `allow_private_addresses: true` to its profile" in last


def test_the_crawler_names_itself_and_the_users_contact(hostile: dict[str, Any]) -> None:
    assert hostile["agents"] == {
        f"newsarchive/{__version__} (archival crawler for regional news; contact: {CONTACT})"
    }
