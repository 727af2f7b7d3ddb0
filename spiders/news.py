"""The one generic spider: a site profile says where to look, this decides what to fetch.

Discovery runs from feeds, sitemaps (indexes and news sitemaps, plus robots.txt's Sitemap
lines) and section list pages with their pagination. Article pages are handed, as plain
bytes, to the extraction package; nothing here parses article content.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.discovery import LinkKind, classify_url, parse_feed, parse_sitemap, sitemap_urls_from_robots
from crawler.discovery.revisit import is_due
from crawler.discovery.urls import is_pagination, page_number
from crawler.discovery.walks import ListKind, ListWalk, SiteWalks, known_streak
from crawler.extract import Page
from crawler.extract.pagination import PagesToMerge, continues
from crawler.extract.urls import UrlRules, clean_url, normalize_url, not_article_address
from crawler.frontier.addon import frontier_url
from crawler.items import Article, ExtractionFailure, PageVisit
from crawler.middlewares.incremental import conditional
from crawler.outbound.identity import configured_contact, user_agent
from crawler.outbound.middleware import OutboundRefused
from crawler.outbound.resolver import AddressRefused
from crawler.profiles import load_profile_file
from crawler.profiles.loader import find_profile_path
from crawler.project.defaults import project_bool, project_int
from crawler.session import ArchiveSession
from crawler.workers import ExtractionFailed
from crawler.workers.crawl import CrawlExtraction

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

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
        #: The profile as its file says (before `-a base_url=`) and that file: what the archive keeps.
        self.profile_as_written: SiteProfile = profile
        self.profile_source: str | None = None
        self.allowed_domains = profile.domains
        self.extraction: CrawlExtraction | None = None
        #: Articles archived since this moment were stored by this crawl (they say nothing of earlier walks).
        self.started = datetime.now(UTC)
        self._walks: SiteWalks | None = None
        # Domains are checked by classify_url (LinkExtractor.allow_domains mishandles hosts with ports).
        self.link_extractor = LinkExtractor(unique=True, canonicalize=False)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        """Load the profile named by `-a site=` (and `-a base_url=`), apply its politeness settings."""
        site = kwargs.pop("site", None)
        base_url = kwargs.pop("base_url", None)
        written, source = None, None
        if "profile" not in kwargs:
            if not site:
                raise ValueError(
                    "which site? use: scrapy crawl news -a site=NAME (see `newsarchive profiles`)"
                )
            path = find_profile_path(site, crawler.settings.get("PROFILES_DIR"))
            written = load_profile_file(path)
            source = str(path.resolve()) if isinstance(path, Path) else str(path)
            kwargs["profile"] = written.with_base_url(base_url) if base_url else written
        spider = super().from_crawler(crawler, *args, **kwargs)
        if written is not None:
            spider.profile_as_written, spider.profile_source = written, source
        spider.extraction = CrawlExtraction.from_crawler(crawler)
        crawler.signals.connect(spider.list_dropped, signal=signals.request_dropped)
        apply_politeness(crawler, spider.profile)
        return spider

    @property
    def archive(self) -> ArchiveView | None:
        """What the archive holds (index, learned boilerplate): the crawl's archive session, if installed.

        Looked up when used: Scrapy creates the spider before it loads the add-ons.
        """
        crawler = getattr(self, "crawler", None)
        return ArchiveSession.of(crawler) if crawler is not None else None

    @property
    def walks(self) -> SiteWalks:
        """The walks of the site's lists: the archive session's (kept durable), else this crawl's own."""
        archive = self.archive
        if archive is not None and archive.walks is not None:
            return archive.walks
        if self._walks is None:
            self._walks = SiteWalks(budget=self.profile.max_list_pages)
        return self._walks

    # Discovery -----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Feeds and sitemaps first (they list the newest articles), the backlog, then the list pages.

        Every list is walked from its top (what is new), and every walk an earlier crawl left
        unfinished continues from its cursor (crawler/discovery/walks.py).
        """
        profile = self.profile
        walks = self.walks
        for url in profile.feeds:
            if walk := walks.top(profile.absolute(url), ListKind.FEED):
                yield self.walk_request(walk, 0, walk.list_url, self.parse_feed)
        for url in profile.sitemaps:
            if walk := walks.top(profile.absolute(url), ListKind.SITEMAP):
                yield self.sitemap_request(walk.list_url, walk=walk)
        if profile.sitemaps_from_robots:
            yield scrapy.Request(
                profile.absolute("/robots.txt"), self.parse_robots, errback=self.fetch_failed
            )
        for request in self.backlog():
            yield request
        resumed = walks.resumed()  # first: a top walk ends where one of them starts
        for url in profile.start_urls or [profile.base_url]:
            if walk := walks.top(profile.absolute(url)):
                for request in self.list_requests(walk, walk.to_request(), streak=0, hops=0):
                    yield request
        for walk in resumed:
            self.crawler.stats.inc_value("history/walks_resumed")
            for request in self.list_requests(walk, walk.to_request(), streak=0, hops=0):
                yield request
        for request in self.revisits():
            yield request

    def backlog(self) -> Iterator[scrapy.Request]:
        """Article links that earlier crawls saw on walked list pages and did not store."""
        archive = self.archive
        history = getattr(archive, "history", None)
        if history is None or archive is None:
            return
        for url in history.pending_links(archive.is_stored):
            self.crawler.stats.inc_value("history/backlog_requested")
            yield self.article_request(url)

    def revisits(self) -> Iterator[scrapy.Request]:
        """Archived articles due for a revisit, linked or not: how edits and deletions are noticed.

        In every mode: a full crawl (INCREMENTAL_ENABLED off) fetches every archived article that
        is not gone, unconditionally, so that it notices deletions too.
        """
        index = self.archive.index if self.archive is not None else None
        if index is None:
            return
        incremental = project_bool(self.crawler.settings, "INCREMENTAL_ENABLED")
        now = datetime.now(UTC)
        for known in index:
            if incremental and is_due(known, self.profile.revisit, now):
                self.crawler.stats.inc_value("incremental/revisits_scheduled")
                yield conditional(self.article_request(known.url), known)
            elif not incremental and (known.state != "gone" or is_due(known, self.profile.revisit, now)):
                self.crawler.stats.inc_value("incremental/revisits_scheduled")
                yield self.article_request(known.url)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Every item of an RSS/Atom feed is an article candidate."""
        entries = parse_feed(response.body)
        self.crawler.stats.inc_value("discovery/feed_entries", len(entries))
        if not entries:
            logger.warning("feed %s has no readable entries", response.url)
        unstored = []
        for entry in entries:
            if url := self.discovered(response, entry.url):
                for request in self.follow(url, depth=0, trusted=True, text=entry.title):
                    if request.meta.get("kind") == "article" and self.archived_before(url) is not True:
                        unstored.append(url)
                    yield request
        if walk_meta := _meta(response).get("walk"):
            self.walks.walked(self.walks.adopt(walk_meta), 0, response.url, unstored, {}, follow=True)

    def parse_sitemap(self, response: Response, depth: int = 0) -> Iterator[scrapy.Request]:
        """Sitemap indexes lead to sitemaps (SITEMAP_MAX_DEPTH deep); URL sets to articles and list pages.

        At most SITEMAP_MAX_ENTRIES entries of one file are read: a hostile or broken sitemap
        cannot queue millions of requests.
        """
        settings = self.crawler.settings
        sitemap = parse_sitemap(response.body, max_entries=project_int(settings, "SITEMAP_MAX_ENTRIES"))
        walk_meta = _meta(response).get("walk")
        walk = self.walks.adopt(walk_meta) if walk_meta else None
        number = _meta(response).get("page", 0)
        if sitemap is None:
            logger.warning("%s is not a readable XML sitemap", response.url)
            if walk is not None:
                self.walks.gone(walk, number)
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
            if walk is not None:
                self.walks.gone(walk, number)
            return
        children: dict[int, str] = {}
        for entry in sitemap.entries:
            url = self.discovered(response, entry.loc)
            if url is None:
                continue
            if sitemap.is_index:
                if walk is None:
                    if request := self.checked(url, partial(self.sitemap_request, url, depth + 1)):
                        yield request
                else:  # numbered after every page of the walk, so the walk takes them as its next pages
                    children[max([*walk.walked, *walk.pending]) + 1 + len(children)] = url
            else:
                self.crawler.stats.inc_value("discovery/sitemap_urls")
                lastmod = _w3c_datetime(entry.lastmod, self.profile.tz)
                yield from self.follow(url, depth=0, trusted=bool(entry.published), lastmod=lastmod)
        if walk is not None:
            pages = self.walks.walked(walk, number, response.url, [], children, follow=True)
            yield from self.list_requests(walk, pages, streak=0, hops=depth + 1)

    def sitemap_request(
        self, url: str, depth: int = 0, *, walk: ListWalk | None = None, number: int = 0
    ) -> scrapy.Request:
        """A sitemap request; depth counts the sitemap indexes above it; a walk's page when walk is given."""
        meta = {} if walk is None else {"walk": SiteWalks.meta(walk), "page": number}
        return scrapy.Request(
            url,
            self.parse_sitemap,
            cb_kwargs={"depth": depth},
            meta=meta,
            errback=self.list_failed,
            dont_filter=walk is not None and self.own_dedup,
        )

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """Sitemaps announced in robots.txt that the profile does not already list."""
        listed = {self.profile.absolute(u) for u in self.profile.sitemaps}
        for line in sitemap_urls_from_robots(response.body):  # as written: joined one by one below
            url = self.discovered(response, line)
            if url is None or url in listed or (walk := self.walks.top(url, ListKind.SITEMAP)) is None:
                continue
            if request := self.checked(url, partial(self.sitemap_request, url, walk=walk)):
                yield request

    def parse_list(self, response: Response, hops: int = 0) -> Iterator[scrapy.Request]:
        """A page of a section's list: its article links, then the walk's next pages and other lists.

        The walk goes on to the end of the list unless a streak of `stop_after_known` articles
        archived before this crawl says it reached what earlier walks covered, which only counts
        where something covers the list below (crawler/discovery/walks.py). Lists linked from here
        (other sections) are walked too, up to max_list_pages hops from the start URLs.
        """
        walks = self.walks
        meta = _meta(response)
        walk_meta = meta.get("walk")
        if not walk_meta:  # a page handed in without its walk (scrapy shell, tests): a walk of its own
            walk_meta = SiteWalks.meta(walks.top(response.url) or ListWalk(response.url, ListKind.SECTION))
        walk = walks.adopt(walk_meta)
        number = meta.get("page", 0)
        if not hasattr(response, "text"):
            logger.warning("list page %s is not text (%s); skipped", response.url, _content_type(response))
            yield from self.list_requests(walk, walks.gone(walk, number), streak=0, hops=hops)
            return
        self.crawler.stats.inc_value("history/list_pages_walked")
        articles: list[str] = []
        texts: dict[str, str] = {}  # each article link's text (extraction checks the headline)
        pages: dict[int, str] = {}
        lists: list[str] = []
        for link in self.link_extractor.extract_links(response):  # type: ignore[arg-type]  # a TextResponse
            kind = classify_url(link.url, self.profile)
            if kind is LinkKind.ARTICLE:
                articles.append(link.url)
                texts.setdefault(link.url, link.text)
            elif kind is LinkKind.LIST:
                self._sort_list_link(link.url, walk.list_url, number, pages, lists)
        flags = [self.archived_before(url) for url in articles]
        streak = known_streak(flags, walk.streak_before(number, meta.get("known_streak", 0)))
        walk.streaks[number] = streak
        follow = True
        if walks.may_stop_on_streak(walk) and streak >= self.profile.revisit.stop_after_known:
            follow = False
            self.crawler.stats.inc_value("incremental/pagination_stopped")
            logger.debug(
                "%s: the last %d articles are archived; the walk of %s stops",
                response.url,
                streak,
                walk.list_url,
            )
        for url in articles:
            if request := self.checked(url, partial(self.article_request, url, texts.get(url)), response.url):
                yield request
        unstored = [url for url, flag in zip(articles, flags, strict=True) if flag is not True]
        yield from self.list_requests(
            walk, walks.walked(walk, number, response.url, unstored, pages, follow=follow), streak, hops
        )
        if hops < self.profile.max_list_pages:
            for url in lists:
                if other := walks.top(url):
                    yield from self.list_requests(other, other.to_request(), streak=0, hops=hops + 1)

    def _sort_list_link(
        self, url: str, list_url: str, number: int, pages: dict[int, str], lists: list[str]
    ) -> None:
        """A list link is a page of this list (numbered), or another list."""
        if not is_pagination(url, self.profile):
            lists.append(url)
            return
        n = page_number(url, self.profile)
        if n == 0:  # a first page: another list's (the pagination pattern may match first pages too)
            if url != list_url:
                lists.append(url)
            return
        pages.setdefault(number + 1 if n is None else n, url)

    def archived_before(self, url: str) -> bool | None:
        """Whether an earlier walk covered an article: True, False, or None (stored by this crawl).

        True for an article archived before this crawl or in the backlog (an earlier walk saw it).
        """
        history = getattr(self.archive, "history", None)
        if history is not None and url in history.backlog_urls:
            return True
        index = self.archive.index if self.archive is not None else None
        known = index.find_url(url) if index is not None else None
        if known is None:
            return False
        return None if known.last_seen is not None and known.last_seen >= self.started else True

    def follow(
        self,
        url: str,
        depth: int,
        trusted: bool = False,
        lastmod: datetime | None = None,
        text: str | None = None,
    ) -> Iterator[scrapy.Request]:
        """Request a discovered URL according to what it is.

        Links from feeds and news sitemaps are articles by construction (``trusted``)
        unless the profile's exclude patterns say otherwise. A sitemap's ``lastmod`` makes an
        archived article due when it is newer than the archive's last fetch. ``text`` is the link's
        text (or the feed item's title): extraction checks the headline against it. A URL that
        cannot be requested (a port that is no number ...) is counted as `discovery/bad_url`; the
        caller goes on.
        """
        if request := self.checked(url, lambda: self._request_for(url, depth, trusted, lastmod, text)):
            yield request

    def _request_for(
        self, url: str, depth: int, trusted: bool, lastmod: datetime | None, text: str | None = None
    ) -> scrapy.Request | None:
        kind = classify_url(url, self.profile)
        if kind is LinkKind.OTHER and trusted and not any(p.search(url) for p in self.profile.exclude_res):
            kind = LinkKind.ARTICLE
        if kind is LinkKind.ARTICLE:
            request = self.article_request(url, text)
            if lastmod is not None:
                request.meta["lastmod"] = lastmod
            return request
        if kind is LinkKind.LIST and depth <= self.profile.max_list_pages and (walk := self.walks.top(url)):
            pages = walk.to_request()
            return self.walk_request(walk, *pages[0], self.parse_list, hops=depth) if pages else None
        return None

    def discovered(self, response: Response, link: str) -> str | None:
        """A link of a feed, sitemap or robots.txt made absolute; None (counted, logged) when malformed."""
        try:
            url = response.urljoin(link)
            urlsplit(url).port  # noqa: B018 (raises ValueError on a port that is no number)
        except ValueError as exc:
            self.bad_url(link, response.url, exc)
            return None
        return url

    def checked(
        self, url: str, make: Callable[[], scrapy.Request | None], found_in: str | None = None
    ) -> scrapy.Request | None:
        """make() for a discovered URL, or None (counted as `discovery/bad_url`) when it cannot be requested.

        One malformed entry must not end the reading of the feed, sitemap or page it is in.
        """
        try:
            return make()
        except ValueError as exc:
            self.bad_url(url, found_in, exc)
            return None

    def bad_url(self, url: str, found_in: str | None, exc: Exception) -> None:
        """Count and log one malformed discovered URL (the file it was in is read on)."""
        self.crawler.stats.inc_value("discovery/bad_url")
        where = f" in {found_in}" if found_in else ""
        logger.warning("skipped a malformed URL%s: %.200r (%s)", where, url, exc)

    def list_requests(
        self, walk: ListWalk, pages: list[tuple[int, str]], streak: int, hops: int
    ) -> Iterator[scrapy.Request]:
        """Requests for the next pages of a walk (`hops`: for a sitemap walk, the index depth)."""
        for number, url in pages:
            if walk.kind is ListKind.SITEMAP:
                make = partial(self.sitemap_request, url, hops, walk=walk, number=number)
            else:
                make = partial(
                    self.walk_request, walk, number, url, self.parse_list, streak=streak, hops=hops
                )
            if request := self.checked(url, make):
                yield request
            else:  # a URL that cannot be requested: the list ends before it
                yield from self.list_requests(walk, self.walks.gone(walk, number), streak, hops)

    def walk_request(
        self, walk: ListWalk, number: int, url: str, callback: Any, *, streak: int = 0, hops: int = 0
    ) -> scrapy.Request:
        """A page of a list's walk: lower pages first (priority), articles before any of them."""
        meta = {
            "kind": "list",
            "pagination": number > 0,
            "walk": SiteWalks.meta(walk),
            "page": number,
            "known_streak": streak,
        }
        kwargs = {"hops": hops} if callback == self.parse_list else {}
        return scrapy.Request(
            url,
            callback,
            cb_kwargs=kwargs,
            meta=meta,
            priority=-min(number, 1000),
            errback=self.list_failed,
            # a walk never asks for a page twice; another walk sharing the page walks it too
            dont_filter=self.own_dedup or number == walk.join_at,
        )

    @property
    def own_dedup(self) -> bool:
        """Walks skip the duplicate filter, except in a distributed run (its workers share one filter)."""
        return not frontier_url(self.crawler.settings)

    def list_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """A list page not walked: gone (404/410) ends the list; other errors leave it to the next crawl."""
        self.fetch_failed(failure)
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        walk_meta = request.meta.get("walk")
        if not walk_meta:
            return
        walks = self.walks
        walk = walks.adopt(walk_meta)
        number = request.meta.get("page", 0)
        status = failure.value.response.status if failure.check(HttpError) else None
        if status in GONE_STATUSES or failure.check(OutboundRefused, AddressRefused, IgnoreRequest):
            pages = walks.gone(walk, number)  # never to be walked: gone, refused, offsite or robots.txt
        else:
            self.crawler.stats.inc_value("history/list_pages_failed")
            pages = walks.failed(walk, number)
        yield from self._walk_on(request, walk, pages)

    def list_dropped(self, request: scrapy.Request) -> None:
        """A list page the scheduler dropped: another walk or worker asked for it first.

        The walk asks for its next pages instead; the dropped page holds no place among its pages
        in flight (else, in a distributed run, walks would stall with pages nobody fetches).
        """
        walk_meta = request.meta.get("walk")
        if not walk_meta or self.crawler.engine is None:
            return
        walk = self.walks.adopt(walk_meta)
        for follow in self._walk_on(request, walk, self.walks.failed(walk, request.meta.get("page", 0))):
            self.crawler.engine.crawl(follow)

    def _walk_on(
        self, request: scrapy.Request, walk: ListWalk, pages: list[tuple[int, str]]
    ) -> Iterator[scrapy.Request]:
        """The requests for a walk's next pages after one of its pages was not walked."""
        hops = request.cb_kwargs.get("hops", request.cb_kwargs.get("depth", 0))
        yield from self.list_requests(walk, pages, request.meta.get("known_streak", 0), hops)

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
        later: Article | None = response.meta.get("later_page")
        gone = self.gone_reason(response, requested)
        if response.status == 304:
            yield self.visit(requested, response, "not_modified", "HTTP 304 Not Modified", fetched_at)
            return
        if gone is not None:
            yield self.visit(requested, response, "gone", gone, fetched_at)
            if later is not None:
                yield self.own_article(later)
            return
        article = await self.extract(response, fetched_at)
        if isinstance(article, ExtractionFailure):
            yield article
        elif isinstance(article, Article) and article.quality.get("gone_notice"):
            yield self.visit(requested, response, "gone", "the page says the article was deleted", fetched_at)
            if later is not None:
                yield self.own_article(later)
        if not isinstance(article, Article) or article.quality.get("gone_notice"):
            return
        if later is not None and not continues(article, later):
            self.crawler.stats.inc_value("extract/not_a_later_page")
            yield self.own_article(later)  # its "first page" is another article
        if _moved(response) and normalize_url(requested) != normalize_url(response.url):
            article.moved_from = [requested]
        async for output in self.article_pages(article, response):
            yield output

    async def article_pages(
        self, article: Article, response: Response
    ) -> AsyncIterator[Article | scrapy.Request]:
        """An article's first page in hand: fetch the others, or the first one when this is a later page."""
        pages = article.page_urls
        if len(pages) > 1 and clean_url(pages[0]) != clean_url(response.url):
            self.crawler.stats.inc_value("extract/later_page")
            # Articles are fetched from their first page; this one is stored alone if that is another
            # article or gone (not when it fails for a while: the next crawl tries again).
            request = self.article_request(pages[0])
            request.meta["later_page"] = article
            yield request
            return
        async for output in self.next_page(_Pages(collected=[article], remaining=pages[1:])):
            yield output

    def own_article(self, article: Article) -> Article:
        """A page taken for a later page of an article that turned out to be an article of its own."""
        article.page_urls = [article.url]
        return article

    def gone_reason(self, response: Response, requested: str) -> str | None:
        """Why an answer means the article is gone: 404/410, or a redirect to the home or a section page."""
        if response.status in GONE_STATUSES:
            return f"HTTP {response.status}"
        if not response.meta.get("redirect_urls"):
            return None
        if self.is_home(response.url):
            return f"redirected to the home page {response.url}"
        rules = UrlRules.of(self.profile)
        where = not_article_address(rules.normalize(response.url), rules.normalize(requested), self.profile)
        if where in ("site_root", "list_page"):
            return f"redirected to a section page {response.url}"
        return None

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
        elif not continues(pages.collected[0], page):
            # A 下一页 to another article: this article ends here, and that one is stored as itself.
            self.crawler.stats.inc_value("extract/not_a_later_page")
            pages.remaining = []
            if not page.quality.get("gone_notice"):
                yield self.own_article(page)
        else:
            pages.collected.append(page)
        async for output in self.next_page(pages):
            yield output

    async def article_page_failed(self, failure: Failure) -> AsyncIterator[Article | scrapy.Request]:
        """A page that cannot be fetched is reported as missing; the others are still merged."""
        self.fetch_failed(failure)
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        pages: _Pages = request.meta["pages"]
        pages.missing.append(request.url)
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


def _meta(response: Response) -> dict[str, Any]:
    """The request's meta (empty for a response built without a request: scrapy shell, tests)."""
    return response.request.meta if response.request is not None else {}


def _moved(response: Response) -> bool:
    """The response came through permanent redirects only (301, 308): the page moved."""
    reasons = response.meta.get("redirect_reasons") or ()
    return bool(reasons) and all(reason in (301, 308) for reason in reasons)


def _w3c_datetime(value: str | None, tz: tzinfo) -> datetime | None:
    """A sitemap's lastmod (W3C datetime: a day, or a time with or without a zone) as an aware datetime."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip()[:40])
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=tz)


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
    if (settings.getpriority("USER_AGENT") or 0) <= SETTINGS_PRIORITIES["project"]:  # not set by the user
        contact = configured_contact(profile.contact, settings.get("CRAWL_CONTACT"))
        settings.set("USER_AGENT", user_agent(contact), priority="spider")
