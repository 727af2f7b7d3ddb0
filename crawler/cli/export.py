"""`newsarchive export`: the articles of a search as JSON Lines, CSV or Parquet, streamed."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from crawler.cli import app, filters
from crawler.cli.console import err, fail, out
from crawler.export import FORMATS, default_fields, export_articles, sidecar_path


@app.command("export")
def export(
    words: list[str] = filters.WORDS,
    fmt: str = typer.Option(..., "--format", "-f", help="jsonl, csv or parquet."),
    out_path: Path = typer.Option(
        ..., "--out", "-o", dir_okay=False, help="File to write (replaced if it exists)."
    ),
    fields: str = typer.Option(
        None, help="Comma-separated fields (default: every documented field but the search copies)."
    ),
    phrase: list[str] = filters.PHRASE,
    site: list[str] = filters.SITE,
    since: str = filters.SINCE,
    until: str = filters.UNTIL,
    author: list[str] = filters.AUTHOR,
    source: list[str] = filters.SOURCE,
    section: list[str] = filters.SECTION,
    tz: str = filters.TZ,
) -> None:
    """Export the articles a search matches (all of them without terms or filters), streaming.

    jsonl and csv come with PATH.schema.json (the article JSON Schema of the exported fields);
    Parquet carries it in its metadata (key newsarchive.schema).
    """
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}", code=2)
    names = [name.strip() for name in fields.split(",") if name.strip()] if fields else default_fields()
    if not names or len(set(names)) != len(names):
        fail("--fields needs distinct field names", code=2)
    if not out_path.parent.is_dir():
        fail(f"cannot write {out_path}: folder {out_path.parent} does not exist", code=2)
    archive = filters.open_archive()
    query = filters.build_query(
        archive,
        words,
        phrase,
        site=site,
        since=since,
        until=until,
        author=author,
        source=source,
        section=section,
        tz=tz,
    )
    try:
        if err.is_terminal:
            with Progress(
                TextColumn("exporting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err
            ) as bar:
                task = bar.add_task("export", total=archive.count(query))
                count = export_articles(
                    archive, query, fmt, out_path, names, progress=lambda n: bar.update(task, completed=n)
                )
        else:
            count = export_articles(archive, query, fmt, out_path, names)
    except OSError as exc:
        fail(f"cannot write {out_path}: {exc.strerror or exc}")
    finally:
        archive.close()
    schema_note = f" (schema: {sidecar_path(out_path)})" if fmt != "parquet" else " (schema in its metadata)"
    out.print(f"{count} articles written to {out_path}{schema_note}")
