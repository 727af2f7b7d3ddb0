"""A small archive with known contents for the search, export and stats tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from crawler.archive.writer import open_store
from crawler.extract.article import content_hash
from crawler.items import Article
from crawler.store import connect

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pymongo.database import Database

SH = ZoneInfo("Asia/Shanghai")
SEEN = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
#: An author whose name looks like a Mongo operator: stored and found as plain text.
ODD_AUTHOR = '{"$gt": ""}'


def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=SH).astimezone(UTC)


def _article(key: str, site: str, title: str, text: str, **fields: Any) -> Article:
    url = f"http://{site}.test/{key}.htm"
    return Article(
        url=url,
        canonical_url=url,
        site=site,
        title=title,
        text=text,
        content_hash=content_hash(title, text),
        fetched_at=SEEN,
        status=200,
        **fields,
    )


ARTICLES = [
    _article(
        "dy1",
        "dongying",
        "东营市启动冬春农田水利建设",
        "11月19日，东营市召开会议，部署今冬明春农田水利基本建设。全市计划清淤沟渠860公里，"
        "新建桥涵320座。东营各县区要抢抓农闲时机推进工程。" * 3,
        authors=["王晓明"],
        source="东营日报",
        section="本地",
        published_at=_at(20),
    ),
    _article(
        "dy2",
        "dongying",
        "東營濕地迎來候鳥高峰",
        "黃河三角洲國家級自然保護區內，東營濕地迎來候鳥遷徙高峰。保護區工作人員介紹，"
        "今年觀測到的鳥類數量明顯增加。" * 3,
        authors=["李娜"],
        source="东营日报",
        section="生态",
        published_at=_at(21),
        script="traditional",
    ),
    _article(
        "demo1",
        "demo",
        "我市今冬明春农田水利基本建设全面启动",
        "鲁北市今冬明春农田水利基本建设现场推进会在临河县召开。水利局介绍，今冬明春全市计划完成"
        "水利建设投资18.6亿元。" * 3,
        authors=["赵敏", "孙浩"],
        source="鲁北日报",
        section="local",
        published_at=_at(25),
    ),
    _article(
        "demo2",
        "demo",
        "Yellow River delta wetland welcomes migratory birds",
        "Officials in Dongying said the Yellow River delta wetland recorded more migratory birds "
        "this winter. The WETLAND reserve covers 1,530 square kilometres. " * 3,
        authors=["John Smith"],
        source="Xinhua",
        section="english",
        published_at=_at(22),
    ),
    _article(
        "odd1",
        "odd",
        "价格上涨 (3.5%) [注] a+b=c",
        "本周蔬菜价格上涨 (3.5%) [注]，公式 a+b=c 成立，单价 $100.5 元。正则 .* 不应匹配一切。" * 3,
        authors=[ODD_AUTHOR],
        source="$where",
        section="经济",
        published_at=_at(23),
    ),
    _article("bare1", "odd", "简讯", "简讯。", section="经济"),
    _article("blank1", "odd", "空白", "   ", section="经济", published_at=_at(26)),
]


def store_known(db: Database[dict[str, Any]]) -> None:
    """Store ARTICLES the way a crawl does (ArticleStore: article_document, indexes)."""
    store = open_store(db)
    store.ensure_indexes()
    for article in ARTICLES:
        store.add(article, SEEN)
    store.flush()
    assert store.totals.inserted == len(ARTICLES)


def known_database(uri: str, prefix: str) -> Iterator[Database[dict[str, Any]]]:
    """A database holding ARTICLES, dropped afterwards (for module-scoped fixtures)."""
    client = connect(uri)
    name = f"t_{prefix}_{uuid.uuid4().hex[:6]}"
    try:
        store_known(client[name])
        yield client[name]
    finally:
        client.drop_database(name)
        client.close()
