"""The outbound policy and its resolver, without the network: a patched resolver answers."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.test import get_crawler
from twisted.internet import defer

from crawler.cli.running import CrawlResult
from crawler.outbound import OutboundPolicy, Refusal
from crawler.outbound.middleware import OutboundPolicyMiddleware, OutboundRefused
from crawler.outbound.resolver import AddressRefused, PolicyResolver
from crawler.profiles import ProfileError, parse_profile

SITE = "name: site\nbase_url: http://news.example.cn:8080/\nallowed_domains: [example.cn]\n"


@pytest.fixture
def policy() -> OutboundPolicy:
    return OutboundPolicy.from_profile(parse_profile(SITE + "allowed_ports: [8443]\n"))


@pytest.mark.parametrize(
    ("url", "refusal"),
    [
        ("http://news.example.cn:8080/a.htm", None),
        ("http://www.example.cn/a.htm", None),
        ("https://img.example.cn/a.htm", None),
        ("https://news.example.cn:8443/a", None),
        ("http://NEWS.EXAMPLE.CN./a", None),
        ("http://news.example.cn:9000/admin", Refusal.PORT),
        ("http://news.example.cn:99999/", Refusal.PORT),
        ("http://news.example.cn:x/", Refusal.PORT),
        ("ftp://news.example.cn/a", Refusal.SCHEME),
        ("file:///etc/passwd", Refusal.SCHEME),
        ("data:text/html,hi", Refusal.SCHEME),
        ("s3://bucket/key", Refusal.SCHEME),
        ("http://example.cn.evil.com/", Refusal.DOMAIN),
        ("http://badexample.cn/", Refusal.DOMAIN),
        ("http://169.254.169.254/latest/meta-data/", Refusal.DOMAIN),
        ("http://user@/", Refusal.DOMAIN),
    ],
)
def test_urls_outside_the_profile_are_refused(
    policy: OutboundPolicy, url: str, refusal: Refusal | None
) -> None:
    assert policy.check_url(url) == refusal


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
        "not an address",
    ],
)
def test_non_public_addresses_are_refused(policy: OutboundPolicy, address: str) -> None:
    assert policy.check_address(address) is Refusal.ADDRESS


@pytest.mark.parametrize("address", ["93.184.216.34", "202.108.22.5", "2001:4860:4860::8888"])
def test_public_addresses_are_allowed(policy: OutboundPolicy, address: str) -> None:
    assert policy.check_address(address) is None


def test_ip_literal_hosts_are_checked_without_the_resolver() -> None:
    profile = parse_profile("name: lit\nbase_url: http://10.0.0.7/\n")
    assert OutboundPolicy.from_profile(profile).check_url("http://10.0.0.7/a") is Refusal.ADDRESS
    allowed = parse_profile("name: lit\nbase_url: http://10.0.0.7/\nallow_private_addresses: true\n")
    assert OutboundPolicy.from_profile(allowed).check_url("http://10.0.0.7/a") is None
    assert OutboundPolicy.from_profile(allowed).check_url("http://10.0.0.8/a") is Refusal.DOMAIN


class _Guard:
    def __init__(self, policy: OutboundPolicy) -> None:
        self.policy = policy
        self.refused: list[tuple[str, str]] = []

    def address_refused(self, host: str, address: str) -> None:
        self.refused.append((host, address))


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The patched resolver: each name answers the next address of its list (no network)."""
    table: dict[str, list[str]] = {}

    def lookup(self: Any, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        return defer.succeed(table[name].pop(0))

    monkeypatch.setattr(CachingThreadedResolver, "getHostByName", lookup)
    return table


def _resolve(resolver: PolicyResolver, name: str) -> str | Exception:
    outcome: list[Any] = []
    resolver.getHostByName(name).addBoth(outcome.append)
    value = outcome[0]
    return value.value if hasattr(value, "value") else value


def test_the_resolver_refuses_names_that_resolve_to_private_addresses(answers: dict[str, list[str]]) -> None:
    answers.update({"news.example.cn": ["93.184.216.34"], "intranet.example.cn": ["10.0.0.5"]})
    resolver = PolicyResolver(None, 0, 5.0)
    guard = _Guard(OutboundPolicy(domains=("example.cn",)))
    resolver.register(guard)
    assert _resolve(resolver, "news.example.cn") == "93.184.216.34"
    refused = _resolve(resolver, "intranet.example.cn")
    assert isinstance(refused, AddressRefused)
    assert guard.refused == [("intranet.example.cn", "10.0.0.5")]


def test_dns_rebinding_is_caught_on_the_answer_the_connection_uses(answers: dict[str, list[str]]) -> None:
    answers["rebind.example.cn"] = ["93.184.216.34", "127.0.0.1"]
    resolver = PolicyResolver(None, 0, 5.0)
    resolver.register(_Guard(OutboundPolicy(domains=("example.cn",))))
    assert _resolve(resolver, "rebind.example.cn") == "93.184.216.34"
    assert isinstance(_resolve(resolver, "rebind.example.cn"), AddressRefused)


def test_the_resolver_is_strict_until_a_crawl_registers_and_every_policy_must_agree(
    answers: dict[str, list[str]],
) -> None:
    answers["local.test"] = ["127.0.0.1", "127.0.0.1", "127.0.0.1"]
    resolver = PolicyResolver(None, 0, 5.0)
    assert isinstance(_resolve(resolver, "local.test"), AddressRefused)
    loose = _Guard(OutboundPolicy(domains=("local.test",), allow_private_addresses=True))
    resolver.register(loose)
    assert _resolve(resolver, "local.test") == "127.0.0.1"
    strict = _Guard(OutboundPolicy(domains=("local.test",)))
    resolver.register(strict)
    assert isinstance(_resolve(resolver, "local.test"), AddressRefused)
    assert strict.refused == [("local.test", "127.0.0.1")]
    assert loose.refused == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("allowed_domains: ['http://example.cn/']", "not a domain name"),
        ("allowed_domains: ['*.example.cn']", "not a domain name"),
        ("allowed_domains: ['example.cn:80']", "not a domain name"),
        ("allowed_domains: [other.cn]", "base_url's host"),
        ("allowed_domains: [example.cn]\nfeeds: ['http://evil.com/rss']", "not on the profile's domains"),
        ("allowed_domains: [example.cn]\nsitemaps: ['file:///etc/passwd']", "absolute http(s) URL"),
        ("allowed_domains: [example.cn]\nstart_urls: ['http://example.cn:x/']", "not a valid URL"),
        ("allowed_ports: [0]", "allowed_ports"),
    ],
)
def test_profile_domains_and_urls_are_validated(extra: str, message: str) -> None:
    with pytest.raises(ProfileError, match="invalid site profile") as info:
        parse_profile("name: site\nbase_url: http://news.example.cn/\n" + extra + "\n")
    assert message in str(info.value)


def test_idn_domains_are_kept_in_ascii() -> None:
    profile = parse_profile("name: site\nbase_url: http://xn--fiqs8s.cn/\nallowed_domains: ['中国.cn']\n")
    assert profile.domains == ["xn--fiqs8s.cn"]


def test_a_crawl_whose_every_request_was_refused_is_not_ok_and_says_the_fix() -> None:
    stats = {
        "outbound/refused": 5,
        "outbound/refused/address": 3,
        "outbound/refused/port": 2,
        "outbound/example/address": "localhost resolves to 127.0.0.1",
        "outbound/example/port": "127.0.0.1:9999",
        "finish_reason": "finished",
    }
    result = CrawlResult(stats, bootstrap_failed=False)
    assert not result.ok
    said = result.all_refused
    assert said is not None
    assert said.startswith(
        "no page was fetched: the outbound policy refused all 5 requests: 3 for the address"
    )
    assert "e.g. localhost resolves to 127.0.0.1; 2 for the port" in said
    assert "allow_private_addresses: true" in said and "allowed_ports" in said
    # a crawl that fetched pages besides its refusals is fine (hostile links are refused all the time)
    assert CrawlResult({**stats, "response_received_count": 1}, bootstrap_failed=False).ok
    assert CrawlResult({"finish_reason": "finished"}, bootstrap_failed=False).ok


def test_refusal_examples_never_carry_credentials() -> None:
    crawler = get_crawler()
    middleware = OutboundPolicyMiddleware(crawler)
    with pytest.raises(OutboundRefused):
        middleware.refuse("http://user:secret@10.0.0.7:8080/admin", Refusal.ADDRESS, "")
    assert crawler.stats.get_value("outbound/example/address") == "10.0.0.7:8080"
