"""Each article stored once, as itself, kept current and retired correctly: real crawls of a loopback site.

One fixture site per concern (tests/identity_site.py): identity (canonical links, URL variants,
GBK queries, notices, page numbers), the life of multi-page and moved articles across crawls,
sitemap lastmod, and an archive stored under the older key rules.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import yaml

from crawler.extract.urls import normalize_url
from crawler.store import connect
from tests.conftest import FAST_CRAWL, cli_environment, run_cli
from tests.identity_site import SiteMap, article_html, list_html, serve

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pymongo.database import Database

pytestmark = pytest.mark.integration

#: A short real article whose headline happens to contain a deletion phrase (95 characters of text).
BRIEF_TITLE = "网传某局长文章已删除？市委宣传部回应"
BRIEF_TEXT = (
    "本报讯 近日网传某局长发表的文章被删除一事引发关注。市委宣传部今日回应称，相关文章系作者本人撤回修改，"
    "并非被删除，修改后的文章已于今天上午重新发布，欢迎读者监督。"
)
VARIANTS = [
    "/news/2024/dup.asp?a=1&b=2",
    "/news/2024/dup.asp?b=2&a=1",
    "/NEWS/2024/DUP.ASP?a=1&b=2",
    "/news/2024/dup.asp;jsessionid=0A1B2C3D?a=1&b=2",
    "/news/2024/dup.asp?a=1&b=2&sessionid=XYZ987",
    "/news/2024/dup.asp?a=1&b=2&utm_source=wechat",
    "/news/2024/dup.asp?a=1&b=2#comments",
    "/news/2024/dir/",
    "/news/2024/dir/index.html",
]
GBK = ("/show.asp?title=%D6%D0%CE%C4", "/show.asp?title=%B9%FA%BC%D2")


def _profile(folder: Path, name: str, **extra: Any) -> Path:
    data = {
        "name": name,
        "base_url": "http://127.0.0.1:9/",
        "start_urls": ["/list/"],
        "article_patterns": ["(?i)/(a|news)/", r"archives\.php\?p=", r"show\.asp\?"],
        "list_patterns": ["^/list/$"],
        "allow_private_addresses": True,
        "politeness": {"download_delay": 0, "concurrency": 4},
        **extra,
    }
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def _text(n: int, topic: str) -> tuple[str, ...]:
    """Three paragraphs of an article of its own (different articles never share text)."""
    return (
        f"{topic}第{n}段：记者从有关部门获悉，{topic}相关工作进展顺利，各项指标均达到预期要求。",
        f"{topic}的负责人介绍，今年共投入资金{n}千万元，惠及群众{n}万余人，社会反响良好。",
        f"据悉，{topic}下一步将进一步完善配套措施，确保工作取得更大成效，让群众有更多获得感。",
    )


@contextmanager
def _dropped_after(uri: str, *databases: str) -> Iterator[Database[dict[str, Any]]]:
    """The first database (a client of its own), every one of them dropped afterwards."""
    client = connect(uri)
    try:
        yield client[databases[0]]
    finally:
        for name in databases:
            client.drop_database(name)
        client.close()


def _docs(uri: str, database: str) -> list[dict[str, Any]]:
    client = connect(uri)
    try:
        return list(client[database].articles.find())
    finally:
        client.close()


def _by_path(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Documents by the path (and query) of the URL they were last fetched from."""
    out = {}
    for doc in docs:
        parts = urlsplit(doc["url"])
        out[parts.path + (f"?{parts.query}" if parts.query else "")] = doc
    return out


def _run_stats(uri: str, database: str) -> list[dict[str, Any]]:
    client = connect(uri)
    try:
        return [run.get("stats", {}) for run in client[database].crawl_runs.find().sort("started_at", 1)]
    finally:
        client.close()


# --- Identity: one crawl of a site full of traps --------------------------------------------------


def _identity_site(base: str) -> SiteMap:
    site = SiteMap(case_insensitive=True)
    links: list[str] = []

    def article(path: str, title: str, n: int, topic: str, **kwargs: Any) -> None:
        site.page(path, article_html(title, f"{topic}导语{n}。", paragraphs=_text(n, topic), **kwargs))
        links.append(path)

    for n in (1, 2, 3):  # every article declares the home page canonical
        article(f"/a/c{n}.html", f"首页规范链接文章{n}", n, f"供暖工程{n}", canonical=base)
    for n in (1, 2):  # ... or its section
        article(f"/a/s{n}.html", f"栏目规范链接文章{n}", n, f"道路改造{n}", canonical=f"{base}list/")
    article("/a/s3.html", "目录规范链接文章", 3, "公园建设", canonical=f"{base}a/")
    for n in (1, 2):  # two different articles claim one canonical URL
        article(
            f"/a/k{n}.html",
            f"同一规范链接的不同文章{n}",
            n,
            f"校园安全{n}",
            canonical=f"{base}a/landing.html",
        )
    # a good canonical: the print view names the article page
    article("/a/g1.html", "规范链接正确的文章", 1, "图书馆开放")
    site.page(
        "/a/g1_print.html",
        article_html(
            "规范链接正确的文章",
            "图书馆开放导语1。",
            paragraphs=_text(1, "图书馆开放"),
            canonical=f"{base}a/g1.html",
        ),
    )
    links.append("/a/g1_print.html")
    site.page("/a/brief.html", article_html(BRIEF_TITLE, BRIEF_TEXT, paragraphs=()))
    links.append("/a/brief.html")
    sidebar = "".join(
        f'<li><a href="/a/x{n}.html">网友反映：网站页面不存在怎么办{n}</a></li>' for n in (1, 2)
    )
    article("/a/sidebar.html", "冬季长跑比赛举行", 1, "长跑比赛", sidebar=sidebar)
    # nx_5 links the next article nx_6 as 下一页; nx.html does not exist
    article(
        "/a/nx_5.html",
        "第五篇连载无关文章",
        5,
        "农业科技",
        extra='<div class="page"><a href="nx_6.html">下一页</a></div>',
    )
    site.page(
        "/a/nx_6.html", article_html("第六篇另一文章", "另一文章导语。", paragraphs=_text(6, "文化遗产"))
    )
    # ?p=101 is an article id, its 下一页 the next article
    article(
        "/archives.php?p=101",
        "博客文章一百零一",
        101,
        "社区活动",
        extra='<a href="archives.php?p=102">下一页</a>',
    )
    for n in (2, 3, 102):  # other posts: never pages of ?p=101
        site.page(
            f"/archives.php?p={n}", article_html(f"博客文章{n}", "另一篇。", paragraphs=_text(n, "读书会"))
        )
    for path, (title, topic) in zip(
        GBK, (("中文标题的文章", "中文教育"), ("国家标题的文章", "国家公园")), strict=True
    ):
        html = article_html(title, f"{topic}导语。", paragraphs=_text(7, topic), charset="gbk")
        site.page(path, html, charset="gbk")
        links.append(path)
    dup = article_html("同一篇文章多种链接", "多种链接导语。", paragraphs=_text(9, "旧城改造"))
    site.page(VARIANTS[0], dup)
    directory = article_html("目录首页文章", "目录导语。", paragraphs=_text(8, "河道治理"))
    site.page("/news/2024/dir/", directory)
    site.page("/news/2024/dir/index.html", directory)
    site.page("/list/", list_html([*links, *VARIANTS]))
    return site


#: Articles on the identity site, each stored once.
IDENTITY_ARTICLES = 3 + 3 + 2 + 1 + 2 + 1 + 1 + 2 + 2


def _old_key(url: str) -> str:
    """The key the crawler used before: query decoded as UTF-8 and re-encoded, default documents kept."""
    from urllib.parse import parse_qsl, urlencode, urlunsplit

    parts = urlsplit(url)
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    query = urlencode(parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, netloc, parts.path or "/", query, ""))


def _seed_old_archive(uri: str, database: str, base: str, site: str) -> int:
    """Documents as the earlier key rules stored them for four articles of the identity site."""
    when = datetime(2024, 1, 1, tzinfo=UTC)
    stored = [
        (f"{base}news/2024/dup.asp?b=2&a=1", f"{base}news/2024/dup.asp?b=2&a=1"),
        (f"{base}news/2024/dir/index.html", f"{base}news/2024/dir/index.html"),
        (base, f"{base}a/c3.html"),  # the home-page canonical merged articles under /
        (_old_key(base.rstrip("/") + GBK[1]), base.rstrip("/") + GBK[1]),  # GBK query garbled
    ]
    client = connect(uri)
    try:
        client[database].articles.insert_many(
            [
                {
                    "_id": key,
                    "canonical_url": key,
                    "url": url,
                    "site": site,
                    "title": "旧规则存档",
                    "text": f"旧规则存档的正文 {n}",
                    "content_hash": f"old{n}",
                    "state": "live",
                    "version": 1,
                    "first_seen": when,
                    "last_seen": when,
                    "history": [],
                    "events": [],
                }
                for n, (key, url) in enumerate(stored)
            ]
        )
    finally:
        client.close()
    return len(stored)


@pytest.fixture(scope="module")
def identity(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The identity site crawled once into a new archive, and once into an archive kept under older key rules."""
    tmp = tmp_path_factory.mktemp("identity")
    profiles = _profile(tmp, "t_ident")
    fresh, old = "t_identity_fresh", "t_identity_old"
    site = SiteMap()
    server, base = serve(site)
    fresh_site = _identity_site(base)
    site.routes, site.case_insensitive = fresh_site.routes, fresh_site.case_insensitive
    try:
        first = run_cli(
            ["crawl", "t_ident", "--base-url", base, *FAST_CRAWL],
            cli_environment(mongo_uri, fresh, tmp / "v1", profiles),
        )
        seeded = _seed_old_archive(mongo_uri, old, base, "t_ident")
        second = run_cli(
            ["crawl", "t_ident", "--base-url", base, *FAST_CRAWL],
            cli_environment(mongo_uri, old, tmp / "v2", profiles),
        )
    finally:
        server.shutdown()
    with _dropped_after(mongo_uri, fresh, old):
        yield {
            "base": base,
            "runs": [first, second],
            "docs": _docs(mongo_uri, fresh),
            "old_docs": _docs(mongo_uri, old),
            "seeded": seeded,
            "stats": _run_stats(mongo_uri, fresh),
        }


def _succeeded(runs: list[Any]) -> None:
    for run in runs:
        assert run.returncode == 0, run.stderr[-3000:]


def test_identity_crawls_succeed(identity: dict[str, Any]) -> None:
    _succeeded(identity["runs"])


def test_every_article_is_stored_once_as_itself(identity: dict[str, Any]) -> None:
    docs = identity["docs"]
    assert len(docs) == IDENTITY_ARTICLES, sorted(d["_id"] for d in docs)
    assert len({d["content_hash"] for d in docs}) == IDENTITY_ARTICLES
    assert all(d["version"] == 1 and not d["history"] for d in docs)


@pytest.mark.parametrize(
    ("paths", "reason"),
    [
        (["/a/c1.html", "/a/c2.html", "/a/c3.html"], "site_root"),
        (["/a/s1.html", "/a/s2.html", "/a/s3.html"], "list_page"),
    ],
)
def test_a_home_or_section_canonical_is_ignored(
    identity: dict[str, Any], paths: list[str], reason: str
) -> None:
    by_path = _by_path(identity["docs"])
    base = identity["base"].rstrip("/")
    for path in paths:
        doc = by_path[path]
        assert doc["_id"] == base + path and doc["canonical_url"] == doc["_id"]
        assert doc["canonical_ignored"] == reason
    assert identity["stats"][0][f"canonical_ignored_{reason}"] == 3


def test_a_canonical_claimed_by_another_article_is_ignored(identity: dict[str, Any]) -> None:
    by_path = _by_path(identity["docs"])
    k1, k2 = by_path["/a/k1.html"], by_path["/a/k2.html"]
    assert k1["_id"] != k2["_id"]
    assert {k1["declared_canonical"], k2["declared_canonical"]} == {identity["base"] + "a/landing.html"}
    assert identity["stats"][0]["canonical_ignored_claimed"] == 1


def test_a_plausible_canonical_is_still_the_key(identity: dict[str, Any]) -> None:
    [doc] = [d for d in identity["docs"] if d["title"] == "规范链接正确的文章"]
    assert doc["_id"] == identity["base"] + "a/g1.html"


@pytest.mark.parametrize("path", ["/a/brief.html", "/a/sidebar.html"])
def test_a_real_article_is_never_taken_for_a_deletion_notice(identity: dict[str, Any], path: str) -> None:
    doc = _by_path(identity["docs"])[path]
    assert doc["state"] == "live" and len(doc["text"]) >= 60


def test_a_next_article_numbered_like_a_page_is_stored_as_itself(identity: dict[str, Any]) -> None:
    by_path = _by_path(identity["docs"])
    nx5 = by_path["/a/nx_5.html"]
    assert nx5["page_urls"] == [nx5["url"]] and "农业科技" in nx5["text"] and "文化遗产" not in nx5["text"]


def test_p_is_an_article_id_not_a_page_number(identity: dict[str, Any]) -> None:
    doc = _by_path(identity["docs"])["/archives.php?p=101"]
    assert doc["page_urls"] == [doc["url"]] and not doc["missing_pages"]
    assert "社区活动" in doc["text"] and "读书会" not in doc["text"]


def test_gbk_query_values_are_two_documents(identity: dict[str, Any]) -> None:
    by_path = _by_path(identity["docs"])
    first, second = by_path[GBK[0]], by_path[GBK[1]]
    assert first["_id"].endswith(GBK[0]) and second["_id"].endswith(GBK[1])
    assert "中文教育" in first["text"] and "国家公园" in second["text"]


def test_url_variants_are_one_document(identity: dict[str, Any]) -> None:
    dups = [d for d in identity["docs"] if d["title"] == "同一篇文章多种链接"]
    assert [d["_id"] for d in dups] == [identity["base"] + "news/2024/dup.asp?a=1&b=2"]
    dirs = [d for d in identity["docs"] if d["title"] == "目录首页文章"]
    assert [d["_id"] for d in dirs] == [identity["base"] + "news/2024/dir/"]


def test_an_archive_under_older_key_rules_gets_no_duplicates(identity: dict[str, Any]) -> None:
    docs = identity["old_docs"]
    assert len(docs) == IDENTITY_ARTICLES, sorted(d["_id"] for d in docs)
    urls = [normalize_url(d["url"]) for d in docs]
    assert len(urls) == len(set(urls))
    base = identity["base"]
    kept = {d["_id"]: d for d in docs}
    # the old documents were found under today's URLs and updated, not duplicated
    assert kept[f"{base}news/2024/dup.asp?b=2&a=1"]["title"] == "同一篇文章多种链接"
    assert kept[f"{base}news/2024/dir/index.html"]["title"] == "目录首页文章"
    assert kept[base]["title"] == "首页规范链接文章3"


# --- Life of an article: multi-page edits and failures, moves, retirement in every mode ------------

MP_BAR = (
    '<div class="page"><a href="mp.html">1</a> <a href="mp_2.html">2</a> <a href="mp_2.html">下一页</a></div>'
)


def _multi_page(site: SiteMap, page2: tuple[str, ...]) -> None:
    site.page(
        "/a/mp.html",
        article_html("两页的长文章", "长文章导语。", paragraphs=_text(1, "城市规划"), extra=MP_BAR),
    )
    site.page("/a/mp_2.html", article_html("两页的长文章(2)", "第二页导语。", paragraphs=page2, extra=MP_BAR))


@pytest.fixture(scope="module")
def lifecycle(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Crawl; edit page 2, move two articles, send one to its section; crawl (all due); break page 2,
    delete an unlinked article; crawl with --full."""
    tmp = tmp_path_factory.mktemp("lifecycle")
    name = "t_lifecycle"
    profiles = _profile(tmp, "t_life", revisit={"young_days": 100000, "young_hours": 0.00001})
    env = cli_environment(mongo_uri, name, tmp / "var", profiles)
    site = SiteMap()
    server, base = serve(site)
    crawl = ["crawl", "t_life", "--base-url", base, *FAST_CRAWL]
    _multi_page(site, _text(2, "城市规划"))
    for path, topic in (
        ("/a/moved.html", "搬家文章"),
        ("/a/moved2.html", "二次搬家"),
        ("/a/tosection.html", "栏目跳转"),
    ):
        site.page(path, article_html(topic, f"{topic}导语。", paragraphs=_text(3, topic)))
    site.page(
        "/a/moved2-new.html", article_html("二次搬家", "二次搬家导语。", paragraphs=_text(3, "二次搬家"))
    )
    site.page("/a/deleted.html", article_html("将被删除的文章", "删除导语。", paragraphs=_text(4, "旧闻")))
    linked = ["/a/mp.html", "/a/moved.html", "/a/moved2.html", "/a/moved2-new.html", "/a/tosection.html"]
    site.page("/list/", list_html([*linked, "/a/deleted.html"]))
    runs, docs = [], []
    try:
        runs.append(run_cli(crawl, env))
        docs.append(_docs(mongo_uri, name))
        _multi_page(site, (*_text(2, "城市规划"), "更正：第二页的数字有误，已更正为五千万元。"))
        site.page("/a/moved-new.html", site.routes.pop("/a/moved.html").body.decode())
        site.redirect("/a/moved.html", "/a/moved-new.html")
        site.redirect("/a/moved2.html", "/a/moved2-new.html", 308)
        site.redirect("/a/tosection.html", "/list/", 302)
        site.hits.clear()
        runs.append(run_cli(crawl, env))
        docs.append(_docs(mongo_uri, name))
        page1_statuses = [status for target, status in site.hits if target == "/a/mp.html"]
        site.status("/a/mp_2.html", 500)
        site.status("/a/deleted.html", 404)
        site.page("/list/", list_html(linked))  # a deleted article is no longer linked either
        runs.append(run_cli([*crawl, "--full"], env))
        docs.append(_docs(mongo_uri, name))
    finally:
        server.shutdown()
    with _dropped_after(mongo_uri, name) as db:
        yield {
            "base": base,
            "runs": runs,
            "docs": [_by_path(d) for d in docs],
            "all_docs": docs,
            "versions": list(db.article_versions.find()),
            "page1_statuses": page1_statuses,
        }


def test_lifecycle_crawls_succeed(lifecycle: dict[str, Any]) -> None:
    _succeeded(lifecycle["runs"])


def test_an_edit_on_page_two_makes_a_version(lifecycle: dict[str, Any]) -> None:
    first, second = lifecycle["docs"][0]["/a/mp.html"], lifecycle["docs"][1]["/a/mp.html"]
    assert len(first["page_urls"]) == 2 and "更正" not in first["text"]
    assert second["version"] == 2 and "更正" in second["text"]
    assert (
        200 in lifecycle["page1_statuses"]
    )  # fetched whole, not answered 304 on its first page's validators
    [old] = [v for v in lifecycle["versions"] if v["article_id"] == second["_id"]]
    assert old["text"] == first["text"]


def test_a_failed_page_never_replaces_a_complete_version(lifecycle: dict[str, Any]) -> None:
    second, third = lifecycle["docs"][1]["/a/mp.html"], lifecycle["docs"][2]["/a/mp.html"]
    assert third["version"] == 2 and third["text"] == second["text"] and not third["missing_pages"]
    [failed] = [e for e in third["events"] if e["type"] == "incomplete_fetch"]
    assert failed["missing_pages"] == [lifecycle["base"] + "a/mp_2.html"]
    assert third["last_seen"] > second["last_seen"]


def test_a_moved_article_is_stored_once(lifecycle: dict[str, Any]) -> None:
    base = lifecycle["base"]
    docs = [d for d in lifecycle["all_docs"][1] if d["title"] == "搬家文章"]
    assert len(docs) == 1
    [doc] = docs
    assert doc["url"] == base + "a/moved-new.html" and doc["state"] == "live"
    [moved] = [e for e in doc["events"] if e["type"] == "moved"]
    assert moved["from"] == [base + "a/moved.html"]


def test_a_move_to_an_archived_article_retires_the_old_one(lifecycle: dict[str, Any]) -> None:
    base = lifecycle["base"]
    by_id = {d["_id"]: d for d in lifecycle["all_docs"][1]}
    old, new = by_id[base + "a/moved2.html"], by_id[base + "a/moved2-new.html"]
    assert old["state"] == "gone" and old["moved_to"] == new["_id"]
    assert new["state"] == "live"
    assert any(e["type"] == "moved" and e["from"] == [old["_id"]] for e in new["events"])


def test_a_redirect_to_a_section_page_is_gone(lifecycle: dict[str, Any]) -> None:
    doc = lifecycle["docs"][1]["/a/tosection.html"]
    assert doc["state"] == "gone"
    [event] = doc["events"]
    assert event["type"] == "gone" and event["reason"].startswith("redirected to a section page")


def test_a_full_crawl_notices_deletions(lifecycle: dict[str, Any]) -> None:
    assert lifecycle["docs"][1]["/a/deleted.html"]["state"] == "live"
    doc = lifecycle["docs"][2]["/a/deleted.html"]
    assert doc["state"] == "gone" and doc["events"][0]["reason"] == "HTTP 404"


# --- Sitemap lastmod: an old article is due when the sitemap says it changed ------------------------


def _sitemap(base: str, entries: dict[str, str]) -> str:
    urls = "".join(
        f"<url><loc>{base.rstrip('/')}{path}</loc><lastmod>{when}</lastmod></url>"
        for path, when in entries.items()
    )
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


@pytest.fixture(scope="module")
def lastmod(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Two old articles in a sitemap; both edited, only one with a newer lastmod; crawled again."""
    tmp = tmp_path_factory.mktemp("lastmod")
    name = "t_lastmod"
    profiles = _profile(
        tmp, "t_lastmod", start_urls=[], sitemaps=["/sitemap.xml"], sitemaps_from_robots=False
    )
    env = cli_environment(mongo_uri, name, tmp / "var", profiles)
    site = SiteMap()
    server, base = serve(site)
    crawl = ["crawl", "t_lastmod", "--base-url", base, *FAST_CRAWL]
    old = "2020-03-05T09:30:00+08:00"
    for path, topic in (("/a/lm.html", "公告修订"), ("/a/lm2.html", "旧闻")):
        site.page(path, article_html(topic, f"{topic}导语。", paragraphs=_text(5, topic)))
    site.page("/sitemap.xml", _sitemap(base, {"/a/lm.html": old, "/a/lm2.html": old}), conditional=False)
    try:
        runs = [run_cli(crawl, env)]
        for path, topic in (("/a/lm.html", "公告修订"), ("/a/lm2.html", "旧闻")):
            site.page(path, article_html(topic, f"{topic}导语（修订）。", paragraphs=_text(5, topic)))
        # whole seconds, rounded up: never before the first crawl's last_seen (it has microseconds)
        newer = (datetime.now(UTC) + timedelta(seconds=1)).isoformat(timespec="seconds")
        site.page(
            "/sitemap.xml", _sitemap(base, {"/a/lm.html": newer, "/a/lm2.html": old}), conditional=False
        )
        runs.append(run_cli(crawl, env))
    finally:
        server.shutdown()
    with _dropped_after(mongo_uri, name):
        yield {"runs": runs, "docs": _by_path(_docs(mongo_uri, name))}


def test_a_newer_sitemap_lastmod_makes_an_article_due(lastmod: dict[str, Any]) -> None:
    _succeeded(lastmod["runs"])
    assert lastmod["docs"]["/a/lm.html"]["version"] == 2
    assert "修订" in lastmod["docs"]["/a/lm.html"]["text"]
    assert lastmod["docs"]["/a/lm2.html"]["version"] == 1  # not due, and its lastmod is old
