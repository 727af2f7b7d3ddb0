"""The naive design the issue compares against, as a new user would write it.

A Scrapy CrawlSpider that follows every link from the start pages, calls
``trafilatura.bare_extraction`` in the callback and stores each page with one
``update_one(upsert=True)``. Run by bench/crawl.py in its own process:

    python bench/naive_crawl.py BASE_URL START_PATH... --concurrency 32

MONGO_URI / MONGO_DATABASE come from the environment; Scrapy's stats are printed as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from urllib.parse import urlsplit

import trafilatura
from pymongo import MongoClient
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class NaiveSpider(CrawlSpider):
    name = "naive"
    rules = (Rule(LinkExtractor(), callback="parse_item", follow=True),)

    def __init__(self, base_url: str, starts: list[str], **kwargs):
        self.start_urls = [base_url.rstrip("/") + p for p in starts]
        self.allowed_domains = [urlsplit(base_url).hostname]
        super().__init__(**kwargs)
        self.client = MongoClient(os.environ["MONGO_URI"])
        self.collection = self.client[os.environ["MONGO_DATABASE"]]["articles"]

    def parse_item(self, response):
        if not hasattr(response, "text"):
            return
        doc = trafilatura.bare_extraction(response.text, url=response.url, with_metadata=True)
        if doc is None or not doc.text:
            return
        item = {
            "url": response.url,
            "title": doc.title,
            "text": doc.text,
            "date": doc.date,
            "author": doc.author,
            "fetched_at": datetime.now(UTC),
        }
        self.collection.update_one({"_id": response.url}, {"$set": item}, upsert=True)
        yield item


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("starts", nargs="+")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    process = CrawlerProcess(
        {
            "CONCURRENT_REQUESTS": args.concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "ROBOTSTXT_OBEY": False,
            "LOG_LEVEL": "WARNING",
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    crawler = process.create_crawler(NaiveSpider)
    process.crawl(crawler, base_url=args.base_url, starts=args.starts)
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, int | float | str)}
    print(json.dumps({"stats": stats}, default=str))


if __name__ == "__main__":
    main()
