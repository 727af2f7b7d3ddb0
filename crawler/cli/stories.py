"""`newsarchive reprints`: stories published more than once, with their copies, first copy first."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from crawler.cli import app, filters
from crawler.cli.console import err, fail, out
from crawler.export.records import iso
from crawler.search.query import QueryError, parse_when, zone
from crawler.stories.index import StoryIndex


def _copy_record(copy: dict[str, Any]) -> dict[str, Any]:
    when = copy.get("published_at")
    return {"url": copy.get("url"), "site": copy.get("site"), "published_at": iso(when) if when else None}


@app.command("reprints")
def reprints(
    site: list[str] = filters.SITE,
    since: str = filters.SINCE,
    tz: str = filters.TZ,
    limit: int = typer.Option(0, min=0, help="At most this many stories (0: all)."),
    as_json: bool = typer.Option(
        False, "--json", help='One object per line: {"story", "copies": [{"url", "site", "published_at"}]}.'
    ),
) -> None:
    """Stories published more than once (the same text on several sites or twice on one), with their copies.

    A story is listed when one of its copies is on a --site and published --since; each story
    shows every copy, the first published first. Articles stored before reprint detection get
    their story from `newsarchive reindex --stories`.
    """
    try:
        local = zone(tz)
        since_at = parse_when(since, local) if since else None
    except QueryError as exc:
        fail(str(exc), code=2)
    archive = filters.open_archive()
    index = StoryIndex.for_database(archive.db, write=False)
    shown = 0
    try:
        table = Table("story", "copies", "first published", "site", "url", show_lines=False)
        for story, copies in index.reprinted(sites=site or None, since=since_at):
            if as_json:
                line = {"story": story, "copies": [_copy_record(c) for c in copies]}
                out.print(json.dumps(line, ensure_ascii=False), markup=False, highlight=False)
            else:
                for number, copy in enumerate(copies):
                    when = copy.get("published_at")
                    table.add_row(
                        story if number == 0 else "",
                        str(len(copies)) if number == 0 else "",
                        when.astimezone(local).strftime("%Y-%m-%d %H:%M") if when else "-",
                        copy.get("site") or "",
                        copy.get("url") or "",
                    )
            shown += 1
            if limit and shown >= limit:
                break
    finally:
        index.close()
        archive.close()
    if not as_json:
        if shown:
            out.print(table)
        out.print(f"{shown} {'story' if shown == 1 else 'stories'} published more than once")
    elif not shown:
        err.print("no story was published more than once (with these filters)")
