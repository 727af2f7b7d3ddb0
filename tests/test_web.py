"""`newsarchive web` on a real crawl of the demo site: pages, versions, replay, safety, and a real Chromium.

The demo site is crawled twice into the test database (between the crawls an article is
edited and another deleted; one article's title holds a `<script>` tag), then the browser is
started as a user would (`newsarchive web --port N`) and read over loopback HTTP.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import yaml

from crawler.demo.content import ARTICLES, ARTICLES_BY_ID, correction_paragraph
from crawler.demo.server import serve
from crawler.demo.state import SiteState
from crawler.extract.encoding import decode_html
from crawler.localdb import free_port
from crawler.profiles.loader import BUNDLED_DIR
from crawler.store import connect
from crawler.warc.reader import read_capture
from tests.browser_tools import LOOPBACK, archive_page, chromium, request
from tests.conftest import FAST_CRAWL, ROOT, cli_environment, run_cli, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.integration

EDITED, DELETED, XSS = 1003, 1004, 1006
XSS_MARK = '<script>alert("xss")</script>'


@dataclasses.dataclass
class Browser:
    """The running `newsarchive web` and what the tests need to check it."""

    base: str
    db: Any
    warc_dir: Path
    state: SiteState
    tmp: Path
    site: Any
    site_url: str
    hostile: str
    env: dict[str, str]

    def url(self, path: str, **params: Any) -> str:
        return self.base + path + (("?" + urlencode(params, doseq=True)) if params else "")

    def get(self, path: str, **params: Any) -> tuple[int, dict[str, str], bytes]:
        return request(self.url(path, **params))

    def page(self, path: str, **params: Any) -> tuple[int, str]:
        status, _, body = self.get(path, **params)
        return status, body.decode("utf-8")

    def article(self, demo_id: int) -> dict[str, Any]:
        [doc] = [d for d in self.db.articles.find() if d["_id"].endswith(f"content_{demo_id}.htm")]
        return doc


def _due_profile(folder: Path) -> Path:
    """The demo profile with every article due for a revisit at once (so the edit is seen)."""
    data = yaml.safe_load((BUNDLED_DIR / "demo.yaml").read_text(encoding="utf-8"))
    data["revisit"] = {"young_days": 100000, "young_hours": 0.00001}
    (folder / "demo.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


@contextlib.contextmanager
def web_server(env: dict[str, str], tmp: Path) -> Iterator[str]:
    """`newsarchive web` started as a user would, on a free loopback port; yields its base URL."""
    port = free_port()
    log = (tmp / "web.log").open("wb")
    web = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "web", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://{LOOPBACK}:{port}"

    def answers() -> bool:
        assert web.poll() is None, (tmp / "web.log").read_text(errors="replace")
        try:
            return request(base + "/static/style.css")[0] == 200
        except OSError:
            return False

    try:
        wait_for(answers, 60, "newsarchive web to answer")
        yield base
    finally:
        web.terminate()
        try:
            web.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(web.pid, signal.SIGKILL)
            web.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    tmp = tmp_path_factory.mktemp("web")
    name = "t_web"
    env = cli_environment(mongo_uri, name, tmp / "var", _due_profile(tmp))
    articles = [dataclasses.replace(a, title=XSS_MARK + a.title) if a.id == XSS else a for a in ARTICLES]
    state = SiteState(articles=articles)
    site, site_url = serve(port=0, admin=True, state=state)
    client = connect(mongo_uri)
    try:
        first = run_cli(["crawl", "demo", "--base-url", site_url, *FAST_CRAWL], env)
        assert first.returncode == 0, first.stderr[-3000:]
        state.edit(EDITED)
        state.delete(DELETED, "404")
        second = run_cli(["crawl", "demo", "--base-url", site_url, *FAST_CRAWL], env)
        assert second.returncode == 0, second.stderr[-3000:]
        hostile = _archive_hostile_page(client[name], tmp / "var" / "warc", site_url)
        with web_server(env, tmp) as base:
            yield Browser(base, client[name], tmp / "var" / "warc", state, tmp, site, site_url, hostile, env)
    finally:
        site.stop()
        client.drop_database(name)
        client.close()


HOSTILE_PAGE = """<html><head><meta charset="utf-8"><script src="{site}/probe/script.js"></script>
<link rel="stylesheet" href="{site}/probe/style.css"><base href="{site}/probe/base/">
<meta http-equiv="refresh" content="1;url={site}/probe/refresh">
<style>body {{ background: url({site}/probe/background.png) }}</style><title>恶意页面</title></head>
<body onload="document.body.setAttribute('data-ran', 'onload')"><h1>恶意页面测试</h1>
<img src="{site}/probe/image.png" srcset="{site}/probe/image2x.png 2x"><iframe src="{site}/probe/frame.htm"></iframe>
<object data="{site}/probe/object.swf"></object><video poster="{site}/probe/poster.png"></video>
<script>document.body.setAttribute('data-ran', 'inline'); new Image().src = '{site}/probe/script-beacon.png';</script>
<p>正文：这是一篇用于检验回放沙箱的存档页面，页面中的脚本、图片和样式都不应运行或加载。</p>
<a href="{site}/probe/link.htm">一个链接</a></body></html>"""


def _archive_hostile_page(db: Any, warc_dir: Path, site_url: str) -> str:
    """Archive a page full of scripts and loads aimed at the demo site, as the crawler would store it."""
    url = f"{site_url.rstrip('/')}/probe/hostile.htm"
    body = HOSTILE_PAGE.format(site=site_url.rstrip("/")).encode("utf-8")
    return archive_page(db, warc_dir, url, body, "恶意页面测试", "正文：这是一篇用于检验回放沙箱的存档页面。")


def links(html: str) -> list[str]:
    """Every href, src and action of a page."""
    root = lxml.html.fromstring(html)
    return [
        v
        for el in root.iter()
        if isinstance(el.tag, str)
        for k, v in el.attrib.items()
        if k in ("href", "src", "action")
    ]


# Pages ----------------------------------------------------------------------------------------


def test_home_lists_sites_counts_and_runs(browser: Browser) -> None:
    status, html = browser.page("/")
    assert status == 200
    count = browser.db.articles.count_documents({"site": "demo"})
    root = lxml.html.fromstring(html)
    [row] = [
        tr for tr in root.cssselect("table.sites tbody tr") if tr.text_content().strip().startswith("demo")
    ]
    assert [td.text_content().strip() for td in row.cssselect("td")][1] == str(count)
    assert len(root.cssselect("table.runs tbody tr.status-finished")) == 2
    assert root.cssselect('form[action="/search"] input[name="q"]')


def test_search_hits_link_to_articles_with_marked_snippets(browser: Browser) -> None:
    target = ARTICLES_BY_ID[1010]
    status, html = browser.page("/search", q='"青沙河"')
    assert status == 200
    root = lxml.html.fromstring(html)
    hits = root.cssselect("li.hit")
    assert hits, html[:2000]
    assert all("青沙河" in [m.text_content() for m in hit.cssselect("mark")] for hit in hits)
    [hit] = [h for h in hits if h.cssselect("a.title")[0].text_content() == target.title]
    assert [m.text_content() for m in hit.cssselect("a.title mark")] == ["青沙河"]
    href = hit.cssselect("a.title")[0].get("href")
    assert href == "/article?url=" + quote(browser.article(1010)["_id"], safe="/")
    status, page = browser.page("/article", url=browser.article(1010)["_id"])
    assert status == 200 and target.title in page


def test_search_filters_order_and_paging(browser: Browser) -> None:
    def titles(**params: Any) -> list[str]:
        status, html = browser.page("/search", **params)
        assert status == 200
        return [a.text_content() for a in lxml.html.fromstring(html).cssselect("li.hit a.title")]

    everything = titles(per=50)
    assert len(everything) == browser.db.articles.count_documents({})
    assert titles(per=5) == everything[:5]
    assert titles(per=5, page=2) == everything[5:10]
    assert titles(site="no-such-site") == []
    status, html = browser.page("/search")
    assert [o.get("value") for o in lxml.html.fromstring(html).cssselect("datalist#sites option")] == ["demo"]
    assert titles(since="2099-01-01") == []
    status, html = browser.page("/search", since="not a date")
    assert status == 400 and "not a date" in html


def test_article_page_shows_every_field(browser: Browser) -> None:
    source = ARTICLES_BY_ID[1010]
    doc = browser.article(1010)
    status, html = browser.page("/article", url=doc["_id"])
    assert status == 200
    text = lxml.html.fromstring(html).text_content()
    for expected in (source.title, *source.authors, source.source, *source.editors, doc["script"]):
        assert expected in text
    assert doc["published_at"].astimezone().strftime("%Y") in text
    assert source.pages[0][0][:20] in text
    root = lxml.html.fromstring(html)
    assert len(root.cssselect("section.runs-seen tbody tr.status-finished")) == 2  # both crawls saw it
    assert root.cssselect(f'a.replay[href="/replay?url={quote(doc["_id"], safe="/")}&page=0"]')


def test_versions_and_a_readable_diff_after_an_edit(browser: Browser) -> None:
    doc = browser.article(EDITED)
    assert doc["version"] == 2
    status, html = browser.page("/article", url=doc["_id"])
    assert status == 200
    root = lxml.html.fromstring(html)
    assert len(root.cssselect("section.versions tbody tr")) == 2
    [latest] = root.cssselect("a.diff-latest")
    status, html = browser.page(latest.get("href").split("?")[0], url=doc["_id"], a=1, b=2)
    assert latest.get("href") == f"/diff?url={quote(doc['_id'], safe='/')}&a=1&b=2"
    assert status == 200
    root = lxml.html.fromstring(html)
    added = [el.text_content() for el in root.cssselect(".diff ins")]
    assert correction_paragraph(1) in added
    assert not root.cssselect(".diff del")  # only a paragraph was appended
    assert len(root.cssselect(".diff p.same")) >= 1
    status, html = browser.page("/diff", url=doc["_id"], a=1, b=7)
    assert status == 400 and "1..2" in html


def test_deletion_events_are_shown(browser: Browser) -> None:
    doc = browser.article(DELETED)
    status, html = browser.page("/article", url=doc["_id"])
    assert status == 200
    events = lxml.html.fromstring(html).cssselect("section.events li")
    assert len(events) == 1
    assert "gone" in events[0].text_content() and "HTTP 404" in events[0].text_content()


def test_unknown_fields_are_listed(browser: Browser) -> None:
    doc = browser.article(1012)
    browser.db.articles.update_one(
        {"_id": doc["_id"]}, {"$set": {"date_source": "meta", "date_confidence": {"score": 0.9}}}
    )
    status, html = browser.page("/article", url=doc["_id"])
    assert status == 200
    extra = lxml.html.fromstring(html).cssselect("section.extra")[0].text_content()
    assert "date_source" in extra and "meta" in extra and '{"score": 0.9}' in extra


def test_health_page_charts_articles_per_day(browser: Browser) -> None:
    status, html = browser.page("/health", site="demo", days=400)
    assert status == 200
    root = lxml.html.fromstring(html)
    bars = root.cssselect("svg rect.bar")
    assert len(bars) == 400
    counted = sum(int(bar.get("data-label").rsplit(": ", 1)[1]) for bar in bars)
    assert counted == browser.db.articles.count_documents({"published_at": {"$ne": None}})
    figures = root.cssselect("table.figures")[0].text_content()
    assert "last run" in figures and "finished" in figures
    history = [row for row in root.cssselect("table.figures tr") if row.cssselect("th")[0].text == "history"]
    assert history and history[0].cssselect("td")[0].text_content() == "complete"  # lists walked to the end
    assert "oldest article reached" in history[0].text_content()
    assert browser.page("/health", site="nowhere")[0] == 404


def test_changes_page_lists_the_edit_with_its_diff_and_the_take_down(browser: Browser) -> None:
    edited, deleted = browser.article(EDITED), browser.article(DELETED)
    status, html = browser.page("/changes")
    assert status == 200
    root = lxml.html.fromstring(html)
    rows = root.cssselect("table.changes tr")
    kinds = {row.cssselect("a")[0].get("href"): row.get("class") for row in rows}
    assert kinds == {
        f"/article?url={quote(edited['_id'], safe='/')}": "change-edited",
        f"/article?url={quote(deleted['_id'], safe='/')}": "change-gone",
    }
    [diff] = root.cssselect("a.diff-link")
    assert diff.get("href") == f"/diff?url={quote(edited['_id'], safe='/')}&a=1&b=2"
    assert browser.page(diff.get("href").split("?")[0], url=edited["_id"], a=1, b=2)[0] == 200
    assert edited["title"] in html and "404" in html  # titles looked up; the take-down's reason
    assert [h.text_content().split(" · ")[1] for h in root.cssselect("section.change-day h2")] == ["demo"]
    gone_only = lxml.html.fromstring(browser.page("/changes", kind="gone", site="demo")[1])
    assert [r.get("class") for r in gone_only.cssselect("table.changes tr")] == ["change-gone"]
    assert "No changes" in browser.page("/changes", since="2100-01-01")[1]
    assert browser.page("/changes", kind="deleted")[0] == 400


def test_changes_command_lists_the_same(browser: Browser) -> None:
    edited, deleted = browser.article(EDITED), browser.article(DELETED)
    listed = run_cli(["changes", "--json"], browser.env)
    assert listed.returncode == 0, listed.stderr
    changes = [json.loads(line) for line in listed.stdout.splitlines()]
    assert sorted((c["kind"], c["url"], c["version"]) for c in changes) == sorted(
        [("edited", edited["_id"], 2), ("gone", deleted["_id"], 1)]
    )
    assert all(c["site"] == "demo" and c["at"].endswith("Z") for c in changes)
    table = run_cli(["changes", "--kind", "edited", "--site", "demo"], browser.env)
    assert table.returncode == 0 and "v1 → v2" in table.stdout and deleted["_id"] not in table.stdout
    assert "1 edited" in table.stdout
    assert run_cli(["changes", "--kind", "moved"], browser.env).returncode == 2
    assert "no changes" in run_cli(["changes", "--site", "nowhere"], browser.env).stdout


def test_health_page_shows_the_share_edited_or_gone_per_month(browser: Browser) -> None:
    status, html = browser.page("/health", site="demo")
    assert status == 200
    [table] = lxml.html.fromstring(html).cssselect("table.shares")
    cells = [[td.text_content() for td in tr.cssselect("th, td")] for tr in table.cssselect("tbody tr")]
    archived = browser.db.articles.count_documents({})
    month = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    edited, gone = f"{100 / archived:.1f}%", f"{100 / archived:.1f}%"
    assert cells[0] == [month, str(archived), "1", edited, "1", gone]


# Replay ---------------------------------------------------------------------------------------


def test_replay_is_sandboxed_decoded_like_the_crawler_and_stays_in_the_archive(browser: Browser) -> None:
    gbk = [d for d in browser.db.articles.find() if d.get("encoding") == "gb18030" and d.get("warc")]
    assert gbk, "the demo site should have GBK sections"
    doc = gbk[0]
    status, headers, body = browser.get("/replay", url=doc["_id"])
    assert status == 200
    policy = headers["content-security-policy"]
    assert policy.startswith("sandbox") and "default-src 'none'" in policy
    capture = read_capture(browser.warc_dir, doc["warc"][0])
    decoded = decode_html(capture.body, capture.content_type, "gb18030")
    html = body.decode("utf-8")
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert doc["title"] in html and decoded.encoding == doc["encoding"]
    root = lxml.html.fromstring(html)
    assert not root.cssselect("script")
    for link in links(html):
        assert link.startswith(("/go?url=", "/article?url=", "/replay/original?")), link
    assert any(link.startswith("/go?url=") for link in links(html))
    # the original bytes, as received, labelled with the crawler's decoding
    status, headers, raw = browser.get("/replay/original", url=doc["_id"])
    assert status == 200 and raw == capture.body
    assert headers["content-type"] == "text/plain; charset=gb18030"
    assert headers["content-security-policy"].startswith("sandbox")


def test_links_in_replayed_pages_go_to_the_archive_or_show_as_text(browser: Browser) -> None:
    doc = browser.article(1001)
    status, headers, _ = browser.get("/go", url=doc["url"])
    assert status == 303 and headers["location"] == "/replay?url=" + quote(doc["_id"], safe="")
    status, html = browser.page("/go", url="http://elsewhere.example/page.html")
    assert status == 404
    assert "http://elsewhere.example/page.html" in lxml.html.fromstring(html).text_content()
    assert not any("elsewhere" in link for link in links(html))


# Safety ---------------------------------------------------------------------------------------


def test_an_archived_script_title_is_shown_as_text(browser: Browser) -> None:
    doc = browser.article(XSS)
    assert doc["title"].startswith(XSS_MARK)
    for path, params in (("/search", {"q": "汉字书写"}), ("/article", {"url": doc["_id"]}), ("/", {})):
        status, html = browser.page(path, **params)
        assert status == 200
        assert "alert(" not in "".join(s.text or "" for s in lxml.html.fromstring(html).iter("script"))
        if path != "/":
            assert (
                '&lt;script&gt;alert("xss")&lt;/script&gt;' in html
                or "&lt;script&gt;alert(&#34;xss&#34;)" in html
            )
            assert XSS_MARK not in html


def test_head_and_unknown_paths(browser: Browser) -> None:
    status, headers, body = request(browser.url("/"), method="HEAD")
    assert status == 200 and body == b"" and headers["content-type"].startswith("text/html")
    status, html = browser.page("/nowhere")
    assert status == 404 and "Nothing here: /nowhere" in html
    status, html = browser.page("/article", url="http://not.archived.example/a.htm")
    assert status == 404 and "No stored article has the address http://not.archived.example/a.htm" in html


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_no_write_methods(browser: Browser, method: str) -> None:
    for path in ("/", "/search", "/article", "/static/style.css"):
        status, headers, _ = request(browser.url(path), method=method)
        assert status == 405 and headers["allow"] == "GET, HEAD"


def test_pages_load_nothing_from_elsewhere(browser: Browser) -> None:
    doc = browser.article(1010)
    for path, params in (
        ("/", {}),
        ("/search", {"q": "河"}),
        ("/article", {"url": doc["_id"]}),
        ("/health", {}),
    ):
        status, headers, body = browser.get(path, **params)
        assert status == 200
        assert "default-src 'none'" in headers["content-security-policy"]
        for link in links(body.decode("utf-8")):
            assert link.startswith(("/", "#", "?")), (path, link)


def test_other_host_names_are_refused(browser: Browser) -> None:
    """A page of another site resolving its name to 127.0.0.1 (DNS rebinding) reads nothing."""
    status, _, _ = request(browser.url("/"), headers={"Host": "attacker.example"})
    assert status == 400


# A real browser -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["search", "article", "diff", "health", "replay", "changes"])
def test_chromium_renders_the_pages(browser: Browser, page: str) -> None:
    edited = browser.article(EDITED)
    target = browser.article(1010)
    url, expected = {
        "search": (browser.url("/search", q='"青沙河"'), ARTICLES_BY_ID[1010].title),
        "article": (browser.url("/article", url=target["_id"]), ARTICLES_BY_ID[1010].pages[0][0][:15]),
        "diff": (browser.url("/diff", url=edited["_id"], a=1, b=2), correction_paragraph(1)),
        "health": (browser.url("/health", site="demo"), "Articles per day"),
        "replay": (browser.url("/replay", url=target["_id"]), "Archived copy of"),
        "changes": (browser.url("/changes"), "diff v1 → v2"),
    }[page]
    folder = browser.tmp / "chromium" / page
    folder.mkdir(parents=True)
    shot = folder / f"{page}.png"
    chromium(["--window-size=1280,1600", f"--screenshot={shot}", url], folder / "profile-shot")
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one
    dom = chromium(["--dump-dom", url], folder / "profile-dom")
    text = lxml.html.fromstring(dom).text_content()
    assert expected in text
    if page == "search":
        assert "<mark>青沙河</mark>" in dom
    if page == "article":
        assert XSS_MARK not in dom


def test_chromium_replays_a_hostile_page_without_running_or_loading_anything(browser: Browser) -> None:
    def probes() -> dict[str, int]:
        return {p: n for p, n in browser.site.hits.counts().items() if p.startswith("/probe/")}

    status, _, body = browser.get("/replay", url=browser.hostile)
    assert status == 200
    assert not [link for link in links(body.decode("utf-8")) if browser.site_url in link]
    folder = browser.tmp / "chromium" / "hostile"
    folder.mkdir(parents=True)
    for path in ("/replay", "/replay/original"):
        url = browser.url(path, url=browser.hostile)
        name = path.strip("/").replace("/", "-")
        # virtual time lets timers, refreshes and late loads happen before the DOM is dumped
        dom = chromium(["--virtual-time-budget=3000", "--dump-dom", url], folder / f"profile-{name}")
        assert "恶意页面测试" in dom
        chromium(
            ["--window-size=1000,700", f"--screenshot={folder / name}.png", url], folder / f"shot-{name}"
        )
        if path == "/replay":
            root = lxml.html.fromstring(dom)
            assert root.body.get("data-ran") is None  # neither the inline script nor onload ran
            assert [a.get("href") for a in root.cssselect("a") if a.text == "一个链接"] == [
                "/go?url=" + quote(browser.site_url.rstrip("/") + "/probe/link.htm", safe="")
            ]
    assert probes() == {}  # not one request reached the site: no script, image, style, frame or refresh
