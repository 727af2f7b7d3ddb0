"""The outbound-request policy of one crawl: which URLs may be requested, which addresses reached.

A hostile page can link, redirect or announce (feeds, sitemaps, robots.txt) anything: another
port on the crawler's own machine, a cloud metadata service, a `file://` URL. Every request is
checked here before it is sent (scheme, host, port) and every connection again once its host
name is resolved (the address), so a name that resolves to 127.x or 10.x - or is re-bound to
one between two requests - is refused too.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Sequence

SCHEMES = frozenset(("http", "https"))
DEFAULT_PORTS = {"http": 80, "https": 443}
#: Ports every profile may use; the base URL's port and the profile's `allowed_ports` add to these.
STANDARD_PORTS = frozenset((80, 443))

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Destination(Protocol):
    """What a policy is made from: a site profile (crawler.profiles.SiteProfile)."""

    @property
    def base_url(self) -> str:
        """Where the site starts."""
        ...

    @property
    def domains(self) -> Sequence[str]:
        """The domains the crawl may visit."""
        ...

    @property
    def allowed_ports(self) -> Sequence[int]:
        """Ports allowed besides the base URL's (and 80/443 for public sites)."""
        ...

    @property
    def allow_private_addresses(self) -> bool:
        """Whether loopback and private addresses may be reached."""
        ...


class Refusal(StrEnum):
    """Why a request or a connection was refused (the last part of its stats key)."""

    SCHEME = "scheme"
    DOMAIN = "domain"
    PORT = "port"
    ADDRESS = "address"


def parse_address(host: str) -> IPAddress | None:
    """The address when host is an IP literal (`127.0.0.1`, `[::1]`, `::ffff:10.0.0.1`), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_public(address: IPAddress) -> bool:
    """False for loopback, private, link-local, shared, reserved, multicast and unspecified addresses.

    IPv6 forms that carry an IPv4 address (mapped `::ffff:a.b.c.d`, 6to4, Teredo) are judged by it.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_private
        or address.is_unspecified
    )


def host_in_domains(host: str, domains: tuple[str, ...]) -> bool:
    """True when host is one of domains or a subdomain of one (case-insensitive, trailing dot ignored)."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


@dataclass(frozen=True)
class OutboundPolicy:
    """Where one crawl may go: http(s) only, the profile's domains, its ports, public addresses."""

    domains: tuple[str, ...]
    ports: frozenset[int] = STANDARD_PORTS
    allow_private_addresses: bool = False
    schemes: frozenset[str] = field(default=SCHEMES)

    @classmethod
    def from_profile(cls, profile: Destination) -> OutboundPolicy:
        """The policy a profile describes: its domains, the base URL's port + `allowed_ports`, and 80/443.

        A site on private addresses (`allow_private_addresses`: loopback, an intranet) gets no
        80/443 by default: other services listen there (a local web server, an admin page), so
        its base URL's port and `allowed_ports` are the only ways in.
        """
        base = urlsplit(profile.base_url)
        ports = set(profile.allowed_ports)
        ports.add(base.port or DEFAULT_PORTS[base.scheme])
        if not profile.allow_private_addresses:
            ports |= STANDARD_PORTS
        return cls(
            domains=tuple(d.lower().rstrip(".") for d in profile.domains),
            ports=frozenset(ports),
            allow_private_addresses=profile.allow_private_addresses,
        )

    def check_url(self, url: str) -> Refusal | None:
        """Why this URL may not be requested, or None when it may."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:  # a port out of range or not a number
            return Refusal.PORT
        scheme = parts.scheme.lower()
        if scheme not in self.schemes:
            return Refusal.SCHEME
        host = parts.hostname or ""
        if not host or not host_in_domains(host, self.domains):
            return Refusal.DOMAIN
        if (port or DEFAULT_PORTS[scheme]) not in self.ports:
            return Refusal.PORT
        address = parse_address(host)
        if address is not None:
            # An IP literal never reaches the resolver: its address is checked here.
            return self.check_address(address)
        return None

    def check_address(self, address: str | IPAddress) -> Refusal | None:
        """Why a connection to this resolved address is refused, or None when it is allowed."""
        if self.allow_private_addresses:
            return None
        if isinstance(address, str):
            parsed = parse_address(address)
            if parsed is None:
                return Refusal.ADDRESS
            address = parsed
        return None if is_public(address) else Refusal.ADDRESS
