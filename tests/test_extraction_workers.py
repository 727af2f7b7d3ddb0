"""Extraction in worker processes: budgets, dead workers, recycling, and what a crawl does with them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, ClassVar

import psutil
import pytest

from crawler.extract.page import Page, default_profile
from crawler.store import connect
from crawler.workers import ExtractionFailed, ExtractionPool, PoolConfig
from tests.conftest import FAST_CRAWL, ROOT, cli_environment, run_cli, wait_for
from tests.extract_hooks import CRASH_MARKER_ENV
from tests.seed_pages import SEED_PARAGRAPHS, news_page

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

HOOK = "tests.extract_hooks.extract_with_traps"
HOOK_SETTINGS = ["-s", f"EXTRACT_FUNCTION={HOOK}", "-s", "EXTRACT_WORKERS=2"]
PAGE = news_page(SEED_PARAGRAPHS).encode()
PROFILE = default_profile("http://pages.invalid/")


def page(path: str) -> Page:
    return Page(url=f"http://pages.invalid{path}", body=PAGE)


# The pool on its own ----------------------------------------------------------------------------


def test_a_page_past_its_budget_fails_alone_and_the_worker_is_replaced() -> None:
    with ExtractionPool(PoolConfig(workers=1, budget_s=3, function=HOOK)) as pool:
        before = [pool.submit(page(f"/a/{n}.htm"), PROFILE) for n in range(2)]
        stuck = pool.submit(page("/hang/1.htm"), PROFILE)
        after = [pool.submit(page(f"/a/{n}.htm"), PROFILE) for n in range(2, 4)]
        with pytest.raises(ExtractionFailed) as failed:
            stuck.result()
        assert failed.value.reason == "timeout"
        assert "longer than 3 s" in str(failed.value)
        assert all("連夜抽調" in f.result().text for f in before + after)
        assert pool.stats.killed == 1
        assert pool.stats.started == 2  # the first worker, and the one that replaced it


def test_a_killed_worker_loses_no_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CRASH_MARKER_ENV, str(tmp_path))
    with ExtractionPool(PoolConfig(workers=2, budget_s=30, function=HOOK)) as pool:
        futures = [pool.submit(page(f"/a/{n}.htm"), PROFILE) for n in range(3)]
        futures.append(pool.submit(page("/crash/7.htm"), PROFILE))
        futures += [pool.submit(page(f"/a/{n}.htm"), PROFILE) for n in range(3, 6)]
        articles = [f.result() for f in futures]
    # The crashed page was tried again on a fresh worker; every page came back exactly once.
    assert (tmp_path / "7.htm").exists()
    assert [a.url for a in articles] == [f.url for f in (page(f"/a/{n}.htm") for n in range(3))] + [
        "http://pages.invalid/crash/7.htm",
        *(f"http://pages.invalid/a/{n}.htm" for n in range(3, 6)),
    ]
    assert all(a.text for a in articles)
    assert pool.stats.started == 3
    assert pool.stats.failed == {}


def test_an_exception_fails_its_page_only_and_workers_are_recycled() -> None:
    with ExtractionPool(PoolConfig(workers=1, max_pages=2, function=HOOK)) as pool:
        futures = [
            pool.submit(page(p), PROFILE) for p in ("/a/1.htm", "/raise/2.htm", "/a/3.htm", "/a/4.htm")
        ]
        with pytest.raises(ExtractionFailed, match="ValueError: a bug in extraction") as failed:
            futures[1].result()
        assert failed.value.reason == "error"
        assert [futures[i].result().text != "" for i in (0, 2, 3)] == [True, True, True]
    assert pool.stats.recycled == 2  # after pages 2 and 4
    assert pool.stats.started == 2


def test_a_worker_past_its_memory_limit_is_replaced() -> None:
    # A fresh worker's own memory is a few MB (the rest is shared with the zygote), so a limit
    # of 48 MB lets ordinary pages through and recycles the worker after each /grow/ page.
    with ExtractionPool(PoolConfig(workers=1, max_rss_mb=48, function=HOOK)) as pool:
        paths = ("/a/1.htm", "/grow/2.htm", "/a/3.htm", "/a/4.htm", "/grow/5.htm", "/a/6.htm")
        assert all(pool.submit(page(p), PROFILE).result().text for p in paths)
    assert pool.stats.recycled == 2
    assert pool.stats.started == 3


def test_a_multi_page_article_is_merged_in_a_worker_with_its_search_fields() -> None:
    from crawler.extract.pagination import PagesToMerge, merge_pages
    from crawler.workers.worker import with_search_fields

    with ExtractionPool(PoolConfig(workers=1, function=HOOK)) as pool:
        first, second = (pool.submit(page(p), PROFILE).result() for p in ("/a/1.htm", "/a/1_2.htm"))
        merged = pool.submit(PagesToMerge((first, second), ("http://pages.invalid/a/1_3.htm",)), PROFILE)
        article = merged.result()
    here = with_search_fields(merge_pages([first, second], ["http://pages.invalid/a/1_3.htm"]))
    assert article.page_urls == [first.url, second.url]
    assert article.quality["incomplete"] is True
    assert article.search and article.search == here.search
    assert article.to_dict() == here.to_dict()


def test_workers_are_forks_of_one_zygote_which_is_replaced_when_it_dies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CRASH_MARKER_ENV, str(tmp_path))
    with ExtractionPool(PoolConfig(workers=2, budget_s=30, function=HOOK)) as pool:
        assert all(f.result().text for f in [pool.submit(page(f"/a/{n}.htm"), PROFILE) for n in range(4)])
        first = pool.zygote_pid()
        assert first is not None
        workers = psutil.Process(first).children()
        assert len(workers) == 2  # both workers are its forks, not interpreters of their own
        assert all(w.cmdline() == psutil.Process(first).cmdline() for w in workers)
        psutil.Process(first).kill()
        psutil.Process(first).wait(10)
        # The /crash/ page kills its worker; the page is retried on a fresh worker, forked from a new zygote.
        assert "連夜抽調" in pool.submit(page("/crash/8.htm"), PROFILE).result().text
        second = pool.zygote_pid()
        assert second not in (None, first)
        assert psutil.Process(second).children()
        assert pool.stats.failed == {}
    assert not psutil.pid_exists(second)  # closing the pool ends the zygote


# In a crawl ---------------------------------------------------------------------------------------

ARTICLES = 6


class _Site(BaseHTTPRequestHandler):
    hits: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        type(self).hits[self.path] += 1
        if self.path == "/index.htm":
            links = [f"/a/{1000 + n}.htm" for n in range(ARTICLES)]
            links.insert(1, "/hang/1.htm")
            body = "<html><body>" + "".join(f'<a href="{u}">{u}</a>' for u in links) + "</body></html>"
            data = body.encode()
        elif self.path.startswith(("/a/", "/hang/")):
            data = news_page(SEED_PARAGRAPHS, title=f"新闻 {self.path}").encode()
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Path]:
    _Site.hits = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "traps.yaml").write_text(
        f"name: traps\nbase_url: http://127.0.0.1:{server.server_address[1]}/\nstart_urls: [/index.htm]\n"
        "sitemaps_from_robots: false\narticle_patterns: ['^/(a|hang)/\\d+\\.htm$']\n"
        "politeness: {obey_robots: false}\nallow_private_addresses: true\n",
        encoding="utf-8",
    )
    try:
        yield profiles
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.integration
def test_a_page_that_never_finishes_does_not_stall_the_crawl_and_is_retried_later(
    site: Path, mongo_uri: str, database_name: str, tmp_path: Path
) -> None:
    env = cli_environment(mongo_uri, database_name, tmp_path / "var", site)
    client = connect(mongo_uri)
    db = client[database_name]
    try:
        crawl = run_cli(["crawl", "traps", *FAST_CRAWL, *HOOK_SETTINGS, "-s", "EXTRACT_BUDGET=3"], env)
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        assert db.articles.count_documents({}) == ARTICLES
        failure = db.extraction_failures.find_one({})
        assert failure is not None
        assert failure["url"].endswith("/hang/1.htm")
        assert failure["reason"] == "timeout"
        assert failure["warc"], "the failed page must stay in the WARC"
        run = db.crawl_runs.find_one({"site": "traps"})
        assert run["status"] == "finished"
        assert run["extraction_failed"] == 1
        assert any("failed extraction" in w for w in run["health"]["warnings"])

        shown = run_cli(["stats", "--json"], env)
        assert json.loads(shown.stdout)["extraction_failures"] == {"traps": 1}, shown.stderr

        # The production extraction (no traps) gets the page from the WARC: nothing refetched.
        fetched = _Site.hits["/hang/1.htm"]
        retry = run_cli(["reextract", "--failed", "--site", "traps"], env)
        assert retry.returncode == 0, retry.stdout + retry.stderr
        assert "1 of them had failed extraction during a crawl and are now stored" in retry.stdout
        assert db.extraction_failures.count_documents({}) == 0
        assert db.articles.count_documents({}) == ARTICLES + 1
        assert db.articles.find_one({"url": failure["url"]})["text"]
        assert _Site.hits["/hang/1.htm"] == fetched
    finally:
        client.drop_database(database_name)
        client.close()


@pytest.mark.integration
def test_sigterm_ends_a_crawl_stuck_on_a_page_within_ten_seconds(
    site: Path, mongo_uri: str, database_name: str, tmp_path: Path
) -> None:
    env = cli_environment(mongo_uri, database_name, tmp_path / "var", site)
    client = connect(mongo_uri)
    db = client[database_name]
    command = [sys.executable, "-m", "crawler.cli", "crawl", "traps", *FAST_CRAWL, *HOOK_SETTINGS]
    crawl = subprocess.Popen(
        [*command, "-s", "EXTRACT_BUDGET=600"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: _Site.hits["/hang/1.htm"] > 0, 120, "the stuck page to be fetched")
        wait_for(
            lambda: sum(_Site.hits[f"/a/{1000 + n}.htm"] for n in range(ARTICLES)) == ARTICLES, 60, "pages"
        )
        stopped_at = time.monotonic()
        crawl.send_signal(signal.SIGTERM)
        _, stderr = crawl.communicate(timeout=30)
        took = time.monotonic() - stopped_at
        assert took < 10, f"the crawl took {took:.1f} s to stop\n{stderr[-3000:]}"
        run = db.crawl_runs.find_one({"site": "traps"})
        assert run["status"] == "stopped", stderr[-3000:]
        assert db.crawl_locks.count_documents({"_id": "traps"}) == 0
        # The stuck page and any page still waiting for a worker are recorded, none is lost.
        failures = {
            d["url"].rsplit("/", 2)[-2] + "/" + d["url"].rsplit("/", 1)[-1]: d["reason"]
            for d in db.extraction_failures.find({})
        }
        assert failures.get("hang/1.htm") == "stopped", failures
        assert set(failures.values()) == {"stopped"}
        stored = {d["url"].rsplit("/", 1)[-1] for d in db.articles.find({}, {"url": 1})}
        assert len(stored) + len(failures) == ARTICLES + 1
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.wait()
        client.drop_database(database_name)
        client.close()
