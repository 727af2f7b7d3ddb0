"""The DNS resolver that checks every resolved address against the running crawls' policies.

Checking a host name's address in a middleware and connecting later would resolve twice; a
hostile DNS server answers a public address the first time and 127.0.0.1 the second (DNS
rebinding). Here the address is checked on the very answer the connection uses, cached
answers included. Installed with the TWISTED_DNS_RESOLVER setting; crawls register their
policy when their spider opens (OutboundPolicyMiddleware).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from crawler.outbound.policy import OutboundPolicy, Refusal

if TYPE_CHECKING:
    from collections.abc import Sequence

    from twisted.internet.defer import Deferred


class AddressRefused(DNSLookupError):
    """A host name resolved to an address the crawl's outbound policy refuses."""


class AddressGuard(Protocol):
    """What a crawl registers: its policy, and where refusals are reported."""

    policy: OutboundPolicy

    def address_refused(self, host: str, address: str) -> None:
        """Count and log a refused address."""


#: Used while no crawl has registered its policy: public addresses only.
_STRICT = OutboundPolicy(domains=())


class PolicyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, plus the address check of every registered policy."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guards: list[AddressGuard] = []

    def register(self, guard: AddressGuard) -> None:
        """Check addresses against guard.policy too (every registered policy must allow an address)."""
        self.guards.append(guard)

    def unregister(self, guard: AddressGuard) -> None:
        """Forget a crawl that has ended."""
        if guard in self.guards:
            self.guards.remove(guard)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        """Resolve name (cached) and refuse the answer if a policy refuses its address."""
        return super().getHostByName(name, timeout).addCallback(self._check, name)

    def _check(self, address: str, name: str) -> str:
        refusing = [g for g in self.guards if g.policy.check_address(address) is Refusal.ADDRESS]
        if not self.guards and _STRICT.check_address(address) is Refusal.ADDRESS:
            raise AddressRefused(name, f"resolves to {address}, which no crawl allowed")
        for guard in refusing:
            guard.address_refused(name, address)
        if refusing:
            raise AddressRefused(
                name, f"resolves to {address} (a non-public address; see allow_private_addresses)"
            )
        return address
