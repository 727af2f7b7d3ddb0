"""`newsarchive changes`: edits, take-downs and restorations per site and day, from the archive sequence."""

from __future__ import annotations

import json
from itertools import groupby

import typer
from rich.table import Table

from crawler.cli import app, filters
from crawler.cli.console import err, fail, out
from crawler.search.query import QueryError, parse_when, zone
from crawler.stats.changes import KINDS, Change, changes
from crawler.store.backfill import backfill, needs_backfill


@app.command("changes")
def changes_command(
    site: list[str] = filters.SITE,
    since: str = typer.Option(
        None, "--since", help="Changes seen on or after (YYYY-MM-DD or ISO time; zone: --tz)."
    ),
    kind: list[str] = typer.Option([], "--kind", help="edited, gone or restored (repeatable; default all)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per change and line."),
    tz: str = filters.TZ,
) -> None:
    """Edits (new versions), take-downs and restorations the crawls saw, newest first, per site and day."""
    bad = [k for k in kind if k not in KINDS]
    if bad:
        fail(f"--kind must be one of {', '.join(KINDS)}, not {', '.join(map(repr, bad))}", code=2)
    try:
        local = zone(tz)
        start = parse_when(since, tz) if since else None
    except QueryError as exc:
        fail(str(exc), code=2)
    archive = filters.open_archive()
    try:
        if needs_backfill(archive.db):
            err.print("numbering the articles stored before the archive sequence (once; one scan) ...")
            backfill(archive.db)
        found = changes(archive.db, sites=site or None, since=start, kinds=kind or None)
    finally:
        archive.close()
    if as_json:
        for change in found:
            out.print(json.dumps(change.as_json(), ensure_ascii=False), markup=False, highlight=False)
        return
    if not found:
        out.print("no changes" + (" of these sites" if site else "") + (f" since {since}" if since else ""))
        return

    def day_and_site(change: Change) -> tuple[str, str]:
        return (change.at.astimezone(local).strftime("%Y-%m-%d") if change.at else "-"), change.site or "-"

    table = Table("day", "site", "kind", "article", "version", title=f"changes, newest first (days in {tz})")
    for (day, name), group in groupby(found, key=day_and_site):
        for index, change in enumerate(group):
            version = (
                f"v{change.version - 1} → v{change.version}"
                if change.kind == "edited"
                else f"v{change.version}"
            )
            table.add_row(
                day if index == 0 else "", name if index == 0 else "", change.kind, change.url, version
            )
    out.print(table)
    totals = {k: sum(1 for c in found if c.kind == k) for k in KINDS}
    out.print(", ".join(f"{n} {k}" for k, n in totals.items() if n))
