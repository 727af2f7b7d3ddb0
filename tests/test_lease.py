"""The crawl lease fails closed: no lease, no crawl; a lost lease stops the crawl."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from scrapy import Spider
from scrapy.exceptions import CloseSpider
from scrapy.utils.test import get_crawler

from crawler.extensions.site_lock import SiteLockExtension
from crawler.localdb import free_port
from crawler.store.locks import SiteLock

if TYPE_CHECKING:
    from pymongo.database import Database


def _take_over(db: Database[dict[str, Any]], site: str) -> None:
    """What another crawl does to a lease whose heartbeat it found stale."""
    db.crawl_locks.update_one({"_id": site}, {"$set": {"host": "elsewhere", "pid": 1}})


def test_refresh_says_when_the_lease_was_taken_over(mongo_db: Database[dict[str, Any]]) -> None:
    lock = SiteLock(mongo_db, "demo")
    lock.acquire()
    assert lock.refresh() is True
    _take_over(mongo_db, "demo")
    assert lock.refresh() is False
    assert lock.held is False
    lock.release()  # never removes the new holder's lease
    assert mongo_db.crawl_locks.find_one({"_id": "demo"})["host"] == "elsewhere"


def test_no_database_no_lease_no_crawl() -> None:
    uri = f"mongodb://127.0.0.1:{free_port()}/"
    crawler = get_crawler(
        Spider, {"MONGO_URI": uri, "MONGO_CONNECT_TIMEOUT_MS": 300, "MONGO_TIMEOUT_MS": 500}
    )
    crawler.stats.open_spider()
    extension = SiteLockExtension.from_crawler(crawler)
    with pytest.raises(CloseSpider) as closed:
        extension.spider_opened(Spider(name="demo"))
    assert closed.value.reason == "lease_unavailable"
    assert extension.heartbeat is None


def test_a_heartbeat_that_finds_the_lease_gone_stops_the_crawl(
    mongo_uri: str, mongo_db: Database[dict[str, Any]]
) -> None:
    crawler = get_crawler(Spider, {"MONGO_URI": mongo_uri, "MONGO_DATABASE": mongo_db.name})
    crawler.stats.open_spider()
    extension = SiteLockExtension.from_crawler(crawler)
    spider = Spider(name="demo")
    extension.spider_opened(spider)
    try:
        extension._beat()
        assert crawler.stats.get_value("lease/lost") is None
        _take_over(mongo_db, "demo")
        extension._beat()
        assert crawler.stats.get_value("lease/lost") == 1
        assert not extension.heartbeat.running
    finally:
        extension.spider_closed(spider)
