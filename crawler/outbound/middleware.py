"""Apply the crawl's outbound policy to every request, whoever made it.

Start URLs, list pages, articles, pagination, feeds, sitemaps, robots.txt and redirects
(including those sent past the duplicate filter with dont_filter) all pass through the
downloader middlewares; this one runs first, so nothing outside the policy is ever sent,
and it registers the policy with the resolver, which checks the address of every connection.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, NoReturn, Self
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

from crawler.outbound.policy import OutboundPolicy, Refusal, parse_address
from crawler.outbound.resolver import PolicyResolver

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

#: Stats key prefix: `outbound/refused` in all, `outbound/refused/<reason>` by reason.
STATS_KEY = "outbound/refused"
#: The first refusal of each reason, `outbound/example/<reason>`: host[:port], no credentials.
EXAMPLE_KEY = "outbound/example"


class OutboundRefused(IgnoreRequest):
    """A request outside the crawl's outbound policy (counted and logged once per host already)."""


class OutboundPolicyMiddleware:
    """Refuses requests outside the profile's policy; has the resolver refuse non-public addresses."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy: OutboundPolicy | None = None
        self._logged: set[tuple[str, str]] = set()
        self._resolver: PolicyResolver | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Always on: there is no setting that turns the policy off (profiles loosen it)."""
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        """Build the policy from the spider's profile and register it with the resolver."""
        profile = getattr(spider, "profile", None)
        if profile is not None:
            self.policy = OutboundPolicy.from_profile(profile)
        else:  # a spider of another kind: its allowed_domains, standard ports, public addresses
            self.policy = OutboundPolicy(domains=tuple(getattr(spider, "allowed_domains", None) or ()))
        from twisted.internet import reactor

        resolver = getattr(reactor, "resolver", None)
        if isinstance(resolver, PolicyResolver):
            resolver.register(self)  # type: ignore[arg-type]  # its policy is set just above
            self._resolver = resolver
        else:
            # Without our resolver host names are not checked at connection time: refuse them all.
            logger.error(
                "TWISTED_DNS_RESOLVER is not %s.%s: only IP-literal hosts can be checked, so every "
                "request to a host name is refused",
                PolicyResolver.__module__,
                PolicyResolver.__name__,
            )
        logger.info(
            "outbound policy: %s on ports %s%s",
            ", ".join(self.policy.domains) or "(no domain)",
            ", ".join(str(p) for p in sorted(self.policy.ports)),
            "; private addresses allowed"
            if self.policy.allow_private_addresses
            else "; public addresses only",
        )

    def spider_closed(self, spider: Spider) -> None:
        """Unregister from the resolver."""
        if self._resolver is not None:
            self._resolver.unregister(self)  # type: ignore[arg-type]
            self._resolver = None

    def process_request(self, request: Request) -> None:
        """Let the request through, or raise OutboundRefused."""
        if self.policy is None:
            self.refuse(request.url, Refusal.DOMAIN, "before the crawl's policy was set")
        refusal = self.policy.check_url(request.url)
        if refusal is None and self._resolver is None and not _is_ip_literal(request.url):
            refusal = Refusal.ADDRESS
        if refusal is not None:
            self.refuse(request.url, refusal, "")

    def refuse(self, url: str, reason: Refusal, detail: str) -> NoReturn:
        """Count, log once per host and reason, and raise OutboundRefused."""
        host = _host(url)
        self._count(host, reason, f"{url} {detail}".strip(), _where(url, reason))
        raise OutboundRefused(f"outbound policy: {reason} not allowed: {url}")

    def address_refused(self, host: str, address: str) -> None:
        """Called by the resolver when a host name resolved to a refused address."""
        self._count(host, Refusal.ADDRESS, f"{host} resolves to {address}", f"{host} resolves to {address}")

    def _count(self, host: str, reason: Refusal, what: str, example: str) -> None:
        stats = self.crawler.stats
        stats.inc_value(STATS_KEY)
        stats.inc_value(f"{STATS_KEY}/{reason}")
        if stats.get_value(f"{EXAMPLE_KEY}/{reason}") is None:
            stats.set_value(f"{EXAMPLE_KEY}/{reason}", example[:200])
        if (host, reason) not in self._logged:
            self._logged.add((host, reason))
            logger.warning(
                "outbound policy refused %s (%s; further refusals for this host are only counted)",
                what,
                _EXPLAIN[reason],
            )


_EXPLAIN = {
    Refusal.SCHEME: "only http and https are fetched",
    Refusal.DOMAIN: "not one of the profile's domains",
    Refusal.PORT: "not port 80, 443, the base URL's port or one of the profile's allowed_ports",
    Refusal.ADDRESS: "a loopback, private, link-local, reserved or multicast address; "
    "profiles of such sites say allow_private_addresses: true",
}


#: What to change in the profile when a reason refused every request of a crawl.
_FIX = {
    Refusal.SCHEME: "only http and https are fetched: check the profile's base_url and start_urls",
    Refusal.DOMAIN: "add the host to the profile's allowed_domains",
    Refusal.PORT: "add the port to the profile's allowed_ports (e.g. allowed_ports: [8080])",
    Refusal.ADDRESS: "if the site really lives on a loopback or private network (a test server, an "
    "intranet), add `allow_private_addresses: true` to its profile",
}


def refused_everything(stats: dict[str, Any]) -> str | None:
    """Why a crawl that fetched no page had every request refused, and the fix; None if it did not."""
    total = stats.get(STATS_KEY, 0)
    if not total or stats.get("response_received_count", 0):
        return None
    counts = sorted(
        (
            (Refusal(key.rsplit("/", 1)[1]), count)
            for key, count in stats.items()
            if key.startswith(f"{STATS_KEY}/")
        ),
        key=lambda item: -item[1],
    )
    reasons = "; ".join(
        f"{count} for the {reason} ({_EXPLAIN[reason]}), e.g. {stats.get(f'{EXAMPLE_KEY}/{reason}', '?')}"
        for reason, count in counts
    )
    fixes = "; ".join(_FIX[reason] for reason, _ in counts)
    return f"no page was fetched: the outbound policy refused all {total} requests: {reasons}. Fix: {fixes}"


def _where(url: str, reason: Refusal) -> str:
    """A refused URL's scheme, or host and port, without credentials."""
    try:
        parts = urlsplit(url)
        if reason is Refusal.SCHEME:
            return f"{parts.scheme}: URL"
        return parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else url[:100]
    except ValueError:
        return "an unparsable URL"


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def _is_ip_literal(url: str) -> bool:
    return parse_address(_host(url)) is not None
