"""Storage loses nothing and says so: refused documents, capped fields, visits, spill files re-imported."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from crawler.archive.writer import open_store
from crawler.cli.running import CrawlResult
from crawler.items import PageVisit, content_hash
from crawler.store import ArticleStore, connect
from crawler.store.documents import TEXT_LIMITS, article_document
from crawler.store.spill import read_spill
from tests.archive_session import SessionCrawl
from tests.test_store_articles import T0, article

if TYPE_CHECKING:
    from pathlib import Path

    from pymongo.database import Database

#: Over MongoDB's (and FerretDB's) 16 MiB per document.
HUGE = "长" * (6 * 1024 * 1024)


def _store(db: Database[dict[str, Any]]) -> ArticleStore:
    store = open_store(db)
    store.ensure_indexes()
    store.load_known()
    return store


def test_an_oversized_document_is_rejected_with_its_reason_and_the_batch_is_written(
    mongo_db: Database[dict[str, Any]],
) -> None:
    store = _store(mongo_db)
    big = article(2)
    store.add(article(1), T0)
    store.add_document({**_doc(big), "quality": {"raw": HUGE}})
    store.add(article(3), T0)
    counts = store.flush()
    assert (counts.inserted, counts.errors) == (2, 1)
    [rejected] = store.take_rejected()
    assert rejected.key == "http://a.cn/p/2.htm"
    assert "document too large" in rejected.reason
    assert store.pending == 0  # the buffer never sticks
    assert store.flush().errors == 0  # and later flushes work
    assert mongo_db.articles.count_documents({}) == 2


def test_documents_the_server_refuses_are_found_one_by_one(mongo_db: Database[dict[str, Any]]) -> None:
    """FerretDB refuses nested arrays: a write error in an insert batch, a broken reply to a bulk update."""
    store = _store(mongo_db)
    store.add(article(1), T0)
    store.add(article(2), T0)
    store.add_document({**_doc(article(3)), "quality": {"grid": [[1, 2]]}})
    counts = store.flush()
    if counts.errors == 0:
        pytest.skip("this server stores nested arrays (MongoDB): nothing to refuse")
    assert counts.inserted == 2
    assert "nested arrays" in store.take_rejected()[0].reason
    # a batch of updates with one refused: the others are still written
    store.add(article(1, text="第1篇改过的正文。" * 5), T0)
    store.add_document({**_doc(article(2, text="第2篇改过的正文。" * 5)), "quality": {"grid": [[1]]}})
    counts = store.flush()
    assert (counts.updated, counts.errors) == (1, 1)
    [rejected] = store.take_rejected()
    assert rejected.key == "http://a.cn/p/2.htm"
    assert rejected.doc is not None
    assert mongo_db.articles.find_one({"_id": "http://a.cn/p/1.htm"})["version"] == 2
    assert mongo_db.articles.find_one({"_id": "http://a.cn/p/2.htm"})["version"] == 1
    assert store.pending == 0


def test_over_long_text_is_capped_and_flagged(mongo_db: Database[dict[str, Any]]) -> None:
    """One huge multi-page article is stored (cut), not a poison pill for every run."""
    text = "这是一篇很长的文章。" * 50_000  # 500,000 characters
    store = _store(mongo_db)
    store.add(replace(article(1), text=text, content_hash=content_hash("t", text)), T0)
    assert store.flush().inserted == 1
    doc = mongo_db.articles.find_one({"_id": "http://a.cn/p/1.htm"})
    assert len(doc["text"]) == TEXT_LIMITS["text"]
    assert "text" in doc["quality"]["truncated"]


def _doc(item: Any) -> dict[str, Any]:
    return article_document(item, T0)


def test_refused_articles_and_visits_are_spilled_and_make_the_run_not_ok(
    mongo_uri: str, database_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSARCHIVE_VAR", str(tmp_path / "var"))
    crawl = SessionCrawl(mongo_uri, database_name).open()
    pipeline = crawl.pipeline
    try:
        pipeline.process_item(article(1))
        pipeline.process_item(replace(article(2), text="很长" * 200_000, content_hash="h"))  # cut to size
        pipeline.process_item(replace(article(3), quality={"raw": HUGE}))  # too large even so
        crawl.close()
        run = connect(mongo_uri)[database_name].crawl_runs.find_one()
    finally:
        _drop(mongo_uri, database_name)
    assert run["status"] == "failed"  # ran to its end, but one article was not stored
    stats = crawl.stats.get_stats()
    assert stats["store/inserted"] == 2  # 1, and 2 cut to size
    assert stats["store/write_errors"] == 1
    assert stats["store/rejected"] == 1
    [spill] = pipeline.spill_files
    assert spill.parent.name == "rejected"
    assert oct(spill.stat().st_mode & 0o777) == "0o600"
    [record] = read_spill(spill)
    assert record["_id"] == "http://a.cn/p/3.htm"
    assert "document too large" in record["_spill"]["reason"]
    result = CrawlResult({**stats, "finish_reason": "finished"}, bootstrap_failed=False)
    assert not result.ok


def test_the_next_run_stores_what_the_database_missed_visits_included(
    mongo_uri: str, database_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler.project.workdir import unsaved_dir
    from crawler.store.spill import pending_records, write_spill

    monkeypatch.setenv("NEWSARCHIVE_VAR", str(tmp_path / "var"))
    first = SessionCrawl(mongo_uri, database_name).open()
    first.pipeline.process_item(article(1))
    first.close()
    # what a crawl left when the database went away: a new article and a visit (gone) of the stored one
    gone = PageVisit(
        url="http://a.cn/p/1.htm", site="demo", kind="gone", status=404, fetched_at=T0, reason="x"
    )
    path = write_spill(pending_records([_doc(article(2)), gone]), unsaved_dir(), "demo")
    other_site = write_spill(pending_records([_doc(article(3))]), unsaved_dir(), "demo-other")

    second = SessionCrawl(mongo_uri, database_name).open()
    crawler = second.crawler
    try:
        second.close()
        client = connect(mongo_uri)
        db = client[database_name]
        assert not path.exists()
        assert other_site.exists()  # another site's file waits for that site
        assert crawler.stats.get_value("store/spill_imported") == 2
        assert db.articles.count_documents({}) == 2
        stored = db.articles.find_one({"_id": "http://a.cn/p/1.htm"})
        assert stored["state"] == "gone"
        assert stored["events"][0]["type"] == "gone"
        client.close()
    finally:
        _drop(mongo_uri, database_name)


def _drop(uri: str, name: str) -> None:
    client = connect(uri)
    client.drop_database(name)
    client.close()
