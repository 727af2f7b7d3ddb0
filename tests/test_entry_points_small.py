"""The smaller holes: extreme date bounds, huge profiles, file modes, IPv6 loopback, private-site ports."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING, Any

import pytest

from crawler.archive.writer import open_store
from crawler.outbound.policy import OutboundPolicy, Refusal
from crawler.profiles import parse_profile
from tests.browser_tools import request, web_server
from tests.conftest import FAST_CRAWL, cli_environment, run_cli
from tests.fixture_site import FixtureSite, write_profile
from tests.hostile_site import PARAGRAPH, article_html
from tests.test_store_articles import T0, article

if TYPE_CHECKING:
    from pathlib import Path

    from pymongo.database import Database

EXTREMES = [("--since", "0001-01-01"), ("--until", "9999-12-31")]


def _store(db: Database[dict[str, Any]]) -> None:
    store = open_store(db)
    store.ensure_indexes()
    store.load_known()
    for n in (1, 2):
        store.add(article(n), T0)
    store.flush()


@pytest.mark.parametrize(("option", "value"), EXTREMES)
def test_search_with_extreme_dates_is_a_clamped_range(
    cli_env: dict[str, str], mongo_db: Database[dict[str, Any]], option: str, value: str
) -> None:
    _store(mongo_db)
    result = run_cli(["search", "东营", option, value, "--json"], cli_env)
    assert "Traceback" not in result.stderr and "OverflowError" not in result.stderr
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(result.stdout.splitlines()) == 2


def test_extreme_times_clamp_too() -> None:
    from datetime import UTC, datetime

    from crawler.search.query import parse_when

    assert parse_when("0001-01-01T00:00", "Asia/Shanghai") == datetime.min.replace(tzinfo=UTC)
    assert parse_when("9999-12-31T23:59-10:00", "UTC", end=True) == datetime.max.replace(tzinfo=UTC)


@pytest.mark.integration
def test_the_web_search_form_with_extreme_dates_answers(
    mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    _store(mongo_db)
    with web_server(mongo_db, tmp_path / "warc") as base:
        status, _, body = request(f"{base}/search?q=%E4%B8%9C%E8%90%A5&since=0001-01-01&until=9999-12-31")
    assert status == 200, body[-500:]
    assert "OverflowError" not in body.decode()


def test_a_profile_of_20000_unknown_keys_is_a_short_error(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(
        "name: big\nbase_url: http://big.example/\n" + "".join(f"k{i}: 1\n" for i in range(20_000)),
        encoding="utf-8",
    )
    result = run_cli(["profiles", str(path)], cli_env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < 2_000
    assert f"{path}:" in result.stderr and "keys" in result.stderr


def test_many_unknown_keys_below_the_cap_list_a_bounded_number_of_problems() -> None:
    from crawler.profiles import ProfileError
    from crawler.profiles.loader import MAX_PROBLEMS_SHOWN

    text = "name: t\nbase_url: http://t.example/\n" + "".join(f"k{i}: 1\n" for i in range(500))
    with pytest.raises(ProfileError) as raised:
        parse_profile(text, "t.yaml")
    lines = str(raised.value).splitlines()
    assert len(lines) == 1 + MAX_PROBLEMS_SHOWN + 1
    assert lines[-1].strip() == f"... and {500 - MAX_PROBLEMS_SHOWN} more problems in t.yaml"


def _modes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): oct(stat.S_IMODE(p.stat().st_mode)) for p in [folder, *folder.rglob("*")]
    }


@pytest.mark.integration
def test_warc_and_search_folders_are_owner_only_old_files_included(mongo_uri: str, tmp_path: Path) -> None:
    var = tmp_path / "var"
    for name in ("warc/demo", "search"):
        folder = var / name
        folder.mkdir(parents=True)
        (folder / "old-file").write_bytes(b"written by an earlier version")
        (folder / "old-file").chmod(0o644)
        folder.chmod(0o755)
    (var / "warc").chmod(0o755)
    with FixtureSite({}) as site:
        site.server.pages["/"] = ("text/html", '<html><body><a href="/a/1.htm">1</a></body></html>')
        site.server.pages["/a/1.htm"] = ("text/html", article_html("第1篇", [PARAGRAPH, PARAGRAPH]))
        profiles = write_profile(tmp_path, "modes", site.url, "article_patterns: ['/a/\\d+\\.htm$']\n")
        env = cli_environment(mongo_uri, "t_modes", var, profiles)
        env["NEWSARCHIVE_SEARCH_INDEX"] = str(var / "search")
        result = run_cli(["crawl", "modes", *FAST_CRAWL], env)
    from crawler.store import connect

    client = connect(mongo_uri)
    client.drop_database("t_modes")
    client.close()
    assert result.returncode == 0, result.stderr[-2000:]
    for name in ("warc", "search"):
        modes = _modes(var / name)
        assert any(k.endswith(".warc.gz") or k.endswith(".sqlite") for k in modes), modes
        wrong = {k: m for k, m in modes.items() if m != ("0o700" if (var / name / k).is_dir() else "0o600")}
        assert wrong == {}, (name, wrong)


@pytest.mark.integration
def test_web_on_ipv6_loopback_answers_its_own_host_name(
    mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    with web_server(mongo_db, tmp_path / "warc", host="::1") as base:
        status, _, _ = request(base + "/static/style.css")  # Host: [::1]:PORT, as a browser sends it
        assert status == 200
        status, _, _ = request(base + "/static/style.css", headers={"Host": "attacker.example"})
        assert status == 400


def test_a_private_site_reaches_only_its_own_ports() -> None:
    profile = parse_profile(
        "name: lan\nbase_url: http://127.0.0.1:8642/\nallow_private_addresses: true\nallowed_ports: [9000]\n"
    )
    policy = OutboundPolicy.from_profile(profile)
    assert policy.check_url("http://127.0.0.1:8642/news/") is None
    assert policy.check_url("http://127.0.0.1:9000/feed.xml") is None
    assert policy.check_url("http://127.0.0.1/admin/") == Refusal.PORT
    assert policy.check_url("https://127.0.0.1/admin/") == Refusal.PORT
    public = OutboundPolicy.from_profile(parse_profile("name: pub\nbase_url: http://news.example.cn:8080/\n"))
    assert public.check_url("http://news.example.cn/") is None  # a public site keeps 80 and 443
    assert public.check_url("https://news.example.cn/") is None
