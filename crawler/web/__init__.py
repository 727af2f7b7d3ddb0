"""`newsarchive web`: a read-only archive browser (search, articles with versions, raw replay, health)."""

from crawler.web.app import create_app

__all__ = ["create_app"]
