from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from crawler.archive.writer import open_store
from crawler.items import Article, content_hash
from crawler.store.articles import CHANGED, NEW, UNCHANGED

if TYPE_CHECKING:
    from pymongo.database import Database

T0 = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)


def article(n: int, text: str | None = None, site: str = "demo") -> Article:
    body = text or f"第{n}篇文章的正文。东营市今天召开会议，部署今冬明春农田水利建设。"
    return Article(
        url=f"http://a.cn/p/{n}.htm?utm_source=x",
        canonical_url=f"http://a.cn/p/{n}.htm",
        site=site,
        title=f"标题{n}",
        text=body,
        authors=["王晓明"],
        published_at=T0,
        fetched_at=T0,
        status=200,
        encoding="gb18030",
        content_hash=content_hash(f"标题{n}", body),
        quality={"a.b": 1, "$x": 2},
    )


def store_all(
    db: Database[dict[str, Any]], articles: list[Article], seen: datetime = T0, **kw: Any
) -> list[str]:
    store = open_store(db, **kw)
    store.ensure_indexes()
    store.load_known()
    outcomes = []
    for item in articles:
        outcomes.append(store.add(item, seen))
        if store.should_flush():
            store.flush()
    store.flush()
    return outcomes


def test_indexes_are_named_unique_and_idempotent(mongo_db: Database[dict[str, Any]]) -> None:
    store = open_store(mongo_db)
    store.ensure_indexes()
    store.ensure_indexes()
    indexes = {ix["name"]: ix for ix in mongo_db.articles.list_indexes()}
    assert indexes["canonical_url_unique"].get("unique") is True
    assert {"site_published", "published", "authors", "source", "site_last_seen"} <= set(indexes)


def test_second_run_stores_nothing_twice(mongo_db: Database[dict[str, Any]]) -> None:
    items = [article(n) for n in range(30)]
    assert store_all(mongo_db, items, insert_batch=7) == [NEW] * 30
    later = T0 + timedelta(hours=3)
    assert store_all(mongo_db, items, seen=later, update_batch=7) == [UNCHANGED] * 30
    assert mongo_db.articles.count_documents({}) == 30
    doc = mongo_db.articles.find_one({"_id": "http://a.cn/p/3.htm"})
    assert doc is not None
    assert doc["first_seen"] == T0 and doc["last_seen"] == later
    assert doc["version"] == 1 and doc["schema_version"] == 1


def test_changed_text_updates_and_counts_versions(mongo_db: Database[dict[str, Any]]) -> None:
    store_all(mongo_db, [article(1), article(2)])
    edited = article(1, text="第1篇文章的正文。更正：会议改在明天召开。")
    assert store_all(mongo_db, [edited, article(2)]) == [CHANGED, UNCHANGED]
    doc = mongo_db.articles.find_one({"_id": "http://a.cn/p/1.htm"})
    assert doc is not None
    assert doc["text"].endswith("明天召开。") and doc["version"] == 2
    assert doc["content_hash"] == edited.content_hash


def test_same_article_twice_in_one_crawl(mongo_db: Database[dict[str, Any]]) -> None:
    again = replace(article(5), url="http://a.cn/p/5.htm?from=rss")
    assert store_all(mongo_db, [article(5), again]) == [NEW, UNCHANGED]
    assert mongo_db.articles.count_documents({}) == 1


def test_concurrent_writer_duplicate_becomes_an_update(mongo_db: Database[dict[str, Any]]) -> None:
    first, second = open_store(mongo_db), open_store(mongo_db)
    first.add(article(9), T0)
    second.add(article(9, text="第9篇，另一个进程抓到的新版本。"), T0)
    first.flush()
    counts = second.flush()  # insert refused with code 11000, then compared and updated
    assert counts.errors == 0 and counts.updated == 1
    assert mongo_db.articles.count_documents({}) == 1
    assert mongo_db.articles.find_one({"_id": "http://a.cn/p/9.htm"})["version"] == 2


def test_many_changed_articles_are_sent_in_small_batches(mongo_db: Database[dict[str, Any]]) -> None:
    # 120 modifying updates in one command would wedge FerretDB 1.x; the store caps batches at 50.
    store_all(mongo_db, [article(n) for n in range(120)])
    outcomes = store_all(mongo_db, [article(n, text=f"改过的第{n}篇") for n in range(120)], update_batch=500)
    assert outcomes == [CHANGED] * 120
    assert mongo_db.articles.count_documents({"version": 2}) == 120


def test_page_data_is_sanitized_for_storage(mongo_db: Database[dict[str, Any]]) -> None:
    store_all(mongo_db, [article(7, text="正文\x00里有 NUL 字符")])
    doc = mongo_db.articles.find_one({"_id": "http://a.cn/p/7.htm"})
    assert doc is not None
    assert "\x00" not in doc["text"]
    assert doc["quality"] == {"a_b": 1, "x": 2}


def test_load_known_is_per_site(mongo_db: Database[dict[str, Any]]) -> None:
    store_all(mongo_db, [article(1), article(2, site="other")])
    store = open_store(mongo_db)
    assert store.load_known("demo") == 1


def test_a_slow_crawl_still_flushes_after_max_delay(mongo_db: Database[dict[str, Any]]) -> None:
    store = open_store(mongo_db, insert_batch=100, max_delay=0.0)
    assert not store.should_flush()  # nothing buffered
    store.add(article(1), T0)
    assert store.should_flush()  # one article, but it may not wait
    store.flush()
    assert mongo_db.articles.count_documents({}) == 1
    patient = open_store(mongo_db, insert_batch=100, max_delay=3600)
    patient.add(article(2), T0)
    assert not patient.should_flush()


def test_crawls_starting_together_on_a_new_database_both_get_their_indexes(
    mongo_uri: str, database_name: str
) -> None:
    """FerretDB drops a connection when two clients create indexes on a new collection at once."""
    import threading

    from crawler.store import CrawlRuns, connect

    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def start_a_crawl() -> None:
        client = connect(mongo_uri)
        try:
            barrier.wait()
            open_store(client[database_name]).ensure_indexes()
            CrawlRuns(client[database_name]).ensure_indexes()
        except BaseException as exc:
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=start_a_crawl) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    client = connect(mongo_uri)
    try:
        assert errors == []
        assert "canonical_url_unique" in {ix["name"] for ix in client[database_name].articles.list_indexes()}
    finally:
        client.drop_database(database_name)
        client.close()


def test_two_changes_of_one_article_in_one_batch_keep_every_version(
    mongo_db: Database[dict[str, Any]],
) -> None:
    texts = [f"第{v}版的正文。东营市今天召开会议，部署今冬明春农田水利建设。" for v in (1, 2, 3)]
    store_all(mongo_db, [article(1, texts[0])])
    store = open_store(mongo_db)
    store.load_known()
    assert [store.add(article(1, text), T0 + timedelta(hours=v)) for v, text in enumerate(texts[1:], 1)] == [
        CHANGED,
        CHANGED,
    ]
    store.flush()
    doc = mongo_db.articles.find_one()
    assert doc is not None and doc["version"] == 3 and doc["text"] == texts[2]
    versions = {v["version"]: v["text"] for v in mongo_db.article_versions.find()}
    assert versions == {1: texts[0], 2: texts[1]}
    assert [h["version"] for h in doc["history"]] == [1, 2]


def test_articles_claiming_one_canonical_url_in_one_batch_stay_apart(
    mongo_db: Database[dict[str, Any]],
) -> None:
    def claiming(n: int) -> Article:
        return replace(article(n), url=f"http://a.cn/p/{n}.htm", canonical_url="http://a.cn/p/landing.htm")

    items = [claiming(n) for n in (1, 2, 3)]
    assert store_all(mongo_db, items) == [NEW, NEW, NEW]
    docs = {d["url"]: d for d in mongo_db.articles.find()}
    assert len(docs) == 3 and all(d["version"] == 1 for d in docs.values())
    assert [items[n].canonical_ignored for n in (0, 1, 2)] == [None, "claimed", "claimed"]
    assert docs["http://a.cn/p/2.htm"]["_id"] == "http://a.cn/p/2.htm"
    assert mongo_db.article_versions.count_documents({}) == 0


def test_a_page_whose_url_another_article_declared_canonical_is_stored_as_itself(
    mongo_db: Database[dict[str, Any]],
) -> None:
    claimer = replace(article(1), url="http://a.cn/p/1.htm", canonical_url="http://a.cn/p/9.htm")
    page = replace(article(9), url="http://a.cn/p/9.htm", canonical_url="http://a.cn/p/9.htm")
    assert store_all(mongo_db, [claimer, page]) == [NEW, NEW]
    assert {d["_id"]: d["url"] for d in mongo_db.articles.find()} == {
        "http://a.cn/p/9.htm": "http://a.cn/p/1.htm",
        "http://a.cn/p/9.htm#own": "http://a.cn/p/9.htm",
    }
    again = [replace(page), replace(claimer)]
    assert store_all(mongo_db, again, T0 + timedelta(days=1)) == [UNCHANGED, UNCHANGED]
    assert mongo_db.articles.count_documents({}) == 2


def test_a_case_variant_is_the_same_article_only_with_the_same_text(
    mongo_db: Database[dict[str, Any]],
) -> None:
    first = replace(article(1), url="http://a.cn/News/1.htm", canonical_url="http://a.cn/News/1.htm")
    same = replace(article(1), url="http://a.cn/NEWS/1.HTM", canonical_url="http://a.cn/NEWS/1.HTM")
    other = replace(article(2), url="http://a.cn/news/1.htm", canonical_url="http://a.cn/news/1.htm")
    assert store_all(mongo_db, [first, same, other]) == [NEW, UNCHANGED, NEW]
    assert sorted(d["_id"] for d in mongo_db.articles.find()) == [
        "http://a.cn/News/1.htm",
        "http://a.cn/news/1.htm",
    ]
