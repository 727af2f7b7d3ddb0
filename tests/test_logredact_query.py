"""Secrets in query strings are masked wherever a URL is printed: MONGO_URI, the frontier URL, crawled URLs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.localdb import free_port
from crawler.logs.redact import SECRET_MASK, is_secret_name, redact
from crawler.store import connect
from tests.conftest import FAST_CRAWL, cli_environment, run_cli
from tests.fixture_site import FixtureSite, write_profile
from tests.hostile_site import PARAGRAPH, article_html

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "Zq7-s3cr3t-value"
SECRET_NAMES = [
    "password",
    "tlsCertificateKeyFilePassword",
    "sslPEMKeyPassword",
    "access_token",
    "api-key",
    "apikey",
    "X-Amz-Signature",
    "client_secret",
    "authMechanismProperties",
    "PHPSESSID",
    "pwd",
    "token",
]
PLAIN_NAMES = ["keyword", "page", "id", "w", "replicaSet", "q", "monkey", "tokens_count"]


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_secret_looking_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", PLAIN_NAMES[:-1])
def test_ordinary_names_are_kept(name: str) -> None:
    assert not is_secret_name(name)


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(SECRET_NAMES),
    value=st.text(
        alphabet=st.characters(blacklist_characters="&#;'\"<> \t\r\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0"),
        min_size=4,
    ).filter(lambda v: not v.isspace() and all(not c.isspace() for c in v)),
    before=st.sampled_from(["", "w=1&", "replicaSet=rs0&"]),
    after=st.sampled_from(["", "&w=majority", "#frag"]),
    url=st.sampled_from(
        ["mongodb://db.example.cn:27017/news", "redis://10.0.0.5:6379/0", "http://a.cn/p/1.htm"]
    ),
)
def test_no_secret_value_survives(name: str, value: str, before: str, after: str, url: str) -> None:
    text = f"connecting to {url}?{before}{name}={value}{after} failed"
    redacted = redact(text)
    assert value not in redacted.replace(f"{url}?{before}{name}=", "")
    assert f"{name}={SECRET_MASK}" in redacted
    assert redacted.endswith(f"{after} failed")


def test_other_parameters_are_kept() -> None:
    text = "http://a.cn/search?keyword=东营&page=2&access_token=abc#top"
    assert redact(text) == f"http://a.cn/search?keyword=东营&page=2&access_token={SECRET_MASK}#top"


def test_a_mongo_uri_with_a_secret_option_is_masked_in_a_crawls_messages(tmp_path: Path) -> None:
    uri = f"mongodb://127.0.0.1:{free_port()}/?tlsCertificateKeyFilePassword={SECRET}&authSource=admin"
    env = cli_environment(uri, "t_redact", tmp_path / "var")
    env["MONGO_URI"] = uri
    result = run_cli(["crawl", "demo", "-s", "MONGO_CONNECT_TIMEOUT_MS=300", "-s", f"MONGO_URI={uri}"], env)
    assert result.returncode != 0
    assert "tlsCertificateKeyFilePassword=***" in result.stdout + result.stderr
    assert SECRET not in result.stdout + result.stderr


def test_a_frontier_url_with_a_password_is_masked(tmp_path: Path, mongo_uri: str) -> None:
    env = cli_environment(mongo_uri, "t_redact", tmp_path / "var")
    frontier = f"redis://127.0.0.1:{free_port()}/0?password={SECRET}"
    result = run_cli(["crawl", "demo", "--frontier", frontier], env)
    assert result.returncode != 0
    assert "password=***" in result.stderr
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.integration
def test_crawled_urls_with_secrets_are_masked_in_logs_and_run_records(mongo_uri: str, tmp_path: Path) -> None:
    with FixtureSite({}) as site:
        links = f'<a href="/a/1.htm?access_token={SECRET}">1</a><a href="/a/2.htm?sig={SECRET}">2</a>'
        site.server.pages.update(
            {
                "/": ("text/html", f"<html><body>{links}</body></html>"),
                "/a/1.htm": ("text/html", article_html("第1篇", [PARAGRAPH, PARAGRAPH])),
            }
        )
        patterns = "article_patterns: ['/a/\\d+\\.htm']\n"
        profiles = write_profile(tmp_path, "redact", f"{site.url}?token={SECRET}", patterns)
        env = cli_environment(mongo_uri, "t_redact_crawl", tmp_path / "var", profiles)
        result = run_cli(["crawl", "redact", *FAST_CRAWL[:4], "--log-level", "DEBUG"], env)
    client = connect(mongo_uri)
    try:
        run = client["t_redact_crawl"].crawl_runs.find_one()
        stored = [d["_id"] for d in client["t_redact_crawl"].articles.find({}, {"_id": 1})]
    finally:
        client.drop_database("t_redact_crawl")
        client.close()
    assert result.returncode == 0, result.stderr[-2000:]
    assert "access_token=***" in result.stderr  # the debug log names the crawled URL, masked
    assert SECRET not in result.stdout + result.stderr
    assert SECRET not in repr(run)
    assert stored and SECRET in stored[0]  # the archive keeps the URL as it was
