"""Paragraphs learned per site: counted while crawling, kept in the database, removed from later texts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from crawler.extract.learned import fingerprint
from crawler.store import connect
from tests.article_site import article_site, works_paragraphs
from tests.conftest import FAST_CRAWL, cli_environment, run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.integration

PROMO = "欢迎关注鲁北发布微信公众号，获取更多本地资讯和便民服务信息"
ARTICLES = 8


def _article(n: int) -> str:
    body = works_paragraphs(n)
    return (
        f"<html><head><meta charset='utf-8'><title>民生工程第{n}项</title></head><body><h1>民生工程第{n}项</h1>"
        f"<div class='info'>2026-11-{10 + n:02d} 08:00 来源：鲁北日报</div>"
        f"<div class='content'>{body}<p>{PROMO}</p></div></body></html>"
    )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with article_site(tmp_path, "learn", ARTICLES, _article) as served:
        yield served


def test_a_recurring_paragraph_is_learned_kept_and_removed(
    site: tuple[str, Path], mongo_uri: str, database_name: str, tmp_path: Path
) -> None:
    _, profiles = site
    env = cli_environment(mongo_uri, database_name, tmp_path / "var", profiles)
    learn = [
        "-s",
        "LEARN_MIN_ARTICLES=3",
        "-s",
        "LEARN_MIN_COUNT=3",
        "-s",
        "LEARN_MIN_SHARE=0.3",
        "-s",
        "CONCURRENT_REQUESTS=1",
        # Pages are extracted in parallel in worker processes; one page at a time in the scraper makes
        # the crawl sequential, so that learning visibly starts part-way through it.
        "-s",
        "SCRAPER_SLOT_MAX_ACTIVE_SIZE=1",
    ]
    client = connect(mongo_uri)
    db = client[database_name]
    try:
        first = run_cli(["crawl", "learn", *FAST_CRAWL, *learn], env)
        assert first.returncode == 0, first.stderr[-3000:]
        memory = db.boilerplate.find_one({"_id": "learn"})
        assert memory["articles"] == ARTICLES, first.stderr[-4000:]
        assert fingerprint(PROMO) in memory["learned"]
        texts = [d["text"] for d in db.articles.find()]
        assert len(texts) == ARTICLES
        assert 0 < sum(PROMO in t for t in texts) < ARTICLES  # learned part-way through the crawl

        again = run_cli(["crawl", "learn", "--full", *FAST_CRAWL, *learn], env)
        assert again.returncode == 0, again.stderr[-3000:]
        assert not [d["_id"] for d in db.articles.find() if PROMO in d["text"]]
        assert db.boilerplate.find_one({"_id": "learn"})["articles"] == ARTICLES  # each article counted once
        assert db.article_versions.count_documents({}) == sum(PROMO in t for t in texts)  # the old texts kept
    finally:
        client.drop_database(database_name)
        client.close()
