"""Redirects, as an archive needs them: loops reported by name, article redirects always followed, whole.

Scrapy's RedirectMiddleware sends redirected requests through the duplicate filter, so a loop
A → B → A ends silently, and an article that now redirects to the (already fetched) home page
is never seen again. This middleware runs before it and fixes both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self
from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest, NotConfigured

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))


class RedirectLoopError(IgnoreRequest):
    """A redirect leads back to a URL of the same redirect chain."""


class ArchiveRedirectMiddleware:
    """A redirect back into its own chain fails the request; an article page's redirect is always followed."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Enabled with REDIRECT_ENABLED."""
        if not crawler.settings.getbool("REDIRECT_ENABLED"):
            raise NotConfigured("REDIRECT_ENABLED is false")
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        """Raise RedirectLoopError (the request's errback logs it) on a loop; pass anything else."""
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            self.crawler.stats.inc_value("fetch/redirect_loop")
            raise RedirectLoopError(f"redirect loop: {' -> '.join([*chain, target])}")
        if request.meta.get("kind") == "article":
            # Where an archived article went (often the home page) is news: follow even to seen pages.
            request.dont_filter = True
            # The stored validators are those of the old URL: the new one is fetched whole (the
            # redirected request copies these headers), or a moved article would answer 304.
            for name in (b"If-None-Match", b"If-Modified-Since"):
                request.headers.pop(name, None)
        return response
