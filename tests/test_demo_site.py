"""The demo news site and its edge resources, fetched over loopback HTTP (crawler/demo)."""

from __future__ import annotations

import codecs
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import pytest
from lxml import html as lxml_html
from opencc import OpenCC

from crawler.demo.content import (
    ARTICLES,
    ARTICLES_BY_ID,
    BOILERPLATE_MARKERS,
    DISCLAIMER_TITLE,
    PENDING_ARTICLES,
    SECTIONS,
    TZ,
    correction_paragraph,
)
from crawler.demo.edge import (
    BINARY_SIZE,
    EDGE_INDEX,
    EDGE_LINKS,
    ENCODING_PAGES,
    GB2312_OUTSIDERS,
    HUGE_SIZE,
    MALFORMED_PARAGRAPHS,
    MALFORMED_TITLE,
    binary_body,
)
from crawler.demo.feeds import RSS_ITEMS
from crawler.demo.server import serve
from crawler.demo.state import LIST_PAGE_SIZE
from crawler.profiles import load_profile_file

if TYPE_CHECKING:
    from collections.abc import Iterator
    from email.message import Message

    from crawler.demo.content import DemoArticle, Section
    from crawler.demo.edge import EdgePage
    from crawler.demo.server import DemoServer

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ROOT / "crawler" / "profiles" / "sites"
SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


# HTTP client -------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str, *, method: str = "GET", headers: dict[str, str] | None = None, timeout: float = 10
) -> Reply:
    """One request, redirects not followed, error statuses returned instead of raised."""
    data = b"" if method == "POST" else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())


def admin(base: str, action: str) -> tuple[int, Any]:
    reply = fetch(base + "__admin__/" + action, method="POST")
    return reply.status, json.loads(reply.body)


def page_text(reply: Reply, charset: str = "utf-8") -> str:
    return reply.body.decode(charset)


def links(page_url: str, body: bytes | str) -> list[str]:
    tree = lxml_html.fromstring(body)
    return [urljoin(page_url, href) for href in tree.xpath("//a/@href") if not href.startswith("javascript:")]


# Fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """A demo server shared by the read-only tests (mutations refused)."""
    server, base = serve()
    yield base
    server.stop()


@pytest.fixture
def fresh() -> Iterator[tuple[DemoServer, str]]:
    """A demo server of its own, for tests that change the site."""
    server, base = serve(admin=True)
    yield server, base
    server.stop()


def newest_first(section: str | None = None) -> list[DemoArticle]:
    chosen = [a for a in ARTICLES if section is None or a.section == section]
    return sorted(chosen, key=lambda a: (a.published, a.id), reverse=True)


# Content model -----------------------------------------------------------------------------


def test_content_model_covers_the_promised_cases() -> None:
    assert len(ARTICLES) >= 14
    assert len(ARTICLES_BY_ID) == len(ARTICLES) + len(PENDING_ARTICLES)
    assert all(sum(a.section == s.key for a in ARTICLES) > LIST_PAGE_SIZE for s in SECTIONS)
    assert [a.id for a in ARTICLES if a.ruby] == [1006]
    assert [a.id for a in ARTICLES if a.script == "traditional"] == [1008]
    assert [(a.id, a.page_count) for a in ARTICLES if a.page_count > 1] == [(1010, 3)]
    assert {a.byline_style for a in ARTICLES} == {"meta", "lead", "tail", "photo"}
    assert any(a.disclaimer_in_body for a in ARTICLES)
    assert any(not a.disclaimer_in_body for a in ARTICLES)
    assert len({a.published.date() for a in ARTICLES}) >= 8


@pytest.mark.parametrize("article", [*ARTICLES, *PENDING_ARTICLES], ids=lambda a: str(a.id))
def test_article_text_is_clean(article: DemoArticle) -> None:
    assert 300 <= len(article.text) <= 1500
    assert article.published.tzinfo is TZ
    assert (article.published.year, article.published.month) == (2026, 11)
    assert not [m for m in BOILERPLATE_MARKERS if m in article.text]
    assert article.byline not in article.text
    assert all(name in article.byline for name in article.authors)
    assert not [pinyin for _, pinyin in article.ruby if pinyin in article.text]
    expected_script = "simplified" if OpenCC("t2s").convert(article.text) == article.text else "traditional"
    assert article.script == expected_script


# Article pages -----------------------------------------------------------------------------


def shows_byline(article: DemoArticle, page: int) -> bool:
    """Info-line bylines repeat on every page; lead and photo bylines open page 1; tail ones close the last."""
    if article.byline_style == "meta":
        return True
    if article.byline_style == "tail":
        return page == article.page_count
    return page == 1


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: str(a.id))
def test_article_pages_show_title_byline_and_canonical(site: str, article: DemoArticle) -> None:
    for number, url in enumerate(article.page_urls(site), start=1):
        reply = fetch(url)
        assert reply.status == 200, url
        text = page_text(reply, article.charset)
        tree = lxml_html.fromstring(text)
        assert [h.text_content() for h in tree.xpath("//h1")] == [article.title]
        assert tree.xpath("//link[@rel='canonical']/@href") == [url]
        assert tree.xpath("//meta[@name='keywords']/@content") == [",".join(article.keywords)]
        assert (article.byline in tree.text_content()) == shows_byline(article, number)
        assert ("责任编辑：" + " ".join(article.editors) in text) == (number == article.page_count)


def test_gbk_section_is_served_as_gbk_bytes(site: str) -> None:
    for article in (a for a in ARTICLES if a.section == "county"):
        reply = fetch(article.url(site))
        assert reply.headers["Content-Type"] == "text/html; charset=GBK"
        assert b'<meta charset="gbk">' in reply.body
        assert article.title.encode("gbk") in reply.body
        with pytest.raises(UnicodeDecodeError):
            reply.body.decode("utf-8")


def test_ruby_annotations_are_on_the_page(site: str) -> None:
    article = ARTICLES_BY_ID[1006]
    body = page_text(fetch(article.url(site)))
    assert body.count("<ruby>") == len(article.ruby)
    assert "<ruby>翱<rp>(</rp><rt>áo</rt><rp>)</rp></ruby>" in body


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: str(a.id))
def test_disclaimer_sits_inside_the_body_only_where_flagged(site: str, article: DemoArticle) -> None:
    tree = lxml_html.fromstring(page_text(fetch(article.page_urls(site)[-1]), article.charset))
    container = tree.xpath("//*[@id='zoom' or @id='fontzoom']")
    assert len(container) == 1
    assert (DISCLAIMER_TITLE in container[0].text_content()) == article.disclaimer_in_body
    assert DISCLAIMER_TITLE in tree.text_content()


def test_multipage_article_links_its_pages(site: str) -> None:
    first, second, third = ARTICLES_BY_ID[1010].page_urls(site)
    tree = lxml_html.fromstring(fetch(second).body)
    nav = {a.text_content(): urljoin(second, a.get("href")) for a in tree.xpath("//*[@id='pages']//a")}
    assert nav == {"上一页": first, "第1页": first, "第3页": third, "下一页": third}
    assert fetch(third.replace("_3.htm", "_4.htm")).status == 404
    assert fetch(first.replace(".htm", "_1.htm")).status == 404


# Lists, feeds, robots ----------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
def test_list_pagination_reaches_every_article_newest_first(site: str, section: Section) -> None:
    url: str | None = urljoin(site, section.list_path())
    found: list[str] = []
    pages = 0
    while url is not None:
        reply = fetch(url)
        assert reply.status == 200, url
        pages += 1
        tree = lxml_html.fromstring(page_text(reply, section.charset))
        found += [urljoin(url, h) for h in tree.xpath("//*[contains(@class,'news-list')]//a/@href")]
        following = tree.xpath("//div[@class='pagination']/a[text()='下一页']/@href")
        url = urljoin(url, following[0]) if following else None
    assert found == [a.url(site) for a in newest_first(section.key)]
    assert pages > 1


def test_rss_lists_the_newest_articles(site: str) -> None:
    reply = fetch(site + "rss.xml")
    assert reply.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    items = ET.fromstring(reply.body).findall("./channel/item")
    expected = newest_first()[:RSS_ITEMS]
    assert [i.findtext("link") for i in items] == [a.url(site) for a in expected]
    assert [i.findtext("title") for i in items] == [a.title for a in expected]
    assert [parsedate_to_datetime(i.findtext("pubDate") or "") for i in items] == [
        a.published for a in expected
    ]
    assert all(fetch(i.findtext("link") or "").status == 200 for i in items)


def test_sitemap_index_points_to_news_and_section_sitemaps(site: str) -> None:
    index = ET.fromstring(fetch(site + "sitemap.xml").body)
    children = [loc.text for loc in index.findall("sm:sitemap/sm:loc", SITEMAP_NS)]
    assert children == [site + "sitemap-news.xml", site + "sitemap-sections.xml"]
    sections = ET.fromstring(fetch(site + "sitemap-sections.xml").body)
    locs = [loc.text or "" for loc in sections.findall("sm:url/sm:loc", SITEMAP_NS)]
    assert locs == [site] + [urljoin(site, s.list_path()) for s in SECTIONS]
    assert all(fetch(loc).status == 200 for loc in locs)


def test_news_sitemap_lists_every_article_with_its_date(site: str) -> None:
    root = ET.fromstring(fetch(site + "sitemap-news.xml").body)
    listed = {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): datetime.fromisoformat(
            url.findtext("news:news/news:publication_date", namespaces=SITEMAP_NS) or ""
        )
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    assert listed == {a.url(site): a.published for a in ARTICLES}


def test_robots_forbids_the_admin_trap_linked_from_home(site: str) -> None:
    robots = page_text(fetch(site + "robots.txt"))
    assert "Disallow: /admin/\n" in robots
    assert f"Sitemap: {site}sitemap.xml\n" in robots
    trap = site + "admin/login.htm"
    assert trap in links(site, fetch(site).body)
    assert fetch(trap).status == 200
    parser = RobotFileParser()
    parser.parse(robots.splitlines())
    assert not parser.can_fetch("newsarchive", trap)
    assert parser.can_fetch("newsarchive", ARTICLES[0].url(site))


def test_no_demo_page_links_to_the_edge_resources(site: str) -> None:
    for url in [site, *(urljoin(site, s.list_path()) for s in SECTIONS), ARTICLES[0].url(site)]:
        assert not [u for u in links(url, fetch(url).body) if "/edge/" in u], url


# HTTP behaviour ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/news/society/index_1.htm",
        "/county/index.htm",
        ARTICLES_BY_ID[1012].path,
        ARTICLES_BY_ID[1010].page_path(2),
        "/rss.xml",
        "/sitemap.xml",
        "/robots.txt",
        "/static/site.css",
        "/no/such/page.htm",
        "/edge/loop-a.htm",
        "/edge/error-500.htm",
        "/edge/empty.htm",
    ],
)
def test_every_response_has_type_length_and_last_modified(site: str, path: str) -> None:
    reply = fetch(site.rstrip("/") + path)
    assert reply.headers["Content-Type"]
    assert int(reply.headers["Content-Length"]) == len(reply.body)
    assert parsedate_to_datetime(reply.headers["Last-Modified"]).tzinfo is not None
    head = fetch(site.rstrip("/") + path, method="HEAD")
    assert (head.status, head.body) == (reply.status, b"")
    assert head.headers["Content-Length"] == reply.headers["Content-Length"]


def test_article_validators_answer_conditional_requests(site: str) -> None:
    article = ARTICLES_BY_ID[1001]
    reply = fetch(article.url(site))
    etag, last_modified = reply.headers["ETag"], reply.headers["Last-Modified"]
    assert etag.startswith('"') and etag.endswith('"')
    assert parsedate_to_datetime(last_modified) == article.published
    not_modified = fetch(article.url(site), headers={"If-None-Match": f'"nope", {etag}'})
    assert (not_modified.status, not_modified.body) == (304, b"")
    assert not_modified.headers["ETag"] == etag
    assert fetch(article.url(site), headers={"If-Modified-Since": last_modified}).status == 304
    older = format_datetime(article.published.replace(day=1), usegmt=False)
    assert fetch(article.url(site), headers={"If-Modified-Since": older}).status == 200
    # If-None-Match wins over If-Modified-Since.
    both = {"If-None-Match": '"other"', "If-Modified-Since": last_modified}
    assert fetch(article.url(site), headers=both).status == 200


def test_serve_refuses_anything_but_loopback() -> None:
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        serve("0.0.0.0")


# Admin endpoints -----------------------------------------------------------------------------


def test_edit_appends_a_correction_with_new_validators(fresh: tuple[DemoServer, str]) -> None:
    server, base = fresh
    article = ARTICLES_BY_ID[1003]
    before = fetch(article.url(base))
    status, payload = admin(base, "edit?id=1003")
    assert status == 200
    assert payload["text"] == article.text + "\n" + correction_paragraph(1)
    after = fetch(article.url(base), headers={"If-None-Match": before.headers["ETag"]})
    assert after.status == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    last_modified = parsedate_to_datetime(after.headers["Last-Modified"])
    assert last_modified > parsedate_to_datetime(before.headers["Last-Modified"])
    assert correction_paragraph(1) in page_text(after)
    entry = server.state.entry(1003)
    assert entry is not None
    assert entry.article.text == payload["text"]
    assert admin(base, "edit?id=1003")[1]["text"].endswith(correction_paragraph(2))
    # Validators have one-second resolution; two edits within a second must still differ.
    assert parsedate_to_datetime(fetch(article.url(base)).headers["Last-Modified"]) > last_modified


@pytest.mark.parametrize(
    ("mode", "status", "marker"),
    [
        ("404", 404, "页面不存在"),
        ("410", 410, "该文章已删除"),
        ("home", 302, ""),
        ("notice", 200, "该文章已删除"),
    ],
)
def test_delete_modes(fresh: tuple[DemoServer, str], mode: str, status: int, marker: str) -> None:
    _, base = fresh
    article = ARTICLES_BY_ID[1004]
    assert admin(base, f"delete?id=1004&mode={mode}")[0] == 200
    reply = fetch(article.url(base))
    assert reply.status == status
    assert marker in page_text(reply)
    if mode == "home":
        assert reply.headers["Location"] == base
    assert article.url(base) not in links(
        base + "news/society/index.htm", fetch(base + "news/society/index.htm").body
    )
    assert article.url(base).encode() not in fetch(base + "rss.xml").body
    assert article.url(base).encode() not in fetch(base + "sitemap-news.xml").body
    assert admin(base, "delete?id=1004")[0] == 409


def test_add_publishes_on_top_of_its_section_and_the_feed(fresh: tuple[DemoServer, str]) -> None:
    _, base = fresh
    article = ARTICLES_BY_ID[1101]
    assert fetch(article.url(base)).status == 404
    list_before = fetch(base + "news/local/index.htm")
    status, payload = admin(base, "add?id=1101")
    assert (status, payload["url"]) == (200, article.url(base))
    assert fetch(article.url(base)).status == 200
    list_after = fetch(base + "news/local/index.htm", headers={"If-None-Match": list_before.headers["ETag"]})
    assert list_after.status == 200
    tree = lxml_html.fromstring(list_after.body)
    first = urljoin(base + "news/local/", tree.xpath("//ul[@class='news-list']//a/@href")[0])
    assert first == article.url(base)
    assert ET.fromstring(fetch(base + "rss.xml").body).findtext("./channel/item/link") == article.url(base)
    assert admin(base, "add?id=1101")[0] == 409
    assert admin(base, "add?id=4242")[0] == 404


def test_mutations_need_admin_mode(site: str) -> None:
    assert admin(site, "edit?id=1003")[0] == 403
    assert admin(site, "delete?id=1004")[0] == 403
    assert admin(site, "add?id=1101")[0] == 403
    assert fetch(ARTICLES_BY_ID[1004].url(site)).status == 200


def test_hit_counter_counts_paths_and_resets(fresh: tuple[DemoServer, str]) -> None:
    _, base = fresh
    article = ARTICLES_BY_ID[1001]
    etag = fetch(article.url(base)).headers["ETag"]
    fetch(article.url(base), headers={"If-None-Match": etag})
    fetch(base + "rss.xml")
    fetch(base + "nothing-here.htm")
    hits = json.loads(fetch(base + "__admin__/hits").body)
    assert hits == {article.path: 2, "/rss.xml": 1, "/nothing-here.htm": 1}
    by_status = json.loads(fetch(base + "__admin__/hits?by=status").body)
    assert by_status[article.path] == {"200": 1, "304": 1}
    assert admin(base, "reset-hits") == (200, {"ok": True})
    assert json.loads(fetch(base + "__admin__/hits").body) == {}


def test_server_module_prints_its_url_and_stops_on_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "crawler.demo.server", "--port", "0"]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            line = proc.stdout.readline().decode()  # type: ignore[union-attr]
            parts = urlsplit(line.strip())
            assert (parts.scheme, parts.hostname, parts.path) == ("http", "127.0.0.1", "/")
            assert line.endswith("/\n")
            assert fetch(line.strip()).status == 200
            proc.send_signal(signal.SIGTERM)
            stdout, stderr = proc.communicate(timeout=20)
        finally:
            proc.kill()
    assert proc.returncode == 0
    assert (stdout, stderr) == (b"", b"")


# Profiles ----------------------------------------------------------------------------------


def test_demo_profile_matches_article_first_pages_and_lists(site: str) -> None:
    profile = load_profile_file(PROFILES / "demo.yaml").with_base_url(site)
    article_paths = [a.path for a in ARTICLES]
    assert all(any(r.search(p) for r in profile.article_res) for p in article_paths)
    later_pages = ARTICLES_BY_ID[1010].page_paths[1:]
    assert not [p for p in later_pages if any(r.search(p) for r in profile.article_res)]
    list_paths = [s.list_path(n) for s in SECTIONS for n in range(3)]
    assert all(any(r.search(p) for r in profile.list_res) for p in list_paths)
    assert not [p for p in article_paths + list_paths if any(r.search(p) for r in profile.exclude_res)]
    assert all(
        fetch(profile.absolute(u)).status == 200
        for u in profile.start_urls + profile.feeds + profile.sitemaps
    )


def test_edge_profile_matches_every_edge_resource() -> None:
    profile = load_profile_file(PROFILES / "edge.yaml")
    hrefs = [href for href, _ in EDGE_LINKS]
    assert all(any(r.search(h) for r in profile.article_res) for h in hrefs)
    assert not any(r.search(EDGE_INDEX) for r in profile.article_res)
    assert any(r.search(EDGE_INDEX) for r in profile.list_res)


# Edge resources ----------------------------------------------------------------------------


def test_edge_index_links_every_edge_resource(site: str) -> None:
    found = links(site + "edge/index.htm", fetch(site + "edge/index.htm").body)
    assert found == [urljoin(site, href) for href, _ in EDGE_LINKS]


@pytest.mark.parametrize("page", ENCODING_PAGES, ids=lambda p: p.path.rsplit("/", 1)[1])
def test_edge_encoding_pages_decode_with_their_real_codec(site: str, page: EdgePage) -> None:
    reply = fetch(site.rstrip("/") + page.path)
    assert reply.headers["Content-Type"] == page.content_type
    assert reply.body == page.body()
    text = reply.body.removeprefix(codecs.BOM_UTF8).decode(page.encoding)
    assert page.title in text
    assert all(p in text for p in page.paragraphs)


def test_edge_declared_charsets_are_wrong_or_missing(site: str) -> None:
    pages = {p.path.rsplit("/", 1)[1]: fetch(site.rstrip("/") + p.path) for p in ENCODING_PAGES}
    with pytest.raises(UnicodeDecodeError):
        pages["lying-header.htm"].body.decode("utf-8")
    with pytest.raises(UnicodeEncodeError):
        GB2312_OUTSIDERS.encode("gb2312")
    assert all(ch in pages["gb2312-superset.htm"].body.decode("gb18030") for ch in GB2312_OUTSIDERS)
    assert b"charset" not in pages["no-charset.htm"].body
    assert "charset" not in pages["no-charset.htm"].headers["Content-Type"]
    assert pages["bom.htm"].body.startswith(codecs.BOM_UTF8)
    assert b'<meta charset="gb2312">' in pages["bom.htm"].body


def test_edge_malformed_page_is_broken_but_readable(site: str) -> None:
    reply = fetch(site + "edge/malformed.htm")
    text = page_text(reply)
    assert not text.rstrip().endswith("</html>")
    assert "</head>" not in text
    assert '<div class="main"></div></div></div></div>' in text
    tree = lxml_html.fromstring(text)
    assert tree.xpath("//h1")[0].text_content() == MALFORMED_TITLE
    assert all(p in tree.text_content() for p in MALFORMED_PARAGRAPHS)


def test_edge_binary_page_is_seeded_random_bytes(site: str) -> None:
    reply = fetch(site + "edge/binary.htm")
    assert reply.headers["Content-Type"] == "text/html"
    assert reply.body == binary_body()
    assert len(reply.body) == BINARY_SIZE
    with pytest.raises(UnicodeDecodeError):
        reply.body.decode("utf-8")


def test_edge_huge_page_streams_its_exact_length(site: str) -> None:
    with urllib.request.urlopen(site + "edge/huge.htm", timeout=30) as response:
        assert int(response.headers["Content-Length"]) == HUGE_SIZE
        total, tail = 0, b""
        while chunk := response.read(1 << 20):
            total += len(chunk)
            tail = (tail + chunk)[-64:]
    assert total == HUGE_SIZE
    assert tail.endswith(b"</html>\n")


def test_edge_redirect_loop(site: str) -> None:
    first = fetch(site + "edge/loop-a.htm")
    second = fetch(urljoin(site, first.headers["Location"]))
    assert (first.status, second.status) == (302, 302)
    assert urljoin(site, second.headers["Location"]) == site + "edge/loop-a.htm"


def test_edge_error_and_empty_pages(site: str) -> None:
    assert fetch(site + "edge/error-500.htm").status == 500
    empty = fetch(site + "edge/empty.htm")
    assert (empty.status, empty.body, empty.headers["Content-Length"]) == (200, b"", "0")


def test_edge_slow_page_delays_only_when_asked(site: str) -> None:
    assert fetch(site + "edge/slow.htm", timeout=5).status == 200
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        fetch(site + "edge/slow.htm?slow=30", timeout=0.5)
