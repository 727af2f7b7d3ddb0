"""A site crawled from a profile file outside the profile folders: distributed, re-extracted, scheduled.

The archive keeps the profile each site was crawled with (collection site_profiles), so the
commands that later name the site find it, and say so when the file changed since.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from crawler.demo.content import ARTICLES
from crawler.localdb import free_port
from crawler.profiles.loader import BUNDLED_DIR
from crawler.store import connect
from tests.conftest import FAST_CRAWL, cli_environment, run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pymongo.database import Database

pytestmark = pytest.mark.integration


def write_profile(folder: Path, base_url: str) -> Path:
    """The demo profile as a user's own file: another name, the served address, a schedule."""
    text = BUNDLED_DIR.joinpath("demo.yaml").read_text(encoding="utf-8")
    text = text.replace("name: demo", "name: mysite").replace("http://127.0.0.1:8642/", base_url)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mysite.yaml"
    path.write_text(text + "schedule: {every_minutes: 0.01}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def crawled(
    demo_url: str, mongo_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """One crawl of ./elsewhere/mysite.yaml (not in any profile folder) into a database of its own."""
    name = f"t_profile_files_{free_port()}"
    work = tmp_path_factory.mktemp("profile-files")
    path = write_profile(work / "elsewhere", demo_url)
    env = cli_environment(mongo_uri, name, work / "var")
    first = run_cli(["crawl", str(path), *FAST_CRAWL], env)
    client = connect(mongo_uri)
    try:
        yield {"first": first, "path": path, "env": env, "db": client[name]}
    finally:
        client.drop_database(name)
        client.close()


def test_the_archive_keeps_the_profile_a_site_was_crawled_with(crawled: dict[str, Any]) -> None:
    assert crawled["first"].returncode == 0, crawled["first"].stderr[-3000:]
    db: Database = crawled["db"]
    assert db.articles.count_documents({"site": "mysite"}) == len(ARTICLES)
    kept = db.site_profiles.find_one({"_id": "mysite"})
    assert kept["source"] == str(crawled["path"])
    assert kept["profile"]["name"] == "mysite"
    assert kept["profile"]["boilerplate_patterns"][0] == "^鲁北演示新闻网版权与免责声明"


def test_schedule_of_a_site_crawled_from_a_file(crawled: dict[str, Any]) -> None:
    result = run_cli(["schedule", "mysite", "--max-runs", "1"], crawled["env"])
    assert result.returncode == 0, result.stderr[-3000:]
    assert "scheduler: started mysite" in result.stderr
    runs = list(crawled["db"].crawl_runs.find({"site": "mysite"}))
    assert len(runs) == 2 and all(r["status"] == "finished" for r in runs), runs


def test_reextract_of_a_site_crawled_from_a_file(crawled: dict[str, Any]) -> None:
    result = run_cli(["reextract", "--site", "mysite"], crawled["env"])
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert f"{len(ARTICLES)} articles: 0 changed (new versions), {len(ARTICLES)} unchanged" in result.stdout
    assert "0 failed" in result.stdout
    assert "note:" not in result.stderr


def test_a_changed_or_lost_file_is_said_and_the_archive_copy_serves(crawled: dict[str, Any]) -> None:
    path: Path = crawled["path"]
    path.write_text(path.read_text(encoding="utf-8").replace("max_list_pages: 10", "max_list_pages: 9"))
    changed = run_cli(["reextract", "--site", "mysite"], crawled["env"])
    assert changed.returncode == 0, changed.stderr[-3000:]
    assert f"note: mysite: {path} differs from the profile the site was last crawled" in changed.stderr
    assert "using the file" in changed.stderr

    path.unlink()
    lost = run_cli(["reextract", "--site", "mysite"], crawled["env"])
    assert lost.returncode == 0, lost.stderr[-3000:]
    assert "0 failed" in lost.stdout
    assert "using the profile kept in the archive" in lost.stderr
    assert f"its file {path} is gone" in lost.stderr
    schedule = run_cli(["schedule", "mysite", "--max-runs", "1"], crawled["env"])
    assert schedule.returncode == 2
    assert "put the profile back in a file" in schedule.stderr


def test_a_distributed_crawl_of_a_profile_file(
    demo_url: str, redis_url: str, mongo_uri: str, mongo_db: Database, tmp_path: Path
) -> None:
    path = write_profile(tmp_path / "elsewhere", demo_url)
    env = cli_environment(mongo_uri, mongo_db.name, tmp_path / "var")
    result = run_cli(["crawl", str(path), "--frontier", redis_url, *FAST_CRAWL], env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "no profile named" not in result.stderr
    assert mongo_db.articles.count_documents({"site": "mysite"}) == len(ARTICLES)
    (run,) = mongo_db.crawl_runs.find()
    assert run["distributed"] is True and run["status"] == "finished"
    status = run_cli(["frontier", "status", "mysite", "--frontier", redis_url], env)
    assert status.returncode == 0, status.stderr
