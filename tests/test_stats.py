"""Stats on the known archive: every figure checked by hand."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pytest

from crawler.cli.stats import sparkline
from crawler.search.index import SearchIndex
from crawler.stats import archive_stats
from crawler.stats.figures import index_stats
from crawler.store import connect
from tests.conftest import run_cli
from tests.known_archive import known_database, store_known

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pymongo.database import Database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def known_db(mongo_uri: str) -> Iterator[Database[dict[str, Any]]]:
    yield from known_database(mongo_uri, "stats")


def test_figures_per_site(known_db: Database[dict[str, Any]]) -> None:
    stats = archive_stats(known_db.articles, days=7, end=date(2026, 11, 26), short_chars=170)
    assert stats.days[0] == date(2026, 11, 20) and stats.days[-1] == date(2026, 11, 26)
    by_site = {s.site: s for s in stats.sites}
    assert list(by_site) == ["demo", "dongying", "odd"]
    dongying, demo, odd = by_site["dongying"], by_site["demo"], by_site["odd"]
    assert (dongying.articles, demo.articles, odd.articles) == (2, 2, 3)
    assert dongying.first == datetime(2026, 11, 20, 1, tzinfo=UTC)
    assert dongying.last == datetime(2026, 11, 21, 1, tzinfo=UTC)
    assert (odd.first, odd.last) == (
        datetime(2026, 11, 23, 1, tzinfo=UTC),
        datetime(2026, 11, 26, 1, tzinfo=UTC),
    )
    assert dongying.per_day == [1, 1, 0, 0, 0, 0, 0]
    assert demo.per_day == [0, 0, 1, 0, 0, 1, 0]
    assert odd.per_day == [0, 0, 0, 1, 0, 0, 1]
    assert (odd.missing_date, odd.missing_author, odd.empty_text, odd.short_text) == (1, 2, 1, 1)
    assert (dongying.missing_date, dongying.missing_author, dongying.empty_text, dongying.short_text) == (
        0,
        0,
        0,
        1,
    )
    assert demo.short_text == 1
    assert odd.share(odd.missing_author) == pytest.approx(2 / 3)


def test_short_text_limit_is_exclusive(known_db: Database[dict[str, Any]]) -> None:
    # odd1 has exactly 171 characters
    odd = {s.site: s for s in archive_stats(known_db.articles, short_chars=171).sites}["odd"]
    assert odd.short_text == 1
    odd = {s.site: s for s in archive_stats(known_db.articles, short_chars=172).sites}["odd"]
    assert odd.short_text == 2


def test_days_follow_the_time_zone(known_db: Database[dict[str, Any]]) -> None:
    stats = archive_stats(known_db.articles, days=7, end=date(2026, 11, 26), tz="America/New_York")
    dongying = {s.site: s for s in stats.sites}["dongying"]
    assert dongying.per_day == [1, 0, 0, 0, 0, 0, 0]  # 01:00 UTC is the evening before in New York


def test_site_filter(known_db: Database[dict[str, Any]]) -> None:
    stats = archive_stats(known_db.articles, sites=["demo"])
    assert [s.site for s in stats.sites] == ["demo"]


def test_sparkline() -> None:
    assert sparkline([0, 1, 2, 4, 8]) == " ▁▂▄█"
    assert sparkline([0, 0]) == "  "


def test_stats_command_table_json_and_plot(cli_env: dict[str, str], mongo_uri: str, tmp_path: Path) -> None:
    db = connect(mongo_uri)[cli_env["MONGO_DATABASE"]]
    store_known(db)
    plot = tmp_path / "per-day.png"
    args = ["stats", "--days", "7", "--end", "2026-11-26", "--short", "170"]
    result = run_cli([*args, "--json", "--plot", str(plot)], cli_env)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert [s["per_day"] for s in figures["sites"]] == [
        [0, 0, 1, 0, 0, 1, 0],
        [1, 1, 0, 0, 0, 0, 0],
        [0, 0, 0, 1, 0, 0, 1],
    ]
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 10_000
    table = run_cli([*args], {**cli_env, "COLUMNS": "200"})
    assert table.returncode == 0, table.stderr
    odd_row = next(line for line in table.stdout.splitlines() if " odd " in line)
    assert "66.7%" in odd_row and "33.3%" in odd_row  # no author; no date / empty / short
    bad = run_cli(["stats", "--end", "soon"], cli_env)
    assert bad.returncode == 2 and "not a date" in bad.stderr
    db.client.drop_database(db.name)


@pytest.mark.parametrize(
    "options",
    [
        {"days": 7, "end": date(2026, 11, 26), "short_chars": 170},
        {"days": 7, "end": date(2026, 11, 26), "tz": "America/New_York", "short_chars": 172},
        {"days": 400, "end": date(2026, 12, 31), "sites": ["demo", "odd"]},
        {"days": 1, "end": date(2026, 11, 21), "sites": ["nowhere"]},
    ],
)
def test_figures_from_the_local_index_equal_the_scan(
    known_db: Database[dict[str, Any]], tmp_path: Path, options: dict[str, Any]
) -> None:
    index = SearchIndex(tmp_path / "index.sqlite")
    index.rebuild(known_db.articles)
    try:
        assert index_stats(index, **options) == archive_stats(known_db.articles, **options)
    finally:
        index.close()
