"""The pymongo and DuckDB snippets of docs/search.md and the README's Python example run against the test server."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from crawler.store import connect
from tests.conftest import ROOT, cli_environment, run_cli
from tests.known_archive import known_database

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pymongo.database import Database

pytestmark = pytest.mark.integration

DOC = ROOT / "docs" / "search.md"
README = ROOT / "README.md"


def cookbook_blocks(path: Path = DOC) -> list[str]:
    """The ```python blocks of the cookbook section; the connecting line is left out (db is given)."""
    cookbook = path.read_text(encoding="utf-8").split("# Cookbook", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", cookbook, re.S)
    return ["\n".join(line for line in block.splitlines() if "MongoClient(" not in line) for block in blocks]


@pytest.fixture(scope="module")
def known_db(mongo_uri: str) -> Iterator[Database[dict[str, Any]]]:
    yield from known_database(mongo_uri, "docs")


def test_cookbook_snippets_run_and_find_the_known_articles(
    known_db: Database[dict[str, Any]], mongo_uri: str
) -> None:
    on_mongodb = "ferretdbVersion" not in connect(mongo_uri).server_info()
    blocks = cookbook_blocks()
    assert len(blocks) >= 11
    namespace: dict[str, Any] = {"db": known_db}
    ran = 0
    for block in blocks:
        if "# needs MongoDB" in block and not on_mongodb:
            continue
        exec(compile(block, str(DOC), "exec"), namespace)  # our own documentation
        ran += 1
    assert ran >= 10
    assert [doc["title"] for doc in namespace["by_author"]] == ["东营市启动冬春农田水利建设"]
    assert namespace["words"] == ["东营", "水利"] and len(namespace["hits"]) == 1
    assert [doc["title"] for doc in namespace["titled"]] == ["东营市启动冬春农田水利建设"]
    assert len(namespace["found"]) == 2
    assert {row["_id"]: row["articles"] for row in namespace["per_site"]} == {
        "odd": 3,
        "dongying": 2,
        "demo": 2,
    }
    assert namespace["per_day"][("dongying", "2026-11-20")] == 1
    assert namespace["top_words"][0] == {"_id": "东营", "articles": 2}
    assert (namespace["undated"], namespace["anonymous"]) == (1, 2)
    assert namespace["last_runs"] == [] and namespace["gone"] == [] and namespace["versions"] == []


def test_the_readme_python_example_runs(
    known_db: Database[dict[str, Any]],
    mongo_uri: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    [block] = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    monkeypatch.setenv("MONGO_URI", mongo_uri)
    monkeypatch.setenv("MONGO_DATABASE", known_db.name)
    namespace: dict[str, Any] = {}
    exec(compile(block, str(README), "exec"), namespace)  # our own documentation
    printed = capsys.readouterr().out.splitlines()
    assert printed and printed[0].endswith("我市今冬明春农田水利基本建设全面启动")
    assert namespace["article"]["title"] == "我市今冬明春农田水利基本建设全面启动"
    assert namespace["article"]["text"].startswith("鲁北市今冬明春")


def test_the_duckdb_query_runs_on_an_export(
    known_db: Database[dict[str, Any]],
    mongo_uri: str,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [block] = [
        b
        for b in re.findall(r"```py\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
        if "import duckdb" in b
    ]
    exported = run_cli(
        ["export", "-f", "parquet", "-o", str(tmp_path / "a.parquet")],
        cli_environment(mongo_uri, known_db.name, tmp_path / "var"),
    )
    assert exported.returncode == 0, exported.stderr
    capfd.readouterr()
    monkeypatch.chdir(tmp_path)  # the query reads 'a.parquet', as written
    exec(compile(block, str(DOC), "exec"), {})  # our own documentation
    table = capfd.readouterr().out
    assert "dongying" in table and "2026-11" in table
    assert "demo" not in table  # only 王晓明's articles


def test_the_python_api_example_runs(
    known_db: Database[dict[str, Any]], mongo_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = DOC.read_text(encoding="utf-8").split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"```python\n(.*?)```", section, re.S)
    monkeypatch.setenv("MONGO_URI", mongo_uri)
    monkeypatch.setenv("MONGO_DATABASE", known_db.name)
    namespace: dict[str, Any] = {}
    exec(compile(block, str(DOC), "exec"), namespace)  # our own documentation
    assert [doc["title"] for doc in namespace["hits"]] == ["东营市启动冬春农田水利建设"]
