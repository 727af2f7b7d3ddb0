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


#: Characters tried when asking whether two pattern pieces can start with the same character.
_PROBES = "".join(chr(c) for c in range(32, 127)) + "\t\n\u00e9\u4e2d\u3000\uff11\u0663\u00a0"
#: Steps of the ambiguity walk before a pattern counts as too involved to check (then refused).
_MAX_STEPS = 20_000
_END = ("end", None)


class _TooInvolved(Exception):
    """The ambiguity walk took more than _MAX_STEPS steps."""


class _Ambiguity:
    """Is there a point inside a repetition where two ways on match the same next character?

    ``(a|aa)+`` is the shape: after an ``a`` the pattern may end the alternative (and start the
    next round with ``a``) or take the second ``a``, so a run of n ``a`` has about 1.6^n ways to
    split, all tried on a line that does not match. Each choice point inside a repetition
    (alternatives, an optional or repeated piece) is checked: the characters each way can start
    with, counting what follows the choice (and the next round), must not overlap.
    """

    def __init__(self, flags: int) -> None:
        from re import _constants as c  # type: ignore[attr-defined]

        self.c = c
        self.flags = flags
        self.repeats = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None))
        self.chars = (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY, c.CATEGORY)
        self.zero_width = (c.AT, c.ASSERT, c.ASSERT_NOT)
        self.steps = 0
        self._compiled: dict[str, Any] = {}

    def first(self, seq: list[Any], follow: list[Any]) -> list[Any]:
        """The atoms that can match the first character of seq followed by `follow`."""
        c = self.c
        self.steps += 1
        if self.steps > _MAX_STEPS:
            raise _TooInvolved
        for i, (op, av) in enumerate(seq):
            rest = seq[i + 1 :]
            if op in self.chars:
                return [(op, av)]
            if op in self.zero_width:
                continue
            if op is c.SUBPATTERN:
                return self.first([*av[-1], *rest], follow)
            if op is c.ATOMIC_GROUP:
                return self.first([*av, *rest], follow)
            if op is c.BRANCH:
                return [atom for alt in av[1] for atom in self.first([*alt, *rest], follow)]
            if op in self.repeats:
                low, _high, body = av
                taken = self.first([*body, *rest], follow)
                return taken if low > 0 else taken + self.first(rest, follow)
            return [(c.ANY, None)]  # a back reference, a conditional: could be anything
        return list(follow)

    def find(self, seq: list[Any], follow: list[Any], inside: bool) -> str | None:
        """A description of the first ambiguous choice in seq (inside: within a repetition)."""
        c = self.c
        for i, (op, av) in enumerate(seq):
            rest = seq[i + 1 :]
            if op is c.SUBPATTERN or op is c.ATOMIC_GROUP:
                # nothing backtracks into an atomic group: its choices are made once
                inner, within = (av[-1], inside) if op is c.SUBPATTERN else (av, False)
                if found := self.find(list(inner), self.first(rest, follow), within):
                    return found
            elif op is c.BRANCH:
                after = self.first(rest, follow)
                ways = [self.first(list(alt), after) for alt in av[1]]
                if inside and self._any_overlap(ways):
                    return "alternatives that can match the same text"
                for alt in av[1]:
                    if found := self.find(list(alt), after, inside):
                        return found
            elif op in self.repeats:
                low, high, body = av
                after = self.first(rest, follow)
                again = self.first(list(body), after) + after if high > 1 else after
                possessive = op is self.repeats[2]  # never gives back: no choice to retry
                if (
                    inside
                    and low < high
                    and not possessive
                    and self._overlap(self.first(list(body), again), after)
                ):
                    return "an optional or repeated piece that can match what follows it"
                if found := self.find(list(body), again, (inside or high > 1) and not possessive):
                    return found
        return None

    def _any_overlap(self, ways: list[list[Any]]) -> bool:
        return any(self._overlap(a, b) for n, a in enumerate(ways) for b in ways[n + 1 :])

    def _overlap(self, left: list[Any], right: list[Any]) -> bool:
        left = [a for a in left if a != _END]
        right = [a for a in right if a != _END]
        if not left or not right:
            return False
        probes = set(_PROBES) | self._endpoints(left) | self._endpoints(right)
        return any(self._matches(left, ch) and self._matches(right, ch) for ch in probes)

    def _endpoints(self, atoms: list[Any]) -> set[str]:
        c = self.c
        found: set[str] = set()
        for op, av in atoms:
            if op in (c.LITERAL, c.NOT_LITERAL):
                found.add(chr(av))
            elif op is c.IN:
                for item_op, item in av:
                    if item_op is c.LITERAL:
                        found.add(chr(item))
                    elif item_op is c.RANGE:
                        found.update((chr(item[0]), chr(item[1])))
        return found

    def _matches(self, atoms: list[Any], ch: str) -> bool:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        for atom in atoms:
            key = repr(atom)
            if key not in self._compiled:
                self._compiled[key] = _compiler.compile(
                    _parser.SubPattern(_parser.State(), [atom]), self.flags
                )
            if self._compiled[key].fullmatch(ch):
                return True
        return False


def _ambiguous_repetition(value: str) -> str | None:
    """Why the pattern can backtrack exponentially through ambiguous choices, or None."""
    from re import _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(value)
    walk = _Ambiguity(parsed.state.flags)
    try:
        return walk.find(list(parsed), [_END], inside=False)
    except _TooInvolved:
        return "too many alternatives to check"


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
    if reason := _ambiguous_repetition(value):
        raise ValueError(
            f"ambiguous repetition in {value!r} ({reason}, like (a|aa)+): it can take exponential "
            "time on a non-matching line; make the alternatives start differently, or make the "
            "repetition possessive ((?:a|aa)++) or atomic ((?>a|aa)+)"
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
        from crawler.outbound.identity import check_contact

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
