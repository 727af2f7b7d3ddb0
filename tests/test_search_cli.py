"""`newsarchive search` and `newsarchive reindex` as a user runs them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from crawler.store import connect
from tests.conftest import run_cli
from tests.known_archive import store_known

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pymongo.database import Database

pytestmark = pytest.mark.integration


@pytest.fixture
def known(cli_env: dict[str, str], mongo_uri: str) -> Iterator[Database[dict[str, Any]]]:
    client = connect(mongo_uri)
    db = client[cli_env["MONGO_DATABASE"]]
    store_known(db)
    yield db
    client.drop_database(db.name)
    client.close()


def search(env: dict[str, str], *args: str) -> Any:
    return run_cli(["search", *args], {**env, "COLUMNS": "200"})


def test_table_with_titles_snippets_and_urls(cli_env: dict[str, str], known: Any) -> None:
    result = search(cli_env, "東營")
    assert result.returncode == 0, result.stderr
    assert "東營濕地迎來候鳥高峰" in result.stdout and "东营市启动冬春农田水利建设" in result.stdout
    assert "http://dongying.test/dy1.htm" in result.stdout
    assert "results 1–2" in result.stdout
    assert result.stdout.index("dy2.htm") < result.stdout.index("dy1.htm")  # newest first


def test_json_lines_with_highlights_on_the_matched_text(cli_env: dict[str, str], known: Any) -> None:
    result = search(cli_env, "东营", "--json", "--site", "dongying")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["_id"] for line in lines] == ["http://dongying.test/dy2.htm", "http://dongying.test/dy1.htm"]
    for line in lines:
        assert line["highlights"]
        assert {line["snippet"][a:b] for a, b in line["highlights"]} <= {"东营", "東營"}
        assert "terms" not in line and line["published_at"].endswith("Z")


def test_paging_and_count(cli_env: dict[str, str], known: Any) -> None:
    first = search(cli_env, "--site", "odd", "--limit", "2", "--count")
    assert "results 1–2 of 3; more: --page 2" in first.stdout
    second = search(cli_env, "--site", "odd", "--limit", "2", "--page", "2")
    assert "results 3–3" in second.stdout and "more" not in second.stdout
    assert "bare1" in second.stdout


def test_relevance_shows_scores(cli_env: dict[str, str], known: Any) -> None:
    result = search(cli_env, "水利", "--sort", "relevance")
    assert result.returncode == 0 and "score" in result.stdout


def test_zero_hits_say_so_and_what_to_loosen(cli_env: dict[str, str], known: Any) -> None:
    result = search(cli_env, "东营", "候鸟", "--site", "demo")
    assert result.returncode == 1
    assert "no articles match (terms 东营 候鸟; site demo)" in result.stderr
    assert "drop --site demo (1 hits)" in result.stderr
    nothing = search(cli_env, "马拉松")
    assert nothing.returncode == 1 and "try other or fewer terms" not in nothing.stderr


def test_injection_through_the_command_line(cli_env: dict[str, str], known: Any) -> None:
    result = search(cli_env, '{"$where": "sleep(5000) || true"}', "--author", '{"$ne": ""}')
    assert result.returncode == 1 and "no articles match" in result.stderr
    odd = search(cli_env, "--author", '{"$gt": ""}', "--json")
    assert [json.loads(line)["_id"] for line in odd.stdout.splitlines()] == ["http://odd.test/odd1.htm"]


def test_bad_input_exits_2(cli_env: dict[str, str], known: Any) -> None:
    assert search(cli_env, "东营", "--since", "last week").returncode == 2
    refused = search(cli_env, ".*")
    assert refused.returncode == 2 and "nothing to search for" in refused.stderr


def test_reindex_then_search(cli_env: dict[str, str], known: Database[dict[str, Any]]) -> None:
    local_index = "ferretdbVersion" in known.client.server_info()
    known.articles.update_many({}, {"$unset": {"terms": "", "terms_version": ""}})
    if local_index:  # another tool changed the store behind the local index: `db check` says so
        check = run_cli(["db", "check"], cli_env)
        assert check.returncode == 1, check.stdout + check.stderr
        assert "changed since indexed" in check.stdout and "newsarchive reindex" in check.stdout
    else:
        stale = search(cli_env, "东营")
        assert stale.returncode == 1 and "newsarchive reindex" in stale.stderr
    result = run_cli(["reindex"], cli_env)
    assert result.returncode == 0, result.stderr
    assert "7 articles reindexed" in result.stdout
    assert search(cli_env, "东营").returncode == 0
    assert "0 articles reindexed" in run_cli(["reindex"], cli_env).stdout
    if local_index:
        check = run_cli(["db", "check"], cli_env)
        assert check.returncode == 0 and "agrees with the store" in check.stdout, check.stdout


def test_an_article_edited_by_another_tool_is_found_by_db_check_and_reindexed(
    cli_env: dict[str, str], known: Database[dict[str, Any]]
) -> None:
    """The search fields record the title and text they came from, so an edit made elsewhere shows."""
    edited = "http://dongying.test/dy1.htm"
    doc = known.articles.find_one({"_id": edited})
    known.articles.update_one(
        {"_id": edited},
        {"$set": {"title": "東營馬拉松報名開始", "text": doc["text"] + "\n东营马拉松将于春季举行。"}},
    )
    assert search(cli_env, "马拉松").returncode == 1  # the terms are still those of the old text
    check = run_cli(["db", "check"], cli_env)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "search fields not those of the article's title and text" in check.stdout
    assert f": 1: {edited}" in check.stdout
    result = run_cli(["reindex"], cli_env)
    assert result.returncode == 0, result.stderr
    assert "1 articles reindexed" in result.stdout
    found = search(cli_env, "马拉松", "--json")  # the traditional-script title is found in simplified
    assert [json.loads(line)["_id"] for line in found.stdout.splitlines()] == [edited]
    assert known.articles.find_one({"_id": edited})["title_simplified"] == "东营马拉松报名开始"
    check = run_cli(["db", "check"], cli_env)
    assert check.returncode == 0, check.stdout
