"""One archive session per crawl: the add-on that owns the crawl's database side."""

from crawler.session.archive import ArchiveSession, ArchiveView

__all__ = ["ArchiveSession", "ArchiveView"]
