"""`newsarchive stats`: what the archive holds per site, and how complete it is."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from crawler.cli import app, filters
from crawler.cli.console import fail, out
from crawler.search.query import QueryError, zone
from crawler.stats.figures import SHORT_TEXT_CHARS, archive_stats, index_stats
from crawler.store.history import backfill_states

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    """Daily counts as block characters, scaled to the largest (blank = none)."""
    top = max(values, default=0)
    if top == 0:
        return " " * len(values)
    return "".join(" " if v == 0 else SPARKS[min(7, (v * 8 - 1) // top)] for v in values)


def failed_extractions(db: Any, sites: list[str] | None) -> dict[str, int]:
    """Pages per site waiting in extraction_failures (a small collection: read whole)."""
    from collections import Counter

    from crawler.store.failures import COLLECTION

    counts = Counter(str(d.get("site")) for d in db[COLLECTION].find({}, {"site": 1}))
    return {name: n for name, n in counts.items() if sites is None or name in sites}


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


@app.command("stats")
def stats(
    days: int = typer.Option(30, min=1, max=3660, help="Window for articles per day: the last N days."),
    end: str = typer.Option(None, help="Last day of the window (YYYY-MM-DD; default today in --tz)."),
    site: list[str] = filters.SITE,
    short: int = typer.Option(SHORT_TEXT_CHARS, min=1, help="Texts under this many characters are short."),
    plot: Path = typer.Option(None, dir_okay=False, help="Also chart articles per day per site (PNG)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON (with the daily series)."),
    tz: str = filters.TZ,
) -> None:
    """Per site: articles, first/last publication, per day, missing date/author/text, backfill state."""
    try:
        zone(tz)
        last_day = date.fromisoformat(end) if end else None
    except QueryError as exc:
        fail(str(exc), code=2)
    except ValueError:
        fail(f"--end: not a date: {end!r} (use YYYY-MM-DD)", code=2)
    archive = filters.open_archive()
    try:
        options: dict[str, Any] = {
            "days": days,
            "end": last_day,
            "tz": tz,
            "sites": site or None,
            "short_chars": short,
        }
        index = archive.local_index
        if index is not None:
            figures = index_stats(index, **options)
        else:
            filters.warn_without_index(archive)
            figures = archive_stats(archive.articles, **options)
        failures = failed_extractions(archive.articles.database, site or None)
        backfill = backfill_states(archive.articles.database, site or None)
    finally:
        archive.close()
    if plot is not None:
        from crawler.stats.plot import plot_per_day

        try:
            plot_per_day(figures, plot)
        except OSError as exc:
            fail(f"cannot write {plot}: {exc.strerror or exc}")
    if as_json:
        data = {**figures.as_dict(), "extraction_failures": failures, "history": backfill}
        out.print(json.dumps(data, ensure_ascii=False), markup=False, highlight=False)
        return
    local = zone(tz)
    window = f"{figures.days[0]:%m-%d}…{figures.days[-1]:%m-%d}"
    table = Table(
        "site",
        "articles",
        "first",
        "last",
        f"last {days} d",
        "per day",
        f"daily {window}",
        "no date",
        "no author",
        "empty text",
        f"text < {short}",
        "history",
        title=f"archive by site (dates in {tz})",
    )
    for s in figures.sites:
        table.add_row(
            s.site,
            str(s.articles),
            f"{s.first.astimezone(local):%Y-%m-%d}" if s.first else "-",
            f"{s.last.astimezone(local):%Y-%m-%d}" if s.last else "-",
            str(s.in_window),
            f"{s.in_window / days:.1f}",
            sparkline(s.per_day[-60:]),
            _percent(s.missing_date, s.articles),
            _percent(s.missing_author, s.articles),
            _percent(s.empty_text, s.articles),
            _percent(s.short_text, s.articles),
            backfill.get(s.site, "not walked"),
        )
    if not figures.sites:
        out.print("the archive holds no articles" + (" of these sites" if site else ""))
    else:
        out.print(table)
    if failures:
        listed = ", ".join(f"{name}: {n}" for name, n in sorted(failures.items()))
        out.print(
            f"pages whose extraction failed (kept in the WARC; `newsarchive reextract --failed`): {listed}"
        )
    if plot is not None:
        out.print(f"chart written to {plot}")
