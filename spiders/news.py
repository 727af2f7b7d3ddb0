"""The one generic spider: a site profile says where to look, this decides what to fetch.

Discovery runs from feeds, sitemaps (indexes and news sitemaps, plus robots.txt's Sitemap
lines) and section list pages with their pagination. Article pages are handed, as plain
bytes, to the extraction package; nothing here parses article content.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.discovery import LinkKind, classify_url, parse_feed, parse_sitemap, sitemap_urls_from_robots
from crawler.extract import Page, extract_page
from crawler.profiles import load_profile

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.items import Article
    from crawler.profiles import SiteProfile

logger = logging.getLogger(__name__)

#: Articles are fetched before more list pages, so a crawl stopped early has stored something.
ARTICLE_PRIORITY = 10
HTML_TYPES = (b"text/html", b"application/xhtml", b"text/plain", b"")


class NewsSpider(scrapy.Spider):
    """Crawl one news site described by a profile: `scrapy crawl news -a site=NAME`."""

    name = "news"

    def __init__(self, profile: SiteProfile, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.profile = profile
        self.allowed_domains = profile.domains
        # Domains are checked by classify_url (LinkExtractor.allow_domains mishandles hosts with ports).
        self.link_extractor = LinkExtractor(unique=True, canonicalize=False)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        """Load the profile named by `-a site=` (and `-a base_url=`), apply its politeness settings."""
        site = kwargs.pop("site", None)
        base_url = kwargs.pop("base_url", None)
        if "profile" not in kwargs:
            if not site:
                raise ValueError(
                    "which site? use: scrapy crawl news -a site=NAME (see `newsarchive profiles`)"
                )
            profile = load_profile(site, crawler.settings.get("PROFILES_DIR"))
            kwargs["profile"] = profile.with_base_url(base_url) if base_url else profile
        spider = super().from_crawler(crawler, *args, **kwargs)
        apply_politeness(crawler, spider.profile)
        return spider

    # Discovery -----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Feeds and sitemaps first (they list the newest articles), then the list pages."""
        profile = self.profile
        for url in profile.feeds:
            yield scrapy.Request(profile.absolute(url), self.parse_feed, errback=self.fetch_failed)
        for url in profile.sitemaps:
            yield scrapy.Request(profile.absolute(url), self.parse_sitemap, errback=self.fetch_failed)
        if profile.sitemaps_from_robots:
            yield scrapy.Request(
                profile.absolute("/robots.txt"), self.parse_robots, errback=self.fetch_failed
            )
        for url in profile.start_urls or [profile.base_url]:
            yield self.list_request(profile.absolute(url), depth=0)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Every item of an RSS/Atom feed is an article candidate."""
        entries = parse_feed(response.body)
        self.crawler.stats.inc_value("discovery/feed_entries", len(entries))
        if not entries:
            logger.warning("feed %s has no readable entries", response.url)
        for entry in entries:
            yield from self.follow(response.urljoin(entry.url), depth=0, trusted=True)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Sitemap indexes lead to sitemaps; URL sets to articles and list pages."""
        sitemap = parse_sitemap(response.body)
        if sitemap is None:
            logger.warning("%s is not a readable XML sitemap", response.url)
            return
        for entry in sitemap.entries:
            url = response.urljoin(entry.loc)
            if sitemap.is_index:
                yield scrapy.Request(url, self.parse_sitemap, errback=self.fetch_failed)
            else:
                self.crawler.stats.inc_value("discovery/sitemap_urls")
                yield from self.follow(url, depth=0, trusted=bool(entry.published))

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """Sitemaps announced in robots.txt that the profile does not already list."""
        listed = {self.profile.absolute(u) for u in self.profile.sitemaps}
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            if url not in listed:
                yield scrapy.Request(url, self.parse_sitemap, errback=self.fetch_failed)

    def parse_list(self, response: Response, depth: int = 0) -> Iterator[scrapy.Request]:
        """A section or home page: follow article links, and list pages up to max_list_pages deep."""
        if not hasattr(response, "text"):
            logger.warning("list page %s is not text (%s); skipped", response.url, _content_type(response))
            return
        for link in self.link_extractor.extract_links(response):
            yield from self.follow(link.url, depth=depth + 1)

    def follow(self, url: str, depth: int, trusted: bool = False) -> Iterator[scrapy.Request]:
        """Request a discovered URL according to what it is.

        Links from feeds and news sitemaps are articles by construction (``trusted``)
        unless the profile's exclude patterns say otherwise.
        """
        kind = classify_url(url, self.profile)
        if kind is LinkKind.OTHER and trusted and not any(p.search(url) for p in self.profile.exclude_res):
            kind = LinkKind.ARTICLE
        if kind is LinkKind.ARTICLE:
            yield self.article_request(url)
        elif kind is LinkKind.LIST and depth <= self.profile.max_list_pages:
            yield self.list_request(url, depth)

    def list_request(self, url: str, depth: int) -> scrapy.Request:
        """A list page request."""
        return scrapy.Request(url, self.parse_list, cb_kwargs={"depth": depth}, errback=self.fetch_failed)

    def article_request(self, url: str) -> scrapy.Request:
        """An article page request (fetched before further list pages)."""
        return scrapy.Request(url, self.parse_article, priority=ARTICLE_PRIORITY, errback=self.fetch_failed)

    # Articles ------------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[Article]:
        """Hand the fetched bytes to extraction; the pipelines validate and store the result."""
        content_type = _content_type(response)
        if not content_type.lower().startswith(HTML_TYPES):
            self.crawler.stats.inc_value("extract/not_html")
            logger.warning(
                "skipped %s: not an HTML page (Content-Type %s)", response.url, content_type.decode()
            )
            return
        page = Page(
            url=response.url,
            body=response.body,
            content_type=content_type.decode("latin-1") or None,
            status=response.status,
            fetched_at=datetime.now(UTC),
        )
        yield extract_page(page, self.profile)

    def fetch_failed(self, failure: Failure) -> None:
        """Say which URL failed and why; the crawl goes on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if failure.check(HttpError):
            status = failure.value.response.status
            if url.endswith("/robots.txt"):
                self.crawler.stats.inc_value("discovery/robots_missing")
                return
            self.crawler.stats.inc_value(f"fetch/http_error/{status}")
            logger.warning("HTTP %s for %s", status, url)
            return
        name = failure.type.__name__ if failure.type else "Error"
        self.crawler.stats.inc_value(f"fetch/failed/{name}")
        logger.warning("could not fetch %s: %s: %s", url, name, failure.getErrorMessage())


def _content_type(response: Response) -> bytes:
    return (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip()


def apply_politeness(crawler: Crawler, profile: SiteProfile) -> None:
    """Per-site politeness from the profile, at spider priority (command-line values still win)."""
    polite = profile.politeness
    settings = crawler.settings
    if polite.download_delay is not None:
        settings.set("DOWNLOAD_DELAY", polite.download_delay, priority="spider")
    if polite.concurrency is not None:
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", polite.concurrency, priority="spider")
    if polite.autothrottle_target_concurrency is not None:
        settings.set(
            "AUTOTHROTTLE_TARGET_CONCURRENCY", polite.autothrottle_target_concurrency, priority="spider"
        )
    if polite.autothrottle_max_delay is not None:
        settings.set("AUTOTHROTTLE_MAX_DELAY", polite.autothrottle_max_delay, priority="spider")
    if not polite.obey_robots:
        settings.set("ROBOTSTXT_OBEY", False, priority="spider")
