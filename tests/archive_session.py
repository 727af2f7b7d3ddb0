"""A crawler with the archive session add-on and the articles pipeline, opened and closed by hand.

What Scrapy does around a crawl, without fetching anything: the session opens (client, run,
lease, index, learner) on spider_opened and closes on spider_closed after the pipeline's last flush.
"""

from __future__ import annotations

from typing import Any

from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.profiles import parse_profile
from crawler.session import ArchiveSession
from pipelines.articles import ArticlesPipeline
from spiders.news import NewsSpider

PROFILE = parse_profile("name: demo\nbase_url: http://a.cn/\n")


class SessionCrawl:
    """The session, the spider and the pipeline of one crawl of PROFILE."""

    def __init__(self, uri: str, database: str, **settings: Any) -> None:
        self.crawler = get_crawler(
            NewsSpider,
            {
                "MONGO_URI": uri,
                "MONGO_DATABASE": database,
                "ADDONS": {"crawler.session.ArchiveSession": 0},
                **settings,
            },
        )
        session = ArchiveSession.of(self.crawler)
        assert session is not None
        self.session = session
        self.spider = NewsSpider(profile=PROFILE)
        self.spider.crawler = self.crawler
        self.crawler.spider = self.spider
        self.crawler.stats.open_spider()
        self.pipeline = build_from_crawler(ArticlesPipeline, self.crawler)

    @property
    def stats(self) -> Any:
        """The crawl's stats collector."""
        return self.crawler.stats

    def open(self) -> SessionCrawl:
        """What the engine does before the first request (the session is the first pipeline)."""
        self.session.open_spider()
        return self

    def close(self, reason: str = "finished") -> None:
        """The pipeline's last flush, then spider_closed."""
        self.pipeline.close_spider()
        self.session.spider_closed(self.spider, reason)
