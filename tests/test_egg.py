"""The project as a scrapyd egg: scrapyd's own runner finds the settings and crawls into the archive."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from typing import TYPE_CHECKING

import pytest

from crawler.demo.server import serve
from crawler.project.egg import build_egg
from crawler.store import connect

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration


def test_egg_contents(tmp_path: Path) -> None:
    egg = tmp_path / "newsarchive.egg"
    build_egg(egg)
    names = set(zipfile.ZipFile(egg).namelist())
    assert {
        "crawler/settings.py",
        "spiders/news.py",
        "pipelines/articles.py",
        "crawler/profiles/sites/demo.yaml",
        "EGG-INFO/entry_points.txt",
    } <= names
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]
    assert "settings = crawler.settings" in zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode()


def test_scrapyd_runner_crawls_from_the_egg(tmp_path: Path, mongo_uri: str, database_name: str) -> None:
    pytest.importorskip("scrapyd", reason="scrapyd is a test dependency (pyproject [test])")
    eggs = tmp_path / "eggs" / "newsarchive"
    eggs.mkdir(parents=True)
    build_egg(eggs / "r1.egg")
    work = tmp_path / "scrapyd-home"  # no scrapy.cfg, no checkout: only the egg
    work.mkdir()
    (work / "scrapyd.conf").write_text(f"[scrapyd]\neggs_dir = {tmp_path / 'eggs'}\n", encoding="utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MONGO_", "NEWSARCHIVE_", "SCRAPY_", "PYTHON"))
    }
    env.update(
        SCRAPY_PROJECT="newsarchive",
        MONGO_URI=mongo_uri,
        MONGO_DATABASE=database_name,
        NEWSARCHIVE_HOME=str(work),
    )
    server, url = serve(port=0)
    try:
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "import scrapyd.runner as r, os; r.activate_egg(os.environ['EGG']);"
                "import crawler, spiders; print(crawler.__file__, spiders.__file__)",
            ],
            cwd=work,
            env={**env, "EGG": str(eggs / "r1.egg")},
            capture_output=True,
            text=True,
            check=False,
        )
        assert probe.stdout.count("r1.egg") == 2, probe.stdout + probe.stderr  # imported from the egg itself
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapyd.runner",
                "crawl",
                "news",
                "-a",
                "site=demo",
                "-a",
                f"base_url={url}",
                "-s",
                "DOWNLOAD_DELAY=0",
                "-s",
                "CLOSESPIDER_ITEMCOUNT=4",
                "-s",
                "PROGRESS_LIVE=false",
            ],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
    finally:
        server.stop()
    client = connect(mongo_uri)
    try:
        assert client[database_name].articles.count_documents({"site": "demo"}) >= 4
        assert (work / "var" / "warc" / "demo").is_dir()
    finally:
        client.drop_database(database_name)
        client.close()
