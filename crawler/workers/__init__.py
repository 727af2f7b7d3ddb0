"""Extraction in worker processes: every page within a wall-clock budget, off the crawl's event loop.

``ExtractionPool`` (pool.py) is plain Python, used by `newsarchive extract` and `reextract`;
``CrawlExtraction`` (crawl.py) wraps it for a Scrapy crawl (settings, stats, shutdown).
"""

from crawler.workers.pool import ExtractionFailed, ExtractionPool, PoolConfig

__all__ = ["ExtractionFailed", "ExtractionPool", "PoolConfig"]
