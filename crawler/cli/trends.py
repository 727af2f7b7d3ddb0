"""`newsarchive trends`: how many articles matched a search, per day, week or month and per site."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from crawler.cli import app, filters
from crawler.cli.console import fail, out
from crawler.search.query import zone
from crawler.search.trends import PERIODS, trend

PLOT_FORMATS = (".png", ".svg")


@app.command("trends")
def trends(
    words: list[str] = filters.WORDS,
    by: str = typer.Option("week", "--by", help="day, week (ISO, from Monday) or month."),
    phrase: list[str] = filters.PHRASE,
    site: list[str] = filters.SITE,
    since: str = filters.SINCE,
    until: str = filters.UNTIL,
    tz: str = filters.TZ,
    plot: Path = typer.Option(
        None, "--plot", dir_okay=False, help="Also draw the chart (FILE.png or FILE.svg)."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="One JSON object: periods with totals and per-site counts."
    ),
) -> None:
    """Matching articles per period and per site: script-insensitive words and "quoted phrases", as search.

    Periods run from --since to --until (else from the first to the last hit), empty ones
    included; days are those of --tz. Undated hits are counted apart.
    """
    if by not in PERIODS:
        fail(f"--by must be one of {', '.join(PERIODS)}, not {by!r}", code=2)
    if plot is not None and plot.suffix.lower() not in PLOT_FORMATS:
        fail(f"--plot needs a .png or .svg file name, not {plot.name!r}", code=2)
    if plot is not None and not plot.parent.is_dir():
        fail(f"cannot write {plot}: folder {plot.parent} does not exist", code=2)
    archive = filters.open_archive()
    try:
        query = filters.build_query(
            archive,
            words,
            phrase,
            site=site,
            since=since,
            until=until,
            author=[],
            source=[],
            section=[],
            tz=tz,
        )
        if not query.needles:
            fail("trends needs words or a phrase to count (e.g. newsarchive trends 黄河 湿地)", code=2)
        filters.warn_without_index(archive)
        found = trend(archive, query, by=by, tz=zone(tz))
    finally:
        archive.close()
    title = " ".join([*query.terms, *(f'"{p}"' for p in query.phrases)])
    if plot is not None:
        from crawler.search.trend_plot import plot_trend

        try:
            plot_trend(found, f"{title}: matching articles per {by}", plot)
        except OSError as exc:
            fail(f"cannot write {plot}: {exc.strerror or exc}")
    if as_json:
        print(json.dumps({"query": title, **found.as_json()}, ensure_ascii=False))
        return
    table = Table(by, "total", *found.sites, title=f"{title}: matching articles per {by} ({found.tz})")
    for i, (start, total) in enumerate(zip(found.periods, found.totals, strict=True)):
        table.add_row(found.label(start), str(total), *(str(found.counts[s][i]) for s in found.sites))
    out.print(table)
    summary = f"{sum(found.totals)} matching articles"
    if found.undated:
        summary += f", and {sum(found.undated.values())} without a date (not in the table)"
    out.print(summary + (f"; chart written to {plot}" if plot is not None else ""))
