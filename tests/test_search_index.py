"""The local search index against the store: same answers as a full scan, kept in step by every write.

The reference is the full scan: the same search run by the server alone (`Archive` without a
local index), and for relevance ranking.top_by_score over every matching document, which is
what the scan path computes on FerretDB.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.archive import RANKING_FIELDS, Archive
from crawler.archive.writer import open_store
from crawler.derived.fields import search_fields
from crawler.extract.article import content_hash
from crawler.items import Article, PageVisit
from crawler.search.index import MODE_ENV, SearchIndex, occurrence_counts
from crawler.search.query import parse_query
from crawler.search.ranking import top_by_score
from crawler.store import ArticleStore, connect
from tests.conftest import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pymongo.database import Database

pytestmark = pytest.mark.integration

SEEN = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
WORDS = ["东营", "黄河", "湿地", "水利", "农田", "候鸟", "乡村振兴", "光伏", "学校", "医院", "政府", "会议"]
SITES = ["dongying", "dezhou", "binzhou"]
AUTHORS = ["王晓明", "李娜", '{"$gt": ""}', "赵敏"]
SOURCES = ["东营日报", "新华社", "$where", None]
SECTIONS = ["本地", "经济", "生态"]


def make_article(n: int, rng: random.Random) -> Article:
    """Article n: a few sentences of WORDS (some in traditional script, some English), varied metadata."""
    sentences = []
    for _ in range(rng.randint(1, 6)):
        picked = rng.sample(WORDS, 3)
        sentences.append(f"{picked[0]}市{picked[1]}工作推进{picked[2]}建设。")
    text = "".join(sentences)
    title = rng.choice(WORDS) + "新闻" + rng.choice(WORDS)
    if n % 9 == 0:
        text += " The Yellow River DELTA wetland (a+b=c) [注] 50%."
    if n % 7 == 0:
        title = title.replace("东营", "東營").replace("湿地", "濕地")
        text = text.replace("东营", "東營").replace("湿地", "濕地")
    site = SITES[n % len(SITES)]
    url = f"http://{site}.test/a{n}.htm"
    # Few distinct dates: ties are broken by _id, as on the server.
    published = None if n % 11 == 0 else SEEN - timedelta(days=rng.randint(0, 20), hours=rng.choice([0, 5]))
    return Article(
        url=url,
        canonical_url=url,
        site=site,
        title=title,
        text=text,
        authors=rng.sample(AUTHORS, rng.randint(0, 2)),
        source=rng.choice(SOURCES),
        section=rng.choice(SECTIONS),
        published_at=published,
        content_hash=content_hash(title, text),
        fetched_at=SEEN,
        status=200,
    )


ARTICLE_COUNT = 120


def fill(db: Database[dict[str, Any]], count: int = ARTICLE_COUNT) -> ArticleStore:
    store = open_store(db, insert_batch=40)
    store.ensure_indexes()
    store.load_known()
    rng = random.Random(11)
    for n in range(count):
        store.add(make_article(n, rng), SEEN)
        if store.should_flush():
            store.flush()
    store.flush()
    return store


@pytest.fixture
def local_index(tmp_path: Path) -> Iterator[SearchIndex]:
    index = SearchIndex(tmp_path / "index.sqlite")
    yield index
    index.close()


@pytest.fixture(scope="module")
def indexed(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, Archive]]:
    """(archive answering from the local index, the same archive answering by the server alone)."""
    client = connect(mongo_uri)
    db = client[f"t_search_index_{uuid.uuid4().hex[:6]}"]
    fill(db)
    index = SearchIndex.for_database(db)
    if index is None:  # MongoDB: no local index by default; build one to compare all the same
        index = SearchIndex(tmp_path_factory.mktemp("index") / "index.sqlite")
        index.rebuild(db.articles)
    assert index.complete and len(index) == ARTICLE_COUNT
    os.environ[MODE_ENV] = "off"
    try:
        scan = Archive(db)
        assert scan.local_index is None
    finally:
        os.environ.pop(MODE_ENV)
    try:
        yield Archive(db, search_index=index), scan
    finally:
        index.close()
        client.drop_database(db.name)
        client.close()


def ids(results: list[dict[str, Any]]) -> list[str]:
    return [doc["_id"] for doc in results]


def reference_ranking(archive: Archive, text: str, limit: int, skip: int, **filters: Any) -> list[Any]:
    query = archive.query(text, **filters)
    with archive.articles.find(query.filter(), RANKING_FIELDS) as cursor:
        best = top_by_score(cursor, query.needles, skip + limit)[skip:]
    return [(doc["_id"], doc["score"]) for doc in best]


QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("东营", {}),
    ("東營", {}),
    ("黄河 湿地", {}),
    ("湿地 东营 水利", {}),
    ('"乡村振兴"', {}),
    ('"東營市"', {}),
    ('"东营"', {}),  # two characters: trigram prefixes
    ('"营"', {}),  # one character
    ('"DELTA wetland"', {}),
    ('"(a+b=c) [注]"', {}),
    ("wetland", {}),
    ("", {"site": "dezhou"}),
    ("", {"site": ["dezhou", "binzhou"], "since": "2026-11-15"}),
    ("东营", {"since": "2026-11-10", "until": "2026-11-20"}),
    ("", {"author": "王晓明"}),
    ("", {"author": ['{"$gt": ""}', "赵敏"]}),
    ("", {"source": "$where"}),
    ("水利", {"section": "经济"}),
    ("", {}),
    ("候鸟 光伏 学校", {"site": "dongying", "author": "李娜"}),
]


@pytest.mark.parametrize(("text", "filters"), QUERIES)
def test_date_order_pages_and_counts_equal_the_full_scan(
    indexed: tuple[Archive, Archive], text: str, filters: dict[str, Any]
) -> None:
    archive, scan = indexed
    rows = scan.search(text, limit=500, **filters)
    everything = ids(rows)
    # The index's result rows (read from the index alone) are the store's, field for field.
    assert archive.search(text, limit=500, **filters) == rows
    assert archive.count(text, **filters) == len(everything) == scan.count(text, **filters)
    for skip in (0, 7, len(everything) - 3):  # deep pages too
        page = ids(archive.search(text, limit=7, skip=max(skip, 0), **filters))
        assert page == everything[max(skip, 0) : max(skip, 0) + 7]


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("东营", {}),  # one term: its title classes, best bound first
        ("黄河 湿地", {}),  # several terms: 2^n title classes
        ("湿地 东营 水利", {}),
        ("东营 黄河 湿地 水利", {}),
        ("东营 黄河 湿地 水利 农田 候鸟 学校", {}),  # more marked terms than classes: every hit scored
        ("东营 黄河 湿地 学校", {"site": ["dongying", "dezhou"]}),
        ("东营 黄河", {"since": "2026-11-12", "author": ["王晓明", "李娜"]}),
        ("水利", {"site": "dezhou"}),
        ('东营 "乡村振兴"', {}),  # a phrase: its part bounded by a term inside it
        ('"东营"', {}),  # a phrase that is a stored term: its part exact
        ('"乡村振兴"', {"site": "dezhou"}),
        ('"营市"', {}),  # 营市 inside 东营市 is not segmented as 市: hits without the bounding term
        ('黄河 "营市"', {}),
        ('"新闻东营" "湿地"', {"since": "2026-11-12"}),
        ('"delta wetland"', {}),
        ("wetland", {}),
    ],
)
def test_relevance_equals_the_full_scan_scores(
    indexed: tuple[Archive, Archive], text: str, filters: dict[str, Any]
) -> None:
    archive, scan = indexed
    expected = reference_ranking(archive, text, 500, 0, **filters)
    assert expected, "the query should have hits"
    found = archive.search(text, sort="relevance", limit=500, **filters)
    assert [(doc["_id"], doc["score"]) for doc in found] == expected
    by_id = {doc["_id"]: doc for doc in scan.search(text, limit=500, **filters)}
    assert [{k: v for k, v in doc.items() if k != "score"} for doc in found] == [by_id[d] for d in ids(found)]
    for skip, limit in ((0, 5), (5, 5), (3, 1), (17, 3), (len(expected) - 2, 5)):
        page = archive.search(text, sort="relevance", limit=limit, skip=max(skip, 0), **filters)
        assert [(d["_id"], d["score"]) for d in page] == expected[max(skip, 0) : max(skip, 0) + limit]
        assert page == [row for row in found if row["_id"] in ids(page)]


def test_phrase_hits_without_the_bounding_term_are_scored(local_index: SearchIndex) -> None:
    # 营市 is bounded by the term 市, which "东营市" alone does not give (it segments as 东营/东营市).
    texts = [
        "东营市黄河工作推进湿地建设。",
        "黄河市学校建设。东营市会议。东营市光伏。",
        "学校市医院建设。",
        "东营市东营市。",
    ]
    docs = []
    for n, text in enumerate(texts):
        doc = {"_id": f"d{n}", "site": "s", "title": f"新闻{n}", "text": text, "content_hash": str(n)}
        doc["published_at"] = SEEN - timedelta(days=n)
        docs.append({**doc, **search_fields(doc)})
    local_index.put(docs)
    query = parse_query('"营市"')
    needles = local_index._marked_needles(query)
    assert needles is not None and bytes.fromhex(needles[0].code).decode() == "市" and not needles[0].exact
    matches = [local_index._phrase_match(phrase) for phrase in query.phrases]
    assert [key for _, key, _ in local_index._unmarked(query, needles, matches)] == ["d0", "d3"]
    expected = [
        (doc["_id"], doc["score"]) for doc in top_by_score([docs[0], docs[1], docs[3]], query.needles, 3)
    ]
    assert local_index.ranked(query, limit=3) == expected
    assert local_index.ranked(query, limit=1, skip=1) == expected[1:2]


def test_full_results_are_the_stored_articles(indexed: tuple[Archive, Archive]) -> None:
    archive, _ = indexed
    rows = archive.search("黄河", sort="relevance", limit=5)
    full = archive.search("黄河", sort="relevance", limit=5, full=True)
    assert ids(full) == ids(rows) and [d["score"] for d in full] == [d["score"] for d in rows]
    stored = {doc["_id"]: doc for doc in archive.articles.find({"_id": {"$in": ids(rows)}}, {"terms": 0})}
    for doc in full:
        assert {k: v for k, v in doc.items() if k not in ("score", "title_terms")} == {
            k: v for k, v in stored[doc["_id"]].items() if k != "title_terms"
        }
    assert archive.fetch(ids(rows)) == [{k: v for k, v in d.items() if k != "score"} for d in full]


def test_script_insensitive_through_the_index(indexed: tuple[Archive, Archive]) -> None:
    archive, _ = indexed
    simplified = ids(archive.search("东营 湿地", limit=500))
    assert simplified and ids(archive.search("東營 濕地", limit=500)) == simplified
    traditional_pages = [doc for doc in archive.search('"東營市"', limit=500) if "東營" in doc["text"]]
    assert traditional_pages, "articles stored in traditional script are found by either script"


@pytest.mark.parametrize(
    "text",
    [
        '"a" OR "b"',
        "东营 OR 黄河",
        "NEAR(东营 黄河)",
        '"title:东营"',
        "东营*",
        '"乡村"*',
        "-东营",
        "^东营",
        '""""',
        '"\'); DROP TABLE docs; --"',
        "e4b89ce890a5",
    ],
)
def test_query_syntax_of_the_index_is_never_interpreted(indexed: tuple[Archive, Archive], text: str) -> None:
    archive, scan = indexed
    try:
        expected = ids(scan.search(text, limit=500))
    except Exception as exc:  # the parser refuses it for both
        with pytest.raises(type(exc)):
            archive.search(text, limit=500)
        return
    assert ids(archive.search(text, limit=500)) == expected
    assert archive.count(text) == len(expected)


def test_updates_gone_restored_and_deletions(mongo_db: Database[dict[str, Any]]) -> None:
    store = fill(mongo_db, 30)
    index = store.search_index or SearchIndex.for_database(mongo_db)
    if index is None:
        pytest.skip("no local search index on this server")
    rng = random.Random(5)
    changed = make_article(3, rng)
    changed.text = "全新内容：候鸟保护区开放日。"
    changed.content_hash = content_hash(changed.title, changed.text)
    store.add(changed, SEEN + timedelta(days=1))
    gone_url = "http://dezhou.test/a4.htm"
    store.add_visit(PageVisit(url=gone_url, site="dezhou", kind="gone", status=404, fetched_at=SEEN))
    store.flush()
    archive = Archive(mongo_db, search_index=index)
    hits = ids(archive.search('"候鸟保护区开放日"'))
    assert hits == [changed.canonical_url]
    assert index.drift(mongo_db.articles)[0].clean
    assert archive.search("保护区")[0]["text"] == changed.text  # the result row changed with it
    # Changed again: the FTS rows of the content it replaced are deleted with it, not left behind.
    code = "保护区".encode().hex()
    assert index._conn.execute("SELECT doc FROM terms_rows WHERE term = ?", (code,)).fetchall() == [(1,)]
    changed.text = "第二次改写。"
    changed.content_hash = content_hash(changed.title, changed.text)
    store.add(changed, SEEN + timedelta(days=1, hours=1))
    store.flush()
    assert index._conn.execute("SELECT doc FROM terms_rows WHERE term = ?", (code,)).fetchall() == []
    stale = "SELECT rowid FROM phrases WHERE phrases MATCH ?"
    assert index._conn.execute(stale, ('"保护区开放"',)).fetchall() == []
    assert ids(archive.search('"第二次改写"')) == [changed.canonical_url]
    state = index._conn.execute("SELECT state FROM docs WHERE id = ?", (gone_url,)).fetchone()
    assert state == ("gone",)
    # Seen again: restored.
    restored = make_article(4, random.Random(0))
    restored.url = restored.canonical_url = gone_url
    store.add(restored, SEEN + timedelta(days=2))
    store.flush()
    assert index._conn.execute("SELECT state FROM docs WHERE id = ?", (gone_url,)).fetchone() == ("live",)
    assert index.drift(mongo_db.articles)[0].clean
    # Another tool deletes an article and inserts one: the drift check sees both, reindex resyncs.
    mongo_db.articles.delete_one({"_id": "http://binzhou.test/a5.htm"})
    other = {
        **mongo_db.articles.find_one({"_id": "http://dongying.test/a6.htm"}),
        "_id": "http://other.test/x",
        "canonical_url": "http://other.test/x",
    }
    mongo_db.articles.insert_one(other)
    report, _ = index.drift(mongo_db.articles)
    assert report.extra == ["http://binzhou.test/a5.htm"] and report.missing == ["http://other.test/x"]
    assert index.bring_up_to_date(mongo_db.articles) == ("synced", 2)
    assert index.drift(mongo_db.articles)[0].clean
    assert len(index) == 30


CRASHING_WRITER = """
import os, sys
from datetime import UTC, datetime
from crawler.search.index import SearchIndex
from crawler.archive.writer import open_store
from crawler.store import connect
from crawler.items import Article

client = connect(sys.argv[1])
store = open_store(client[sys.argv[2]])
store.load_known()
for n in range(5):
    url = f"http://crash.test/{n}.htm"
    store.add(Article(url=url, canonical_url=url, site="crash", title="崩溃测试" + str(n),
                      text="写入存储之后、写入索引之前进程被杀死。", content_hash=str(n),
                      fetched_at=datetime.now(UTC), status=200), datetime.now(UTC))
SearchIndex.commit = lambda *args, **kwargs: os._exit(9)  # the process dies right here
store.flush()
"""


def test_crash_between_store_write_and_index_write(
    mongo_db: Database[dict[str, Any]], mongo_uri: str
) -> None:
    fill(mongo_db, 10)
    index = SearchIndex.for_database(mongo_db)
    if index is None:
        pytest.skip("no local search index on this server")
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CRASHING_WRITER), mongo_uri, mongo_db.name],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 9, child.stderr
    stored = {d["_id"] for d in mongo_db.articles.find({"site": "crash"}, {"_id": 1})}
    assert len(stored) == 5  # the store write happened, the index write did not
    assert index.orphaned_intents() == sorted(stored)
    assert index.drift(mongo_db.articles)[0].missing
    index.close()
    archive = Archive(mongo_db)  # opening the index repairs what the dead writer left
    assert archive.local_index is not None
    assert set(ids(archive.search("崩溃测试", limit=50))) == stored
    assert archive.local_index.orphaned_intents() == []
    assert archive.local_index.drift(mongo_db.articles)[0].clean


CONCURRENT_WRITER = """
import sys
from datetime import UTC, datetime
from crawler.archive.writer import open_store
from crawler.store import connect
from crawler.items import Article

client = connect(sys.argv[1])
store = open_store(client[sys.argv[2]], insert_batch=5)
store.load_known()
for n in range(40):
    url = f"http://{sys.argv[3]}.test/{n}.htm"
    store.add(Article(url=url, canonical_url=url, site=sys.argv[3], title="并发写入",
                      text="两个进程同时写同一个档案。" + str(n), content_hash=str(n),
                      fetched_at=datetime.now(UTC), status=200), datetime.now(UTC))
    if store.should_flush():
        store.flush()
store.flush()
"""


def test_several_local_writers_at_once(mongo_db: Database[dict[str, Any]], mongo_uri: str) -> None:
    fill(mongo_db, 5)  # the index exists before the writers start
    if SearchIndex.for_database(mongo_db) is None:
        pytest.skip("no local search index on this server")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(CONCURRENT_WRITER), mongo_uri, mongo_db.name, site],
            cwd=ROOT,
            env=os.environ.copy(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for site in ("one", "two")
    ]
    for writer in writers:
        _, stderr = writer.communicate(timeout=300)
        assert writer.returncode == 0, stderr
    archive = Archive(mongo_db)
    assert archive.count("并发写入") == 80
    index = archive.local_index
    assert index is not None and index.drift(mongo_db.articles)[0].clean


def test_an_archive_without_an_index_is_searched_by_scan_until_reindexed(
    mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    fill(mongo_db, 12)
    if SearchIndex.for_database(mongo_db) is None:
        pytest.skip("no local search index on this server")
    before = os.environ["NEWSARCHIVE_SEARCH_INDEX"]
    os.environ["NEWSARCHIVE_SEARCH_INDEX"] = str(tmp_path / "elsewhere")  # as if the index file were lost
    try:
        archive = Archive(mongo_db)
        assert archive.local_index is None and archive.index_missing
        expected = ids(archive.search("东营", limit=50))
        # A crawl into an archive without an index does not start a partial one.
        assert fill(mongo_db, 3).search_index is None
        index = SearchIndex.for_database(mongo_db, create=True)
        assert index is not None and not index.complete
        assert index.bring_up_to_date(mongo_db.articles) == ("rebuilt", 12)
        assert ids(Archive(mongo_db).search("东营", limit=50)) == expected
    finally:
        os.environ["NEWSARCHIVE_SEARCH_INDEX"] = before


def test_rebuild_drops_garbage_and_keeps_answers(
    mongo_db: Database[dict[str, Any]], local_index: SearchIndex
) -> None:
    fill(mongo_db, 20)
    assert local_index.rebuild(mongo_db.articles) == 20
    archive = Archive(mongo_db, search_index=local_index)
    first = ids(archive.search("东营", limit=50))
    assert local_index.rebuild(mongo_db.articles) == 20
    assert ids(archive.search("东营", limit=50)) == first
    assert local_index.drift(mongo_db.articles)[0].clean


@given(
    text=st.text(alphabet="ab东营 ", max_size=200),
    terms=st.lists(st.text(alphabet="ab东营 ", min_size=1, max_size=4), max_size=20),
)
def test_occurrence_counts_are_exactly_str_count(text: str, terms: list[str]) -> None:
    assert occurrence_counts(text, terms) == {t: text.count(t) for t in terms}


def test_occurrence_counts_of_overlapping_and_nested_terms() -> None:
    text = "aa" * 100 + "东营市东营" * 30 + "aaa"
    terms = ["a", "aa", "aaa", "东营", "营市东", "市东营东", "东营市东营东营", "b"]
    assert occurrence_counts(text, terms) == {t: text.count(t) for t in terms}


def test_article_to_dict_is_asdict_with_copied_containers() -> None:
    from dataclasses import asdict

    article = Article(
        url="http://a.cn/1.htm",
        canonical_url="http://a.cn/1.htm",
        site="demo",
        authors=["张三"],
        quality={"removed": {"pinyin": 3}},
        warc=[{"file": "a.warc.gz", "offset": 0}],
        search={"terms": ["东营", "湿地"]},
        published_at=datetime(2026, 11, 29, tzinfo=UTC),
    )
    plain = article.to_dict()
    assert plain == asdict(article)
    plain["quality"]["removed"]["pinyin"] = 0
    plain["warc"][0]["offset"] = 9
    plain["search"]["terms"].append("x")
    plain["authors"].append("李四")
    assert article.quality == {"removed": {"pinyin": 3}} and article.warc[0]["offset"] == 0
    assert article.search["terms"] == ["东营", "湿地"] and article.authors == ["张三"]
