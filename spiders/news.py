"""The one generic spider: a site profile says where to look, this decides what to fetch.

Discovery runs from feeds, sitemaps (indexes and news sitemaps, plus robots.txt's Sitemap
lines) and section list pages with their pagination. Article pages are handed, as plain
bytes, to the extraction package; nothing here parses article content.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.discovery import LinkKind, classify_url, parse_feed, parse_sitemap, sitemap_urls_from_robots
from crawler.discovery.revisit import is_due
from crawler.discovery.urls import is_pagination
from crawler.extract import Page
from crawler.extract.pagination import PagesToMerge
from crawler.extract.urls import normalize_url
from crawler.identity import configured_contact, user_agent
from crawler.items import ExtractionFailure, PageVisit
from crawler.middlewares.incremental import conditional
from crawler.outbound.middleware import OutboundRefused
from crawler.outbound.resolver import AddressRefused
from crawler.profiles import load_profile
from crawler.projectdefaults import project_bool, project_int
from crawler.session import ArchiveSession
from crawler.workers import ExtractionFailed
from crawler.workers.crawl import CrawlExtraction

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.items import Article
    from crawler.profiles import SiteProfile
    from crawler.session import ArchiveView

logger = logging.getLogger(__name__)

#: Articles are fetched before more list pages, so a crawl stopped early has stored something.
ARTICLE_PRIORITY = 10
#: Characters of a link's text kept with the request (extraction checks the headline against it).
MAX_LINK_TEXT = 300
HTML_TYPES = (b"text/html", b"application/xhtml", b"text/plain")
#: Answers that mean an article is gone (a visit, not a fetch error).
GONE_STATUSES = (404, 410)
HOME_PATHS = frozenset(("", "/", "/index.htm", "/index.html", "/index.shtml", "/index.php", "/default.htm"))


class NewsSpider(scrapy.Spider):
    """Crawl one news site described by a profile: `scrapy crawl news -a site=NAME`."""

    name = "news"

    def __init__(self, profile: SiteProfile, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.profile = profile
        self.allowed_domains = profile.domains
        self.extraction: CrawlExtraction | None = None
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
        spider.extraction = CrawlExtraction.from_crawler(crawler)
        apply_politeness(crawler, spider.profile)
        return spider

    @property
    def archive(self) -> ArchiveView | None:
        """What the archive holds (index, learned boilerplate): the crawl's archive session, if installed.

        Looked up when used: Scrapy creates the spider before it loads the add-ons.
        """
        crawler = getattr(self, "crawler", None)
        return ArchiveSession.of(crawler) if crawler is not None else None

    # Discovery -----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Feeds and sitemaps first (they list the newest articles), then the list pages."""
        profile = self.profile
        for url in profile.feeds:
            yield scrapy.Request(profile.absolute(url), self.parse_feed, errback=self.fetch_failed)
        for url in profile.sitemaps:
            yield self.sitemap_request(profile.absolute(url))
        if profile.sitemaps_from_robots:
            yield scrapy.Request(
                profile.absolute("/robots.txt"), self.parse_robots, errback=self.fetch_failed
            )
        for url in profile.start_urls or [profile.base_url]:
            yield self.list_request(profile.absolute(url), depth=0)
        for request in self.revisits():
            yield request

    def revisits(self) -> Iterator[scrapy.Request]:
        """Archived articles due for a revisit, linked or not: how edits and deletions are noticed."""
        index = self.archive.index if self.archive is not None else None
        if index is None or not project_bool(self.crawler.settings, "INCREMENTAL_ENABLED"):
            return
        now = datetime.now(UTC)
        for known in index:
            if is_due(known, self.profile.revisit, now):
                self.crawler.stats.inc_value("incremental/revisits_scheduled")
                yield conditional(self.article_request(known.url), known)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Every item of an RSS/Atom feed is an article candidate."""
        entries = parse_feed(response.body)
        self.crawler.stats.inc_value("discovery/feed_entries", len(entries))
        if not entries:
            logger.warning("feed %s has no readable entries", response.url)
        for entry in entries:
            yield from self.follow(response.urljoin(entry.url), depth=0, trusted=True, text=entry.title)

    def parse_sitemap(self, response: Response, depth: int = 0) -> Iterator[scrapy.Request]:
        """Sitemap indexes lead to sitemaps (SITEMAP_MAX_DEPTH deep); URL sets to articles and list pages.

        At most SITEMAP_MAX_ENTRIES entries of one file are read: a hostile or broken sitemap
        cannot queue millions of requests.
        """
        settings = self.crawler.settings
        sitemap = parse_sitemap(response.body, max_entries=project_int(settings, "SITEMAP_MAX_ENTRIES"))
        if sitemap is None:
            logger.warning("%s is not a readable XML sitemap", response.url)
            return
        if sitemap.truncated:
            self.crawler.stats.inc_value("discovery/sitemap_truncated")
            logger.warning(
                "sitemap %s has more than %d entries (SITEMAP_MAX_ENTRIES); the rest is ignored",
                response.url,
                len(sitemap.entries),
            )
        if sitemap.is_index and depth >= project_int(settings, "SITEMAP_MAX_DEPTH"):
            self.crawler.stats.inc_value("discovery/sitemap_too_deep")
            logger.warning(
                "sitemap index %s is nested %d deep (SITEMAP_MAX_DEPTH); its sitemaps are not read",
                response.url,
                depth,
            )
            return
        for entry in sitemap.entries:
            url = response.urljoin(entry.loc)
            if sitemap.is_index:
                yield self.sitemap_request(url, depth + 1)
            else:
                self.crawler.stats.inc_value("discovery/sitemap_urls")
                yield from self.follow(url, depth=0, trusted=bool(entry.published))

    def sitemap_request(self, url: str, depth: int = 0) -> scrapy.Request:
        """A sitemap request; depth counts the sitemap indexes above it."""
        return scrapy.Request(url, self.parse_sitemap, cb_kwargs={"depth": depth}, errback=self.fetch_failed)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """Sitemaps announced in robots.txt that the profile does not already list."""
        listed = {self.profile.absolute(u) for u in self.profile.sitemaps}
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            if url not in listed:
                yield self.sitemap_request(url)

    def parse_list(self, response: Response, depth: int = 0) -> Iterator[scrapy.Request]:
        """A section or home page: follow article links, and list pages up to max_list_pages deep."""
        if not hasattr(response, "text"):
            logger.warning("list page %s is not text (%s); skipped", response.url, _content_type(response))
            return
        for link in self.link_extractor.extract_links(response):
            yield from self.follow(link.url, depth=depth + 1, text=link.text)

    def follow(
        self, url: str, depth: int, trusted: bool = False, text: str | None = None
    ) -> Iterator[scrapy.Request]:
        """Request a discovered URL according to what it is.

        Links from feeds and news sitemaps are articles by construction (``trusted``)
        unless the profile's exclude patterns say otherwise. ``text`` is the link's text (or
        the feed item's title): extraction checks the headline against it.
        """
        kind = classify_url(url, self.profile)
        if kind is LinkKind.OTHER and trusted and not any(p.search(url) for p in self.profile.exclude_res):
            kind = LinkKind.ARTICLE
        if kind is LinkKind.ARTICLE:
            yield self.article_request(url, text)
        elif kind is LinkKind.LIST and depth <= self.profile.max_list_pages:
            yield self.list_request(url, depth)

    def list_request(self, url: str, depth: int) -> scrapy.Request:
        """A list page request; pagination pages are marked for the incremental middleware."""
        meta = {"kind": "list", "pagination": is_pagination(url, self.profile)}
        return scrapy.Request(
            url, self.parse_list, cb_kwargs={"depth": depth}, meta=meta, errback=self.fetch_failed
        )

    def article_request(self, url: str, link_text: str | None = None) -> scrapy.Request:
        """An article page request (fetched before further list pages).

        304 (after a conditional revisit), 404 and 410 reach parse_article: they are news
        about an archived article, not errors. The text of the link that led here goes along.
        """
        meta: dict[str, Any] = {"kind": "article", "handle_httpstatus_list": (*GONE_STATUSES, 304)}
        if link_text and link_text.strip():
            meta["link_text"] = " ".join(link_text.split())[:MAX_LINK_TEXT]
        return scrapy.Request(
            url, self.parse_article, priority=ARTICLE_PRIORITY, meta=meta, errback=self.fetch_failed
        )

    # Articles ------------------------------------------------------------------------------

    async def parse_article(
        self, response: Response
    ) -> AsyncIterator[Article | PageVisit | ExtractionFailure | scrapy.Request]:
        """Hand the fetched bytes to extraction; visits without content become PageVisit items."""
        fetched_at = datetime.now(UTC)
        requested = (response.meta.get("redirect_urls") or [response.url])[0]
        if response.status == 304:
            yield self.visit(requested, response, "not_modified", "HTTP 304 Not Modified", fetched_at)
            return
        if response.status in GONE_STATUSES:
            yield self.visit(requested, response, "gone", f"HTTP {response.status}", fetched_at)
            return
        if response.meta.get("redirect_urls") and self.is_home(response.url):
            yield self.visit(
                requested, response, "gone", f"redirected to the home page {response.url}", fetched_at
            )
            return
        article = await self.extract(response, fetched_at)
        if isinstance(article, ExtractionFailure):
            yield article
            return
        if article is None:
            return
        if article.quality.get("gone_notice"):
            yield self.visit(requested, response, "gone", "the page says the article was deleted", fetched_at)
            return
        pages = article.page_urls
        if len(pages) > 1 and normalize_url(pages[0]) != normalize_url(response.url):
            self.crawler.stats.inc_value("extract/later_page")
            yield self.article_request(pages[0])  # an article is fetched from its first page
            return
        async for output in self.next_page(_Pages(collected=[article], remaining=pages[1:])):
            yield output

    async def extract(self, response: Response, fetched_at: datetime) -> Article | ExtractionFailure | None:
        """The article on one fetched page, extracted in a worker process within its budget.

        None for responses that are not HTML; an ExtractionFailure item when the extraction
        did not complete (the page stays in the WARC, `newsarchive reextract --failed` retries it).
        """
        content_type = _content_type(response)
        if content_type and not content_type.lower().startswith(HTML_TYPES):
            self.crawler.stats.inc_value("extract/not_html")
            logger.warning(
                "skipped %s: not an HTML page (Content-Type %s)", response.url, content_type.decode()
            )
            return None
        page = Page(
            url=response.url,
            body=response.body,
            content_type=content_type.decode("latin-1") or None,
            status=response.status,
            fetched_at=fetched_at,
            last_modified=_header(response, b"Last-Modified"),
            link_text=response.meta.get("link_text"),
        )
        learner = self.archive.learner if self.archive is not None else None
        learned = learner.learned() if learner is not None else frozenset()
        layout = self.archive.layout if self.archive is not None else None
        template = layout.template() if layout is not None else None
        assert self.extraction is not None
        record = response.meta.get("warc_record")
        try:
            article = await self.extraction.extract(page, self.profile, learned, template)
        except ExtractionFailed as exc:
            self.crawler.stats.inc_value("extract/failed")
            self.crawler.stats.inc_value(f"extract/failed/{exc.reason}")
            logger.error("extraction failed: %s", exc)
            return ExtractionFailure(
                url=response.url,
                site=self.profile.name,
                reason=exc.reason,
                message=str(exc),
                status=response.status,
                fetched_at=fetched_at,
                warc=[record] if record else [],
            )
        article.etag = _header(response, b"ETag")
        article.last_modified = _header(response, b"Last-Modified")
        if record:
            article.warc = [record]
        return article

    # Multi-page articles ---------------------------------------------------------------------

    async def next_page(self, pages: _Pages) -> AsyncIterator[Article | scrapy.Request]:
        """Fetch the next page of a multi-page article, or yield the merged article after the last."""
        if not pages.remaining:
            if pages.missing:
                logger.warning(
                    "article %s stored without %d of its %d pages: %s",
                    pages.collected[0].url,
                    len(pages.missing),
                    len(pages.collected) + len(pages.missing),
                    ", ".join(pages.missing),
                )
                self.crawler.stats.inc_value("extract/missing_pages", len(pages.missing))
            if len(pages.collected) == 1 and not pages.missing:
                yield pages.collected[0]
            else:
                assert self.extraction is not None
                yield await self.extraction.merge(
                    PagesToMerge(tuple(pages.collected), tuple(pages.missing)), self.profile
                )
            return
        url, pages.remaining = pages.remaining[0], pages.remaining[1:]
        yield scrapy.Request(
            url,
            self.parse_article_page,
            errback=self.article_page_failed,
            priority=ARTICLE_PRIORITY + 1,
            meta={"kind": "article_page", "pages": pages},
            dont_filter=True,
        )

    async def parse_article_page(
        self, response: Response
    ) -> AsyncIterator[Article | ExtractionFailure | scrapy.Request]:
        """Page 2, 3, ... of an article: collected in order; a page without text counts as missing."""
        pages: _Pages = response.meta["pages"]
        page = await self.extract(response, datetime.now(UTC))
        if isinstance(page, ExtractionFailure) or page is None or not page.text:
            pages.missing.append(response.url)
        else:
            pages.collected.append(page)
        async for output in self.next_page(pages):
            yield output

    async def article_page_failed(self, failure: Failure) -> AsyncIterator[Article | scrapy.Request]:
        """A page that cannot be fetched is reported as missing; the others are still merged."""
        self.fetch_failed(failure)
        pages: _Pages = failure.request.meta["pages"]
        pages.missing.append(failure.request.url)
        async for output in self.next_page(pages):
            yield output

    def visit(self, url: str, response: Response, kind: str, reason: str, fetched_at: datetime) -> PageVisit:
        """A PageVisit item for an article page that brought no new content."""
        return PageVisit(
            url=url,
            site=self.profile.name,
            kind=kind,
            status=response.status,
            fetched_at=fetched_at,
            reason=reason,
        )

    def is_home(self, url: str) -> bool:
        """True for the site's home page (where deleted articles often redirect)."""
        path = urlsplit(url).path
        return path in HOME_PATHS or url.rstrip("/") == self.profile.base_url.rstrip("/")

    def fetch_failed(self, failure: Failure) -> None:
        """Say which URL failed and why; the crawl goes on."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if failure.check(OutboundRefused, AddressRefused):
            return  # counted in outbound/refused and logged once per host by the policy
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


@dataclass
class _Pages:
    """A multi-page article being fetched: pages so far, pages to go, pages that failed."""

    collected: list[Article]
    remaining: list[str]
    missing: list[str] = field(default_factory=list)


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


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
    if settings.getpriority("USER_AGENT") <= SETTINGS_PRIORITIES["project"]:  # not set by the user
        contact = configured_contact(profile.contact, settings.get("CRAWL_CONTACT"))
        settings.set("USER_AGENT", user_agent(contact), priority="spider")
