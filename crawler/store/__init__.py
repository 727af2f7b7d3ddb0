"""The archive in MongoDB (or the local FerretDB): connection, articles, crawl runs."""

from crawler.store.articles import ArticleStore, WriteCounts
from crawler.store.connection import (
    DatabaseUnavailable,
    connect,
    open_database,
    open_from_settings,
    redact_uri,
    resolve_uri,
)
from crawler.store.runs import CrawlRuns

__all__ = [
    "ArticleStore",
    "CrawlRuns",
    "DatabaseUnavailable",
    "WriteCounts",
    "connect",
    "open_database",
    "open_from_settings",
    "redact_uri",
    "resolve_uri",
]
