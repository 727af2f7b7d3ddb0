"""Raw pages in WARC during real crawls, and re-extraction from them without refetching."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.archive.reextract import rebuild
from crawler.demo.content import ARTICLES
from crawler.demo.server import serve
from crawler.profiles import load_profile
from crawler.store import connect
from crawler.warc import read_capture
from tests.conftest import FAST_CRAWL, cli_environment, run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def archived(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    var = tmp_path_factory.mktemp("warc-var")
    name = "t_crawl_warc"
    env = cli_environment(mongo_uri, name, var)
    server, url = serve(port=0)
    client = connect(mongo_uri)
    try:
        first = run_cli(["crawl", "demo", "--base-url", url, *FAST_CRAWL], env)
        files_after_first = sorted((var / "warc" / "demo").glob("*.warc.gz"))
        full = run_cli(["crawl", "demo", "--full", "--base-url", url, *FAST_CRAWL], env)
        yield {
            "env": env,
            "db": client[name],
            "root": var / "warc",
            "runs": [first, full],
            "url": url,
            "first_files": files_after_first,
        }
    finally:
        server.stop()
        client.drop_database(name)
        client.close()


def _records(root: Path) -> list[Any]:
    found = []
    for path in sorted(root.rglob("*.warc.gz")):
        with path.open("rb") as fh:
            found.extend(
                (r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(fh)
            )
    return found


def test_crawls_succeed(archived: dict[str, Any]) -> None:
    for run in archived["runs"]:
        assert run.returncode == 0, run.stderr[-3000:]


def test_every_fetch_is_archived_with_its_request(archived: dict[str, Any]) -> None:
    records = _records(archived["root"])
    responses = [uri for kind, uri in records if kind == "response"]
    requests = [uri for kind, uri in records if kind == "request"]
    assert len(requests) == len(responses) + sum(1 for kind, _ in records if kind == "revisit")
    for article in ARTICLES:
        assert article.url(archived["url"]) in responses
    assert f"{archived['url']}robots.txt" in responses


def test_unchanged_pages_become_revisit_records_on_recrawl(archived: dict[str, Any]) -> None:
    revisits = {uri for kind, uri in _records(archived["root"]) if kind == "revisit"}
    assert {a.url(archived["url"]) for a in ARTICLES} <= revisits


def test_articles_point_to_their_records_and_reextract_equal(archived: dict[str, Any]) -> None:
    profile = load_profile("demo")
    docs = list(archived["db"].articles.find())
    assert len(docs) == len(ARTICLES)
    for doc in docs:
        assert len(doc["warc"]) == len(doc["page_urls"])  # one record per page, in page order
        for location, page_url in zip(doc["warc"], doc["page_urls"], strict=True):
            assert location["type"] == "response" and location["file"].startswith("demo/")
            assert read_capture(archived["root"], location).url == page_url
        again = rebuild(doc, archived["root"], profile)
        assert again.text == doc["text"]
        assert again.content_hash == doc["content_hash"]
    assert max(len(doc["warc"]) for doc in docs) == 3  # the three-page article


def test_reextract_command_changes_nothing_when_the_extractor_is_the_same(archived: dict[str, Any]) -> None:
    result = run_cli(["reextract", "--site", "demo"], archived["env"])
    assert result.returncode == 0, result.stderr
    assert f"{len(ARTICLES)} articles: 0 changed (new versions), {len(ARTICLES)} unchanged" in result.stdout


def test_reextract_repairs_an_article_stored_by_an_older_extractor(archived: dict[str, Any]) -> None:
    db = archived["db"]
    target = ARTICLES[0].url(archived["url"])
    original = db.articles.find_one({"_id": target})
    db.articles.update_one(
        {"_id": target}, {"$set": {"text": "旧版抽取结果：首页 > 本地新闻 > 正文", "content_hash": "old"}}
    )
    result = run_cli(["reextract", "--site", "demo"], archived["env"])
    assert "1 changed (new versions)" in result.stdout, result.stdout + result.stderr
    repaired = db.articles.find_one({"_id": target})
    assert repaired["text"] == original["text"] and repaired["version"] == original["version"] + 1
    old = db.article_versions.find_one({"article_id": target})
    assert old["text"].startswith("旧版抽取结果")


def test_a_missing_warc_file_is_reported(archived: dict[str, Any], tmp_path: Path) -> None:
    env = {**archived["env"], "NEWSARCHIVE_VAR": str(tmp_path)}  # no WARC files there
    result = run_cli(["reextract", "--site", "demo"], env)
    assert result.returncode == 1
    assert "No such file" in result.stderr or "cannot re-extract" in result.stderr
