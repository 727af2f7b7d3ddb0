"""What a site profile may say, validated: the declarative description of one news site.

Profiles are data, never code: patterns are regular expressions compiled here, nothing is
evaluated. Every later stage (spider, extraction, storage, scheduler) reads the same model.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

NAME_RE = r"^[a-z0-9][a-z0-9_-]{0,62}$"


#: Profile patterns are user input that runs on page text and URLs: bounded in length, and
#: refused when a repetition contains another unbounded one (``(a+)+``, ``(\w*\s?)*``), the
#: shape whose backtracking grows exponentially on a non-matching line.
MAX_PATTERN_CHARS = 500


def _nested_repeat(items: Any, inside: bool = False) -> bool:
    """True when an unbounded repetition sits inside another repetition in a parsed pattern."""
    from re import _constants as c  # type: ignore[attr-defined]

    repeats = (c.MAX_REPEAT, c.MIN_REPEAT)
    for op, av in items:
        if op in repeats:
            _low, high, sub = av
            if inside and high == c.MAXREPEAT:
                return True
            if _nested_repeat(sub, inside or high > 1):
                return True
        elif op is c.SUBPATTERN:
            if _nested_repeat(av[-1], inside):
                return True
        elif op is c.BRANCH:
            if any(_nested_repeat(branch, inside) for branch in av[1]):
                return True
        elif op in (c.ASSERT, c.ASSERT_NOT, c.ATOMIC_GROUP) and _nested_repeat(
            av[-1] if op is not c.ATOMIC_GROUP else av, inside
        ):
            return True
    return False


def _check_regex(value: str) -> str:
    if len(value) > MAX_PATTERN_CHARS:
        raise ValueError(f"pattern longer than {MAX_PATTERN_CHARS} characters: {value[:60]!r}...")
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc}): {value!r}") from exc
    from re import _parser  # type: ignore[attr-defined]

    if _nested_repeat(_parser.parse(value)):
        raise ValueError(
            f"nested repetition in {value!r} (a repeated group that itself repeats without bound, "
            "like (a+)+): it can take exponential time on a non-matching line; write it without "
            "the outer repetition, or make the inner one possessive/bounded (a++, a{1,20})"
        )
    return value


#: A regular expression, compiled at load so that a bad one is reported with its line.
Regex = Annotated[str, Field(min_length=1), AfterValidator(_check_regex)]


def _check_domain(value: str) -> str:
    """A host name (IDN allowed, stored in its ASCII form) or an IP address; never a URL."""
    from crawler.outbound.policy import parse_address

    text = value.strip().lower().rstrip(".")
    if parse_address(text) is not None:
        return text
    try:
        ascii_name = text.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError(f"not a domain name: {value!r} ({exc})") from None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_LABEL_RE.fullmatch(label) for label in labels):
        raise ValueError(
            f"not a domain name: {value!r} (write the host only, e.g. www.example.cn: "
            "no scheme, port, path or wildcard)"
        )
    return ascii_name


#: One DNS label: letters, digits, inner hyphens, 1-63 characters (no nested repetition).
_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def _check_profile_url(key: str, url: str, domains: tuple[str, ...]) -> None:
    """A profile URL: a path relative to base_url, or an absolute http(s) URL on the domains."""
    from crawler.outbound.policy import host_in_domains

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError as exc:
        raise ValueError(f"{key}: not a valid URL {url!r} ({exc})") from None
    if not parts.scheme and not parts.netloc:
        return
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{key}: {url!r} must be a path (/news/) or an absolute http(s) URL")
    if not host_in_domains(parts.hostname, domains):
        raise ValueError(f"{key}: {url!r} is not on the profile's domains ({', '.join(domains)})")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Selectors(_Strict):
    """CSS selectors used when the heuristics fail on a site (all optional)."""

    title: str | None = None
    body: str | None = None
    date: str | None = None
    author: str | None = None


class Politeness(_Strict):
    """Per-site overrides of the crawl's politeness settings."""

    download_delay: float | None = Field(default=None, ge=0, le=600)
    concurrency: int | None = Field(default=None, ge=1, le=32)
    autothrottle_target_concurrency: float | None = Field(default=None, gt=0, le=32)
    autothrottle_max_delay: float | None = Field(default=None, gt=0, le=3600)
    obey_robots: bool = True


class Revisit(_Strict):
    """When an already archived article is fetched again (incremental crawls)."""

    #: Re-fetch an article at most this often while it is young ...
    young_hours: float = Field(default=6, gt=0)
    #: ... articles younger than this many days count as young ...
    young_days: float = Field(default=3, ge=0)
    #: ... and older articles only after this many days (0 disables revisits of old articles).
    old_days: float = Field(default=30, ge=0)
    #: Stop walking a section's list pages after this many consecutive known articles.
    stop_after_known: int = Field(default=20, ge=1)


class Schedule(_Strict):
    """How often the scheduler crawls this site: an interval or a cron expression."""

    every_minutes: float | None = Field(default=None, gt=0)
    cron: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Schedule:
        if (self.every_minutes is None) == (self.cron is None):
            raise ValueError("give exactly one of every_minutes or cron")
        if self.cron is not None:
            from croniter import croniter

            if not croniter.is_valid(self.cron):
                raise ValueError(f"not a valid cron expression: {self.cron!r}")
        return self


class SiteProfile(_Strict):
    """One news site: where to find articles and how to read them."""

    name: str = Field(pattern=NAME_RE)
    title: str = ""
    base_url: str
    allowed_domains: list[str] = Field(default_factory=list)
    start_urls: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    #: Also read the Sitemap: lines of robots.txt.
    sitemaps_from_robots: bool = True
    article_patterns: list[Regex] = Field(default_factory=list)
    list_patterns: list[Regex] = Field(default_factory=list)
    pagination_pattern: Regex | None = None
    exclude_patterns: list[Regex] = Field(default_factory=list)
    #: Query parameters of this site that never change the article (besides tracking and session ones).
    ignore_params: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list)
    #: The server ignores case in paths (/NEWS/A.HTML is /news/a.html): article keys are lowercased.
    case_insensitive_paths: bool = False
    #: How many list pages of one section to walk (newest first).
    max_list_pages: int = Field(default=50, ge=1)
    selectors: Selectors = Field(default_factory=Selectors)
    encoding: str | None = None
    timezone: str = "Asia/Shanghai"
    language: str | None = None
    politeness: Politeness = Field(default_factory=Politeness)
    #: Site-specific boilerplate: a paragraph matching any of these is removed.
    boilerplate_patterns: list[Regex] = Field(default_factory=list)
    revisit: Revisit = Field(default_factory=Revisit)
    schedule: Schedule | None = None
    #: Ports besides 80, 443 and the base URL's own that the crawl may request.
    allowed_ports: list[Annotated[int, Field(ge=1, le=65535)]] = Field(default_factory=list)
    #: Who to contact about this crawl (e-mail or URL), added to the User-Agent.
    contact: str | None = None
    #: Let host names resolve to loopback / private / link-local addresses (demo, tests, intranets).
    allow_private_addresses: bool = False
    #: False for profiles written from a site's public URL conventions but not crawled live.
    verified: bool = False
    notes: str = ""

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"must be an absolute http(s) URL, got {value!r}")
        return value if parts.path else value + "/"

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        from crawler.identity import check_contact

        return None if value is None else check_contact(value)

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, values: list[str]) -> list[str]:
        return [_check_domain(value) for value in values]

    @model_validator(mode="after")
    def _urls_on_site(self) -> SiteProfile:
        """Absolute start, feed and sitemap URLs must be http(s) on the profile's domains."""
        from crawler.outbound.policy import host_in_domains

        domains = tuple(self.domains)
        base_host = urlsplit(self.base_url).hostname or ""
        if not host_in_domains(base_host, domains):
            raise ValueError(
                f"base_url's host {base_host!r} is not in allowed_domains ({', '.join(domains)})"
            )
        for key in ("start_urls", "feeds", "sitemaps"):
            for url in getattr(self, key):
                _check_profile_url(key, url, domains)
        return self

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)") from exc
        return value

    @field_validator("encoding")
    @classmethod
    def _codec(cls, value: str | None) -> str | None:
        if value is None:
            return None
        import codecs

        try:
            codecs.lookup(value)
        except LookupError as exc:
            raise ValueError(f"unknown encoding {value!r}") from exc
        return value

    # Derived values -------------------------------------------------------------------

    @property
    def domains(self) -> list[str]:
        """Domains the crawl may visit: the profile's list, else the base URL's host."""
        return list(self.allowed_domains) or [urlsplit(self.base_url).hostname or ""]

    @property
    def tz(self) -> ZoneInfo:
        """The site's time zone for dates printed without one."""
        return ZoneInfo(self.timezone)

    def absolute(self, url: str) -> str:
        """Resolve a profile URL (relative ones against base_url)."""
        return urljoin(self.base_url, url)

    def with_base_url(self, base_url: str) -> SiteProfile:
        """Copy of the profile served from another address (demo, tests, mirrors)."""
        data = self.model_dump()
        data["base_url"] = base_url
        if not self.allowed_domains or self.allowed_domains == [urlsplit(self.base_url).hostname]:
            data["allowed_domains"] = []
        return SiteProfile.model_validate(data)

    @cached_property
    def article_res(self) -> list[re.Pattern[str]]:
        """Compiled article_patterns."""
        return [re.compile(p) for p in self.article_patterns]

    @cached_property
    def list_res(self) -> list[re.Pattern[str]]:
        """Compiled list_patterns (plus the pagination pattern)."""
        pats = [*self.list_patterns, *([self.pagination_pattern] if self.pagination_pattern else [])]
        return [re.compile(p) for p in pats]

    @cached_property
    def exclude_res(self) -> list[re.Pattern[str]]:
        """Compiled exclude_patterns."""
        return [re.compile(p) for p in self.exclude_patterns]

    @cached_property
    def boilerplate_res(self) -> list[re.Pattern[str]]:
        """Compiled boilerplate_patterns."""
        return [re.compile(p) for p in self.boilerplate_patterns]
