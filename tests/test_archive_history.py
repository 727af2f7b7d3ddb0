"""Versions, deletions and conditional revisits, through real crawls of the demo site."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import yaml

from crawler.demo.content import ARTICLES_BY_ID
from crawler.demo.server import serve
from crawler.profiles.loader import BUNDLED_DIR
from crawler.store import connect
from tests.conftest import FAST_CRAWL, cli_environment, run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.integration

EDITED, GONE_404, GONE_410, GONE_HOME, GONE_NOTICE = 1003, 1004, 1009, 1005, 1007


@pytest.fixture(scope="module")
def history(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Crawl, change the site (an edit, four kinds of deletion), crawl again with every article due."""

    tmp = tmp_path_factory.mktemp("history")
    profiles = _due_profile(tmp)
    name = "t_archive_history"
    env = cli_environment(mongo_uri, name, tmp / "var", profiles)
    server, url = serve(port=0, admin=True)
    try:
        first = run_cli(["crawl", "demo", "--base-url", url, *FAST_CRAWL], env)
        before = _articles(mongo_uri, name)
        server.state.edit(EDITED)
        for article_id, mode in (
            (GONE_404, "404"),
            (GONE_410, "410"),
            (GONE_HOME, "home"),
            (GONE_NOTICE, "notice"),
        ):
            server.state.delete(article_id, mode)
        server.hits.reset()
        second = run_cli(["crawl", "demo", "--base-url", url, *FAST_CRAWL], env)
        statuses = server.hits.by_status()
        third = run_cli(["crawl", "demo", "--base-url", url, *FAST_CRAWL], env)
    finally:
        server.stop()
    client = connect(mongo_uri)
    try:
        yield {
            "runs": [first, second, third],
            "url": url,
            "before": before,
            "after": _articles(mongo_uri, name),
            "versions": list(client[name].article_versions.find()),
            "statuses": statuses,
            "crawl_runs": list(client[name].crawl_runs.find().sort("started_at", 1)),
        }
    finally:
        client.drop_database(name)
        client.close()


def _due_profile(folder: Path) -> Path:
    """The demo profile with every article due for a revisit at once."""
    data = yaml.safe_load((BUNDLED_DIR / "demo.yaml").read_text(encoding="utf-8"))
    data["revisit"] = {"young_days": 100000, "young_hours": 0.00001}
    (folder / "demo.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def _articles(uri: str, name: str) -> dict[int, dict[str, Any]]:
    client = connect(uri)
    try:
        docs = list(client[name].articles.find())
    finally:
        client.close()
    return {int(d["_id"].rsplit("content_", 1)[1].split(".")[0]): d for d in docs}


def test_crawls_succeed(history: dict[str, Any]) -> None:
    for run in history["runs"]:
        assert run.returncode == 0, run.stderr[-3000:]


def test_unchanged_pages_answer_304_to_conditional_revisits(history: dict[str, Any]) -> None:
    unchanged = ARTICLES_BY_ID[1001]
    assert history["statuses"][unchanged.path] == {"304": 1}
    doc = history["after"][1001]
    assert doc["version"] == 1 and doc["status"] == 304
    assert doc["last_seen"] > history["before"][1001]["last_seen"]
    assert doc["text"] == history["before"][1001]["text"]


def test_a_changed_page_yields_two_versions(history: dict[str, Any]) -> None:
    before, after = history["before"][EDITED], history["after"][EDITED]
    assert after["version"] == 2
    assert after["content_hash"] != before["content_hash"]
    assert "更正" in after["text"] or len(after["text"]) > len(before["text"])
    [old] = [v for v in history["versions"] if v["article_id"] == after["_id"]]
    assert old["_id"] == f"{after['_id']}@v1" and old["version"] == 1
    assert old["text"] == before["text"] and old["content_hash"] == before["content_hash"]
    assert old["until"] >= old["since"]
    [entry] = after["history"]
    assert entry["version"] == 1 and entry["content_hash"] == before["content_hash"]
    assert after["first_seen"] == before["first_seen"]


@pytest.mark.parametrize(
    ("article_id", "status", "reason"),
    [
        (GONE_404, 404, "HTTP 404"),
        (GONE_410, 410, "HTTP 410"),
        (GONE_HOME, 200, "redirected to the home page"),
        (GONE_NOTICE, 200, "the page says the article was deleted"),
    ],
)
def test_a_deleted_page_yields_a_deletion_event(
    history: dict[str, Any], article_id: int, status: int, reason: str
) -> None:
    doc = history["after"][article_id]
    assert doc["state"] == "gone"
    [event] = doc["events"]
    assert event["type"] == "gone" and event["status"] == status and event["reason"].startswith(reason)
    # nothing overwritten or dropped
    assert doc["text"] == history["before"][article_id]["text"]
    assert doc["version"] == 1


def test_gone_articles_are_not_reported_twice(history: dict[str, Any]) -> None:
    third = history["crawl_runs"][2]
    assert third["stats"].get("store_gone", 0) == 0
    assert all(len(history["after"][i]["events"]) == 1 for i in (GONE_404, GONE_410, GONE_HOME, GONE_NOTICE))
