from __future__ import annotations

import gzip
import json

import typer
from typer.testing import CliRunner

from crawler.cli.extract import extract_command, extract_file
from tests.seed_pages import SEED_BYLINE, SEED_PARAGRAPHS, news_page

URL = "http://www.dezhoudaily.com/news/12345.html"


def cli() -> typer.Typer:
    """The command on a Typer app of its own (the project's app registers it the same way)."""
    app = typer.Typer()
    app.callback()(lambda: None)
    app.command("extract")(extract_command)
    return app


def test_extract_prints_one_json_object_per_file(tmp_path):
    page = news_page(SEED_PARAGRAPHS, inside=(SEED_BYLINE,)).encode("gbk").replace(b"utf-8", b"gbk")
    (tmp_path / "a.html").write_bytes(page)
    with gzip.open(tmp_path / "b.html.gz", "wb") as handle:
        handle.write(page)
    result = CliRunner().invoke(
        cli(), ["extract", str(tmp_path / "a.html"), str(tmp_path / "b.html.gz"), "--url", URL]
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["path"] for r in records] == [str(tmp_path / "a.html"), str(tmp_path / "b.html.gz")]
    assert records[0]["text"] == records[1]["text"]
    assert records[0]["authors"] == ["李懷蘋"]
    assert records[0]["encoding"] == "gb18030"
    assert records[0]["published_at"] == "2020-02-25T08:30:00+08:00"
    assert records[0]["site"] == "www-dezhoudaily-com"


def test_missing_file_is_reported_and_fails(tmp_path):
    result = CliRunner().invoke(cli(), ["extract", str(tmp_path / "nope.html")])
    assert result.exit_code == 1
    assert json.loads(result.output)["error"].startswith("cannot read")


def test_extract_file_without_url_uses_file_uri(tmp_path):
    (tmp_path / "a.html").write_text(news_page(SEED_PARAGRAPHS), encoding="utf-8")
    record = extract_file(tmp_path / "a.html")
    assert record["url"].startswith("file://")
    assert "連夜抽調456名機關干部" in record["text"]
