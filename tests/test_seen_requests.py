"""The duplicate filter on disk (crawler/store/seen.py) answers as Scrapy's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Request, Spider
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.test import get_crawler

from crawler.settings import DUPEFILTER_CLASS
from crawler.store.seen import DiskDupeFilter

if TYPE_CHECKING:
    from pathlib import Path

URLS = [
    "http://a.cn/p/1.htm",
    "http://a.cn/p/2.htm",
    "http://a.cn/p/1.htm#comments",  # same request as the first
    "http://a.cn/list.htm?b=2&a=1",
    "http://a.cn/list.htm?a=1&b=2",  # same, parameters in another order
    "http://a.cn/p/2.htm",
    "http://a.cn/p/3.htm",
]


def test_it_filters_what_scrapys_filter_filters(tmp_path: Path) -> None:
    crawler = get_crawler(Spider)
    ours = DiskDupeFilter(fingerprinter=crawler.request_fingerprinter, where=tmp_path)
    scrapys = RFPDupeFilter(fingerprinter=crawler.request_fingerprinter)
    seen = [ours.request_seen(Request(url)) for url in URLS]
    assert seen == [scrapys.request_seen(Request(url)) for url in URLS]
    assert seen == [False, False, True, False, True, True, False]
    assert len(ours) == 4 and not ours._fingerprints  # nothing kept in the process
    assert ours.request_seen(Request("http://a.cn/p/1.htm", method="POST")) is False
    assert ours.path is not None and ours.path.parent == tmp_path
    ours.close("finished")
    assert list(tmp_path.iterdir()) == []


def test_it_is_the_crawls_filter_unless_the_crawl_has_a_jobdir(tmp_path: Path) -> None:
    assert DUPEFILTER_CLASS == "crawler.store.seen.DiskDupeFilter"
    assert type(DiskDupeFilter.from_crawler(get_crawler(Spider))) is DiskDupeFilter
    resumable = get_crawler(Spider, {"JOBDIR": str(tmp_path / "job")})
    chosen = DiskDupeFilter.from_crawler(resumable)
    assert type(chosen) is RFPDupeFilter  # Scrapy's, which keeps requests.seen for the next run
    chosen.close("finished")
