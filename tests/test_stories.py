"""Reprint detection on the real local database: signatures, stories as articles are stored, the backfill."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from crawler.archive.writer import open_store
from crawler.derived.signature import NUM_PERM, Signature, signature
from crawler.extract.script import _converter
from crawler.items import Article, content_hash
from crawler.search.index import MODE_ENV
from crawler.stories.index import StoryIndex
from crawler.stories.state import LocalStories, RemoteStories

if TYPE_CHECKING:
    from pymongo.database import Database

    from crawler.store import ArticleStore

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
#: Words of one topic (farm irrigation in Dongying): unrelated articles made of them share vocabulary.
WORDS = [
    "东营",
    "黄河",
    "水利",
    "农田",
    "建设",
    "冬春",
    "灌溉",
    "渠道",
    "小麦",
    "玉米",
    "农民",
    "合作社",
    "项目",
    "资金",
    "亿元",
    "工程",
    "县区",
    "乡镇",
    "村庄",
    "排涝",
    "泵站",
    "节水",
    "高标准",
    "农业",
    "生产",
    "丰收",
    "保障",
    "部署",
    "会议",
    "推进",
    "落实",
    "检查",
    "验收",
    "技术",
    "专家",
    "培训",
    "示范",
    "基地",
    "湿地",
    "生态",
    "保护",
    "治理",
    "盐碱地",
    "改良",
    "种植",
    "面积",
    "亩",
    "增产",
    "收入",
    "市场",
    "服务",
    "政策",
    "补贴",
]


def text_of(seed: int, paragraphs: int = 5) -> str:
    """An article of this topic, different for every seed."""
    rng = random.Random(seed)
    return "\n".join(
        "".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8)))
        + "，"
        + "".join(rng.choice(WORDS) for _ in range(rng.randint(20, 30)))
        + "。"
        for _ in range(paragraphs)
    )


def article(
    key: str, text: str, *, site: str = "dongying", day: int = 0, title: str = "黄河灌区冬春水利建设"
) -> Article:
    when = T0 + timedelta(days=day)
    return Article(
        url=f"http://{site}.example/{key}.htm",
        canonical_url=f"http://{site}.example/{key}.htm",
        site=site,
        title=title,
        text=text,
        published_at=when,
        fetched_at=when,
        status=200,
        content_hash=content_hash(title, text),
    )


def reprint(text: str) -> str:
    """Another portal's copy: last paragraph cut, an editor's note, traditional script."""
    paragraphs = text.split("\n")[:-1]
    return _converter("s2t").convert("\n".join(["编者按：本文转载自大众日报，有删节。", *paragraphs]))


def store(db: Database[dict[str, Any]], articles: list[Article], **kw: Any) -> ArticleStore:
    writer = open_store(db, **kw)
    writer.ensure_indexes()
    writer.load_known()
    for item in articles:
        writer.add(item, item.fetched_at or T0)
    writer.flush()
    writer.close()
    return writer


def stories(db: Database[dict[str, Any]]) -> dict[str, str]:
    return {
        doc["_id"].split("/")[-1].removesuffix(".htm"): doc.get("story")
        for doc in db.articles.find({}, {"story": 1})
    }


def test_signature_is_script_and_punctuation_insensitive_and_refuses_short_or_foreign_data() -> None:
    text = text_of(1)
    simplified = signature(text)
    assert simplified is not None
    assert signature(_converter("s2t").convert(text)) == simplified
    assert signature(text.replace("，", ", ").replace("。", ".\n\n")) == simplified
    assert simplified.similarity(signature(reprint(text))) >= 0.5  # type: ignore[arg-type]
    assert simplified.similarity(signature(text_of(2))) < 0.1  # type: ignore[arg-type]
    assert signature("东营黄河水利") is None  # a stub: too few shingles to compare
    assert Signature.from_bytes(simplified.to_bytes()) == simplified
    assert Signature.from_bytes(b"\x00" * 7) is None
    assert len(simplified.bands) == 32 and len(simplified.values) == NUM_PERM


@pytest.mark.parametrize("mode", ["auto", "off"])
def test_reprints_share_a_story_across_sites_and_restarts(
    mongo_db: Database[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """auto: the local SQLite state; off: the `story_bands`/`stories` collections (FerretDB, `_id` lookups)."""
    monkeypatch.setenv(MODE_ENV, mode)
    wire = text_of(10)
    first = [
        article("a1", wire, day=1),
        article("a2", text_of(11)),  # same topic, another article
        article("b1", reprint(wire), site="dezhou", title="黃河灌區冬春水利建設（圖）"),
    ]
    store(mongo_db, first)
    found = stories(mongo_db)
    assert found["a1"] == found["b1"]
    assert found["a2"] not in (None, found["a1"])

    # another crawl later (a new process in effect): the state was kept, a third copy joins
    store(
        mongo_db,
        [article("c1", wire + "\n（责任编辑：李楠）", site="dzwww", day=2), article("a3", text_of(12))],
    )
    found = stories(mongo_db)
    assert found["c1"] == found["a1"]
    assert len({found["a1"], found["a2"], found["a3"]}) == 3

    index = StoryIndex.for_database(mongo_db)
    try:
        assert isinstance(index.state, LocalStories if mode == "auto" else RemoteStories)
        copies = index.copies(found["a1"])
        assert [c["_id"].split("/")[-1].removesuffix(".htm") for c in copies] == [
            "b1",
            "a1",
            "c1",
        ]  # earliest publication first
        assert copies[0]["site"] == "dezhou" and copies[0]["url"] == "http://dezhou.example/b1.htm"
        listed = dict(index.reprinted())
        assert list(listed) == [found["a1"]]
        assert dict(index.reprinted(sites=["dzwww"])) == listed
        assert dict(index.reprinted(since=T0 + timedelta(days=3))) == {}
    finally:
        index.close()
    if mode == "off":
        assert mongo_db.story_bands.find_one({}) is not None
        assert "story" in {ix["name"] for ix in mongo_db.articles.list_indexes()}


def test_a_changed_article_keeps_its_story_and_no_signature_is_stored(
    mongo_db: Database[dict[str, Any]],
) -> None:
    wire = text_of(20)
    store(mongo_db, [article("a1", wire), article("b1", reprint(wire), site="dezhou")])
    before = stories(mongo_db)
    edited = article("a1", wire + "\n更正：原文数字有误，已更正。")
    store(mongo_db, [replace(edited, fetched_at=T0 + timedelta(days=1))])
    after = mongo_db.articles.find_one({"_id": "http://dongying.example/a1.htm"})
    assert after is not None and after["version"] == 2
    assert after["story"] == before["a1"] == before["b1"]
    assert mongo_db.articles.find_one({"story_signature": {"$exists": True}}) is None


def test_stories_switched_off_store_no_story(mongo_db: Database[dict[str, Any]]) -> None:
    store(mongo_db, [article("a1", text_of(30))], stories=False)
    assert stories(mongo_db) == {"a1": None}


def test_backfill_gives_stored_articles_their_stories_once(mongo_db: Database[dict[str, Any]]) -> None:
    wire = text_of(40)
    store(
        mongo_db,
        [article("a1", wire), article("b1", reprint(wire), site="dezhou"), article("a2", text_of(41))],
        stories=False,
    )
    index = StoryIndex.for_database(mongo_db)
    try:
        assert index.backfill() == 3
        found = stories(mongo_db)
        assert found["a1"] == found["b1"] != found["a2"]
        assert None not in found.values()
        assert index.backfill() == 0  # nothing left without a story
        assert index.story_of("http://dezhou.example/b1.htm") == found["a1"]
        assert index.backfill(everything=True) == 3
        assert stories(mongo_db) == found  # the same stories again: ids come from the first copy met
    finally:
        index.close()


def test_the_worker_computes_the_signature_that_travels_to_the_store() -> None:
    from crawler.derived.signature import SIGNATURE_FIELD
    from crawler.store.documents import article_document
    from crawler.workers.worker import with_search_fields

    item = with_search_fields(article("w1", text_of(50)))
    doc = article_document(item, T0)
    assert doc[SIGNATURE_FIELD] == signature(text_of(50)).to_bytes()  # type: ignore[union-attr]
    assert "search" not in doc and SIGNATURE_FIELD not in (doc.get("quality") or {})


def _store_in_process(uri: str, name: str, key: str, text: str, site: str) -> None:
    """One crawl process storing one article (run in a process of its own)."""
    from crawler.store import connect

    client = connect(uri)
    try:
        store(client[name], [article(key, text, site=site)])
    finally:
        client.close()


def test_crawl_processes_writing_at_once_share_the_state(
    mongo_uri: str, mongo_db: Database[dict[str, Any]]
) -> None:
    """Four processes store the copies of one story at the same time: one story, whoever came first."""
    import multiprocessing

    wire = text_of(60)
    texts = [wire, reprint(wire), wire + "\n（完）", _converter("s2t").convert(wire)]
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_store_in_process, args=(mongo_uri, mongo_db.name, f"p{n}", text, f"site{n}"))
        for n, text in enumerate(texts)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    found = stories(mongo_db)
    assert len(found) == 4 and len(set(found.values())) == 1 and None not in found.values()
