"""The Python API against the test database: every filter, paging, scripts, injection, get, iteration."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from crawler.archive import Archive
from crawler.search.query import QueryError
from crawler.search.reindex import reindex
from crawler.store import connect
from tests.known_archive import ARTICLES, ODD_AUTHOR, known_database, store_known

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pymongo.database import Database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def known_db(mongo_uri: str) -> Iterator[Database[dict[str, Any]]]:
    yield from known_database(mongo_uri, "archive")


@pytest.fixture(scope="module")
def archive(known_db: Database[dict[str, Any]]) -> Archive:
    return Archive(known_db)


def keys(results: list[dict[str, Any]]) -> list[str]:
    return [doc["_id"].rsplit("/", 1)[1].removesuffix(".htm") for doc in results]


def test_open_by_uri_and_close(mongo_uri: str, known_db: Database[dict[str, Any]]) -> None:
    with Archive.open(mongo_uri, known_db.name) as opened:
        assert opened.count() == len(ARTICLES)
    assert opened._client is None


def test_script_insensitive_both_ways(archive: Archive) -> None:
    assert keys(archive.search("东营")) == ["dy2", "dy1"]
    assert keys(archive.search("東營")) == ["dy2", "dy1"]
    assert keys(archive.search('"東營濕地"')) == ["dy2"]
    assert keys(archive.search('"东营湿地"')) == ["dy2"]


def test_every_term_must_match(archive: Archive) -> None:
    assert keys(archive.search("农田水利")) == ["demo1", "dy1"]
    assert keys(archive.search("农田水利 东营")) == ["dy1"]
    assert archive.search("农田水利 候鸟") == []


def test_latin_terms_ignore_case(archive: Archive) -> None:
    assert keys(archive.search("WETLAND delta")) == ["demo2"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"site": "dongying"}, ["dy2", "dy1"]),
        ({"site": ["demo", "dongying"]}, ["demo1", "demo2", "dy2", "dy1"]),
        ({"author": "王晓明"}, ["dy1"]),
        ({"author": ["李娜", "孙浩"]}, ["demo1", "dy2"]),
        ({"source": "东营日报"}, ["dy2", "dy1"]),
        ({"section": "经济"}, ["blank1", "odd1", "bare1"]),
        ({"since": "2026-11-23"}, ["blank1", "demo1", "odd1"]),
        ({"until": "2026-11-21"}, ["dy2", "dy1"]),
        ({"since": "2026-11-21", "until": "2026-11-22"}, ["demo2", "dy2"]),
        ({"since": "2026-11-21T09:00", "until": "2026-11-21T09:00:01"}, ["dy2"]),
    ],
)
def test_filters(archive: Archive, filters: dict[str, Any], expected: list[str]) -> None:
    assert keys(archive.search("", limit=50, **filters)) == expected
    assert archive.count("", **filters) == len(expected)


def test_filters_combine_with_terms(archive: Archive) -> None:
    assert keys(archive.search("水利", site="demo", author="赵敏", since="2026-11-25")) == ["demo1"]
    assert archive.search("水利", site="demo", author="王晓明") == []


def test_paging_is_stable_and_covers_everything(archive: Archive) -> None:
    everything = keys(archive.search("", limit=50))
    pages = [keys(archive.search("", limit=2, skip=skip)) for skip in range(0, 8, 2)]
    assert [k for page in pages for k in page] == everything
    assert len(everything) == len(ARTICLES)
    assert everything[-1] == "bare1"  # no date: last


def test_relevance_orders_by_matches_and_keeps_the_same_hits(archive: Archive) -> None:
    by_date = archive.search("水利", sort="date")
    by_relevance = archive.search("水利", sort="relevance")
    assert sorted(keys(by_date)) == sorted(keys(by_relevance))
    assert all(doc["score"] > 0 for doc in by_relevance)
    assert [d["score"] for d in by_relevance] == sorted((d["score"] for d in by_relevance), reverse=True)
    assert keys(archive.search("东营 湿地", sort="relevance")) == ["dy2"]
    assert (
        keys(archive.search("东营", sort="relevance", limit=1, skip=1))
        == keys(archive.search("东营", sort="relevance"))[1:2]
    )


@pytest.mark.parametrize(
    "text",
    ['{"$where": "sleep(1000) || true"}', "$ne", ".*", "[", "$regex", '{"$gt": ""}'],
)
def test_injection_attempts_find_only_literal_matches(archive: Archive, text: str) -> None:
    if text in (".*", "["):  # nothing but punctuation: refused, not "match everything"
        with pytest.raises(QueryError, match="nothing to search for"):
            archive.search(text)
    else:
        assert archive.search(text, limit=50) == []
    assert keys(archive.search(f'"{text}"', limit=50)) == (
        ["odd1"] if text in (".*", "[") else []
    )  # odd1 holds both literally
    assert archive.search("", site=text, limit=50) == []
    assert archive.search("", author=text, limit=50) == [] or text == ODD_AUTHOR


def test_regex_metacharacters_in_phrases_match_literally(archive: Archive) -> None:
    assert keys(archive.search('"(3.5%) [注]"')) == ["odd1"]
    assert keys(archive.search('"a+b=c"')) == ["odd1"]
    assert keys(archive.search('"$100.5"')) == ["odd1"]
    assert keys(archive.search('".*"')) == ["odd1"]  # the text holds ".*" literally
    assert archive.search('"a.b"') == []


def test_author_that_looks_like_an_operator_is_just_a_name(archive: Archive) -> None:
    assert keys(archive.search("", author=ODD_AUTHOR)) == ["odd1"]
    assert keys(archive.search("", source="$where")) == ["odd1"]


def test_non_string_filters_are_refused(archive: Archive) -> None:
    with pytest.raises(QueryError):
        archive.search("", author={"$gt": ""})  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        archive.search("", sort="newest")  # type: ignore[arg-type]


def test_results_are_plain_dicts_without_search_fields(archive: Archive) -> None:
    doc = archive.search("候鸟")[0]
    assert type(doc) is dict
    assert "terms" not in doc and "title_terms" not in doc
    assert doc["title"] == "東營濕地迎來候鳥高峰" and doc["published_at"].tzinfo is not None


def test_get_canonicalises_the_url(archive: Archive) -> None:
    doc = archive.get("HTTP://DONGYING.test:80/dy1.htm?utm_source=weixin#top")
    assert doc is not None and doc["_id"] == "http://dongying.test/dy1.htm"
    assert "terms" in doc
    assert archive.get("http://dongying.test/nothing.htm") is None


def test_iter_articles_streams_a_raw_filter(archive: Archive) -> None:
    found = list(archive.iter_articles({"site": "odd"}, {"title": 1}, batch_size=1))
    assert sorted(d["title"] for d in found) == sorted(a.title for a in ARTICLES if a.site == "odd")
    assert set(found[0]) == {"_id", "title"}


def test_loosen_counts_each_relaxation(archive: Archive) -> None:
    query = archive.query("东营 候鸟", site="demo")
    assert archive.search(query) == []
    assert dict(archive.loosen(query)) == {"the term 东营": 0, "the term 候鸟": 0, "--site demo": 1}


def test_reindex_backfills_articles_stored_without_search_fields(mongo_db: Database[dict[str, Any]]) -> None:
    store_known(mongo_db)
    stripped = {
        "terms": "",
        "title_terms": "",
        "terms_version": "",
        "title_simplified": "",
        "text_simplified": "",
    }
    mongo_db.articles.update_many({}, {"$unset": stripped})
    archive = Archive(mongo_db)
    index = archive.local_index
    if index is None:
        assert archive.search("東營") == []
    else:  # FerretDB: the raw update bypassed the local index, which reports the drift
        report, resync = index.drift(mongo_db.articles)
        assert len(report.changed) == len(resync) == len(ARTICLES)
    assert reindex(mongo_db.articles, batch=3, index=index) == len(ARTICLES)
    if index is not None:
        assert index.drift(mongo_db.articles)[0].clean
    assert keys(archive.search("東營")) == ["dy2", "dy1"]
    assert keys(archive.search('"东营湿地"')) == ["dy2"]
    assert reindex(mongo_db.articles) == 0
    assert reindex(mongo_db.articles, everything=True) == len(ARTICLES)


def test_capabilities_are_detected(archive: Archive, mongo_uri: str) -> None:
    info = connect(mongo_uri).server_info()
    assert archive.capabilities.text_search is ("ferretdbVersion" not in info)
