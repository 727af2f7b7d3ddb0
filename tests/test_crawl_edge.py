"""Bad input gets a clear error and loses nothing: crawl the edge resources of the demo server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from crawler.demo.edge import ENCODING_PAGES, MALFORMED_TITLE
from crawler.demo.server import serve
from crawler.store import connect
from tests.conftest import FAST_CRAWL, cli_environment, run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def edge_crawl(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:

    server, url = serve(port=0)
    name = "t_crawl_edge"
    env = cli_environment(mongo_uri, name, tmp_path_factory.mktemp("var"))
    try:
        result = run_cli(
            [
                "crawl",
                "edge",
                "--fail-on-warning",
                "--base-url",
                url,
                *FAST_CRAWL,
                "-s",
                "DOWNLOAD_MAXSIZE=5000000",
            ],
            env,
        )
    finally:
        server.stop()
    client = connect(mongo_uri)
    try:
        yield {
            "result": result,
            "log": result.stderr,
            "url": url,
            "docs": {d["_id"].removeprefix(url.rstrip("/")): d for d in client[name].articles.find()},
            "run": client[name].crawl_runs.find_one(),
        }
    finally:
        client.drop_database(name)
        client.close()


def test_the_crawl_finishes_despite_bad_pages(edge_crawl: dict[str, Any]) -> None:
    assert edge_crawl["run"]["status"] == "finished", edge_crawl["log"][-3000:]


def test_health_warnings_are_recorded_and_fail_the_run_for_cron(edge_crawl: dict[str, Any]) -> None:
    warnings = edge_crawl["run"]["health"]["warnings"]
    assert any("of article pages gave no text" in w for w in warnings)
    assert any("of fetches failed" in w for w in warnings)
    assert "health warning:" in edge_crawl["log"]
    assert edge_crawl["result"].returncode == 3


@pytest.mark.parametrize("page", ENCODING_PAGES, ids=lambda p: p.path.rsplit("/", 1)[-1])
def test_lying_and_missing_charsets_are_decoded(edge_crawl: dict[str, Any], page: Any) -> None:
    doc = edge_crawl["docs"][page.path]
    assert doc["title"] == page.title
    assert "\ufffd" not in doc["text"]
    assert page.paragraphs[0] in doc["text"]


def test_malformed_html_is_still_extracted(edge_crawl: dict[str, Any]) -> None:
    assert edge_crawl["docs"]["/edge/malformed.htm"]["title"] == MALFORMED_TITLE


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/edge/binary.htm", "no article text found at {url}edge/binary.htm"),
        ("/edge/empty.htm", "no article text found at {url}edge/empty.htm"),
        ("/edge/huge.htm", "could not fetch {url}edge/huge.htm"),
        (
            "/edge/loop-a.htm",
            "redirect loop: {url}edge/loop-a.htm -> {url}edge/loop-b.htm -> {url}edge/loop-a.htm",
        ),
        ("/edge/error-500.htm", "HTTP 500 for {url}edge/error-500.htm"),
    ],
)
def test_bad_pages_are_reported_by_url_and_not_stored(
    edge_crawl: dict[str, Any], path: str, message: str
) -> None:
    assert path not in edge_crawl["docs"]
    assert message.format(url=edge_crawl["url"]) in edge_crawl["log"]


def test_the_run_counts_the_errors(edge_crawl: dict[str, Any]) -> None:
    run = edge_crawl["run"]
    assert run["errors"] == 3  # huge, loop, 500 (binary and empty pages are drops, not errors)
    assert run["articles_dropped"] == 2
