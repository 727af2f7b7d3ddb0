"""`newsarchive trends` on the real local database: the index's SQL counts against a count of the hits."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from crawler.archive import Archive
from crawler.archive.writer import open_store
from crawler.items import Article, content_hash
from crawler.search.index import MODE_ENV
from crawler.search.trends import period_start, trend, zone_offsets
from tests.conftest import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from pymongo.database import Database

#: (site, UTC publication time or None, text): 黄河 in simplified and traditional script, a phrase.
ROWS = [
    (
        "dongying",
        datetime(2026, 3, 7, 15, 30, tzinfo=UTC),
        "黄河湿地的候鸟迁徙季开始了。",
    ),  # 03-07 23:30 in Shanghai
    ("dongying", datetime(2026, 3, 7, 16, 30, tzinfo=UTC), "黄河口湿地迎来候鸟。"),  # 03-08 00:30 in Shanghai
    ("dezhou", datetime(2026, 3, 8, 4, 0, tzinfo=UTC), "黃河濕地保護條例實施。"),  # traditional script
    ("dezhou", datetime(2026, 3, 9, 6, 30, tzinfo=UTC), "黄河沿岸的小麦长势良好。"),
    ("dzwww", datetime(2026, 3, 16, 2, 0, tzinfo=UTC), "黄河流域生态保护推进会召开。"),
    ("dzwww", datetime(2026, 4, 2, 2, 0, tzinfo=UTC), "黄河入海口的湿地面积扩大。"),
    ("dzwww", None, "黄河：一篇没有日期的文章。"),
    ("dongying", datetime(2026, 3, 8, 2, 0, tzinfo=UTC), "东营港的集装箱吞吐量增长。"),  # no match
]


def _articles() -> list[Article]:
    found = []
    for n, (site, when, text) in enumerate(ROWS):
        found.append(
            Article(
                url=f"http://{site}.example/t/{n}.htm",
                canonical_url=f"http://{site}.example/t/{n}.htm",
                site=site,
                title=f"新闻{n}",
                text=text,
                published_at=when,
                fetched_at=datetime(2026, 4, 5, tzinfo=UTC),
                status=200,
                content_hash=content_hash(f"新闻{n}", text),
            )
        )
    return found


@pytest.fixture
def trends_db(mongo_db: Database[dict[str, Any]]) -> Database[dict[str, Any]]:
    store = open_store(mongo_db)
    store.ensure_indexes()
    store.load_known()
    for item in _articles():
        store.add(item, datetime(2026, 4, 5, tzinfo=UTC))
    store.flush()
    store.close()
    return mongo_db


def expected(words: str, by: str, tz: str) -> Counter[tuple[str, date]]:
    """Counted from ROWS by hand-written rules: matching text, day in tz, period start."""
    zone = ZoneInfo(tz)
    found: Counter[tuple[str, date]] = Counter()
    for site, when, text in ROWS:
        simplified = text.replace("黃", "黄").replace("濕", "湿")
        wanted = words.replace("黃", "黄").replace("濕", "湿").split()
        if when is not None and all(word in simplified for word in wanted):
            found[(site, period_start(when.astimezone(zone).date(), by))] += 1
    return found


def as_counter(result: Any) -> Counter[tuple[str, date]]:
    return Counter(
        {
            (site, start): counts[i]
            for site, counts in result.counts.items()
            for i, start in enumerate(result.periods)
            if counts[i]
        }
    )


@pytest.mark.parametrize("mode", ["auto", "off"])
@pytest.mark.parametrize(
    ("words", "by", "tz"),
    [
        ("黄河", "day", "Asia/Shanghai"),
        ("黃河 濕地", "week", "Asia/Shanghai"),  # traditional query, both words
        ("黄河", "month", "UTC"),
        ("黄河", "day", "America/New_York"),  # the DST change of 2026-03-08 inside the range
    ],
)
def test_counts_per_period_and_site_match_the_hits(
    trends_db: Database[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    words: str,
    by: str,
    tz: str,
) -> None:
    """auto: counted in SQL by the local index; off: counted here from a projected query."""
    monkeypatch.setenv(MODE_ENV, mode)
    archive = Archive(trends_db)
    try:
        assert (archive.local_index is not None) == (mode == "auto")
        result = trend(archive, archive.query(words, tz=tz), by=by, tz=ZoneInfo(tz))
    finally:
        archive.close()
    assert as_counter(result) == expected(words, by, tz)
    assert result.undated == ({"dzwww": 1} if "湿地" not in words and "濕地" not in words else {})
    # every period between the first and the last hit, empty ones included, in order
    assert result.periods == sorted(result.periods)
    assert len(result.periods) == len(set(result.periods))
    assert result.totals[0] > 0 and result.totals[-1] > 0
    if by == "day":
        assert (result.periods[-1] - result.periods[0]).days + 1 == len(result.periods)


def test_a_phrase_and_since_until_bound_the_periods(trends_db: Database[dict[str, Any]]) -> None:
    archive = Archive(trends_db)
    try:
        query = archive.query('"候鸟"', since="2026-03-01", until="2026-03-31")
        result = trend(archive, query, by="week", tz=ZoneInfo("Asia/Shanghai"))
    finally:
        archive.close()
    assert result.periods[0] == date(2026, 2, 23) and result.periods[-1] == date(2026, 3, 30)  # Mondays
    assert result.counts == {"dongying": [0, 2, 0, 0, 0, 0]}  # 03-07 and 03-08 (Shanghai): the week of 03-02


def test_zone_offsets_find_the_change_to_the_millisecond() -> None:
    zone = ZoneInfo("America/New_York")
    start = datetime(2026, 3, 1, tzinfo=UTC)
    segments = zone_offsets(zone, start, start + timedelta(days=30))
    assert [offset for _, offset in segments] == [-5 * 3600_000, -4 * 3600_000]
    change = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=segments[1][0])
    assert change == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)  # 02:00 EST
    assert len(zone_offsets(ZoneInfo("Asia/Shanghai"), start, start + timedelta(days=800))) == 1


def test_cli_table_json_and_plots(
    trends_db: Database[dict[str, Any]], cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**cli_env, "MONGO_DATABASE": trends_db.name}
    png, svg = tmp_path / "t.png", tmp_path / "t.svg"
    shown = run_cli(["trends", "黄河", "--by", "month", "--plot", str(png)], env)
    assert shown.returncode == 0, shown.stderr
    assert "2026-03" in shown.stdout and "2026-04" in shown.stdout and "dzwww" in shown.stdout
    assert "1 without a date" in shown.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    listed = run_cli(
        ["trends", "黃河", "--by", "week", "--site", "dezhou", "--json", "--plot", str(svg)], env
    )
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data["by"] == "week" and data["sites"] == ["dezhou"] and data["total"] == 2
    assert [(p["label"], p["total"]) for p in data["periods"]] == [("2026-W10", 1), ("2026-W11", 1)]
    assert b"<svg" in svg.read_bytes()[:500]
    for args, message in (
        (["trends", "黄河", "--by", "year"], "--by must be one of"),
        (["trends", "--site", "dezhou"], "trends needs words"),
        (["trends", "黄河", "--plot", str(tmp_path / "t.gif")], "--plot needs a .png or .svg"),
        (["trends", "黄河", "--since", "yesterday"], "not a date"),
    ):
        refused = run_cli(args, env)
        assert refused.returncode == 2 and message in refused.stderr, refused.stderr


@pytest.mark.parametrize("mode", ["auto", "off"])
def test_other_filters_are_counted_through_the_query(
    trends_db: Database[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """An author filter (the web view's search form) takes the SQL path of the index: nobody wrote these."""
    monkeypatch.setenv(MODE_ENV, mode)
    archive = Archive(trends_db)
    try:
        result = trend(archive, archive.query("黄河", author="王晓明"), by="day", tz=ZoneInfo("UTC"))
    finally:
        archive.close()
    assert result.counts == {} and result.undated == {} and result.periods == []
