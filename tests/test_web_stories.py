"""Reprints and trends as a user meets them: `newsarchive reprints`, `reindex --stories`, and `newsarchive web`
(the article page's other copies, the search page's chart, in a real Chromium), on the real local database.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import lxml.html
import pytest

from crawler.store import connect
from tests.conftest import cli_environment, run_cli
from tests.test_stories import T0, article, reprint, store, stories, text_of
from tests.test_web import chromium, request, web_server

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.integration

WIRE = text_of(100)


@pytest.fixture(scope="module")
def web(
    mongo_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Any, dict[str, str]]]:
    """An archive with one story on three sites and unrelated articles, and `newsarchive web` serving it."""
    tmp = tmp_path_factory.mktemp("web-stories")
    name = "t_web_stories"
    env = cli_environment(mongo_uri, name, tmp / "var")
    client = connect(mongo_uri)
    db = client[name]
    articles = [
        article("a1", WIRE, day=0),
        article("b1", reprint(WIRE), site="dezhou", day=1, title="黃河灌區冬春水利建設"),
        article("c1", WIRE + "\n（责任编辑：李楠）", site="dzwww", day=9),
        *(
            article(f"x{n}", text_of(200 + n), site=("dongying", "dezhou")[n % 2], day=n * 3)
            for n in range(8)
        ),
    ]
    store(db, articles)
    try:
        with web_server(env, tmp) as base:
            yield base, db, env
    finally:
        client.drop_database(name)
        client.close()


def test_the_article_page_lists_the_other_copies_first_one_first(
    web: tuple[str, Any, dict[str, str]],
) -> None:
    base, _, _ = web
    status, _, body = request(f"{base}/article?url=http://dzwww.example/c1.htm")
    assert status == 200
    page = lxml.html.fromstring(body.decode("utf-8"))
    rows = page.cssselect("section.reprints tr.copy")
    assert [r.cssselect("td")[2].text_content() for r in rows] == ["dongying", "dezhou", "dzwww"]
    assert rows[0].cssselect("td")[0].text_content() == "first"
    assert "this" in rows[2].get("class")
    assert [a.get("href") for a in page.cssselect("section.reprints a")] == [
        "/article?url=http%3A//dongying.example/a1.htm",
        "/article?url=http%3A//dezhou.example/b1.htm",
    ]
    status, _, body = request(f"{base}/article?url=http://dongying.example/x0.htm")
    alone = lxml.html.fromstring(body.decode("utf-8")).cssselect("section.reprints")[0].text_content()
    assert "Nowhere else in the archive" in alone


def test_the_search_page_charts_matches_per_period_and_site(web: tuple[str, Any, dict[str, str]]) -> None:
    base, db, _ = web
    status, _, body = request(f"{base}/search?q=%E9%BB%83%E6%B2%B3&by=day")  # 黃河, traditional script
    assert status == 200
    page = lxml.html.fromstring(body.decode("utf-8"))
    segments = page.cssselect("figure.trend rect.segment")
    hits = db.articles.count_documents({"terms": "黄河"})
    assert hits > 3
    counted = sum(int(s.get("data-label").rsplit(": ", 1)[1]) for s in segments)
    assert counted == hits
    legend = page.cssselect("figure.trend .legend")
    assert {span.text_content().split()[0] for span in legend} == {"dongying", "dezhou", "dzwww"}
    status, _, body = request(f"{base}/search?q=%E9%BB%84%E6%B2%B3&by=fortnight")
    assert status == 400 and b"by must be one of" in body


def test_chromium_draws_the_trend_chart(web: tuple[str, Any, dict[str, str]], tmp_path: Path) -> None:
    base, _, _ = web
    url = f"{base}/search?q=%E9%BB%84%E6%B2%B3&by=week"
    shot = tmp_path / "trend.png"
    chromium(["--window-size=1280,1200", f"--screenshot={shot}", url], tmp_path / "profile-shot")
    assert shot.stat().st_size > 10_000
    dom = lxml.html.fromstring(chromium(["--dump-dom", url], tmp_path / "profile-dom"))
    [figure] = dom.cssselect("figure.trend")
    labels = [s.get("data-label") for s in figure.cssselect("rect.segment")]
    assert labels and all(label.startswith("2026-W") for label in labels)
    assert all(float(s.get("height")) > 0 for s in figure.cssselect("rect.segment"))
    assert "Matching articles per week" in figure.text_content()


def test_cli_reprints_lists_stories_with_their_copies(web: tuple[str, Any, dict[str, str]]) -> None:
    _, db, env = web
    listed = run_cli(["reprints", "--json"], env)
    assert listed.returncode == 0, listed.stderr
    lines = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(lines) == 1
    [story] = lines
    assert story["story"] == stories(db)["a1"]
    assert story["copies"] == [
        {
            "url": "http://dongying.example/a1.htm",
            "site": "dongying",
            "published_at": "2026-11-20T02:00:00.000Z",
        },
        {"url": "http://dezhou.example/b1.htm", "site": "dezhou", "published_at": "2026-11-21T02:00:00.000Z"},
        {"url": "http://dzwww.example/c1.htm", "site": "dzwww", "published_at": "2026-11-29T02:00:00.000Z"},
    ]
    since = (T0 + timedelta(days=12)).date().isoformat()
    later = run_cli(["reprints", "--json", "--since", since], env)
    assert later.returncode == 0 and later.stdout == "" and "no story" in later.stderr
    table = run_cli(["reprints", "--site", "dezhou"], env)
    assert table.returncode == 0 and "1 story published more than once" in table.stdout
    assert "dzwww" in table.stdout and "dongying" in table.stdout  # every copy, not only dezhou's
    assert run_cli(["reprints", "--since", "soon"], env).returncode == 2


def test_export_carries_the_story(web: tuple[str, Any, dict[str, str]], tmp_path: Path) -> None:
    _, db, env = web
    out = tmp_path / "all.jsonl"
    done = run_cli(["export", "-f", "jsonl", "-o", str(out)], env)
    assert done.returncode == 0, done.stderr
    rows = {row["_id"]: row["story"] for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert rows == {doc["_id"]: doc["story"] for doc in db.articles.find({}, {"story": 1})}
    assert len(set(rows.values())) == len(rows) - 2  # three copies, one story


def test_reindex_stories_backfills_an_archive_stored_without(
    mongo_uri: str, database_name: str, tmp_path: Path
) -> None:
    env = cli_environment(mongo_uri, database_name, tmp_path / "var")
    client = connect(mongo_uri)
    db = client[database_name]
    try:
        store(db, [article("a1", WIRE), article("b1", reprint(WIRE), site="dezhou")], stories=False)
        assert run_cli(["reprints", "--json"], env).stdout == ""
        done = run_cli(["reindex", "--stories"], env)
        assert done.returncode == 0, done.stderr
        assert "2 articles given a story" in done.stdout
        found = stories(db)
        assert found["a1"] == found["b1"] is not None
        assert len(run_cli(["reprints", "--json"], env).stdout.splitlines()) == 1
        again = run_cli(["reindex", "--stories"], env)
        assert "0 articles given a story" in again.stdout
    finally:
        client.drop_database(database_name)
        client.close()
