"""`newsarchive export`: articles as JSON Lines, CSV, Parquet or a Parquet dataset; a feed with --cursor."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from crawler.cli import app, filters
from crawler.cli.console import err, fail, out
from crawler.export import FORMATS, default_fields, export_articles, export_dataset, export_feed, sidecar_path
from crawler.export.cursor import CursorError
from crawler.export.dataset import DatasetError
from crawler.store import DatabaseUnavailable


@app.command("export")
def export(
    words: list[str] = filters.WORDS,
    fmt: str = typer.Option(..., "--format", "-f", help="jsonl, csv or parquet."),
    out_path: Path = typer.Option(
        None, "--out", "-o", dir_okay=False, help="File to write (replaced if it exists)."
    ),
    dataset: Path = typer.Option(
        None,
        "--dataset",
        file_okay=False,
        help="Write a hive-partitioned Parquet dataset (site=/year=/month=) into this folder instead "
        "(-f parquet): new files added, old ones kept.",
    ),
    cursor: Path = typer.Option(
        None,
        "--cursor",
        dir_okay=False,
        help="Only what changed since the position in this file (new articles, versions, gone and "
        "restored), each record with its seq and kind; the file is advanced once the output is "
        "complete (created on the first run, which serves everything).",
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
    Parquet carries it in its metadata (key newsarchive.schema). With --cursor, only the changes
    since the last run; with --dataset, a partitioned Parquet dataset (month folders in --tz).
    """
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}", code=2)
    names = [name.strip() for name in fields.split(",") if name.strip()] if fields else default_fields()
    if not names or len(set(names)) != len(names):
        fail("--fields needs distinct field names", code=2)
    if (out_path is None) == (dataset is None):
        fail("give --out FILE or --dataset DIR (one of them)", code=2)
    if dataset is not None and fmt != "parquet":
        fail("--dataset writes Parquet: use -f parquet", code=2)
    target = out_path if out_path is not None else dataset
    if not target.parent.is_dir():
        fail(f"cannot write {target}: folder {target.parent} does not exist", code=2)
    if cursor is not None:
        if words or phrase or since or until or author or source or section:
            fail(
                "--cursor follows every change of the archive (or of --site): search terms, phrases, "
                "dates, authors, sources and sections cannot select a feed; filter its records instead",
                code=2,
            )
        if not cursor.parent.is_dir():
            fail(f"cannot write the cursor {cursor}: folder {cursor.parent} does not exist", code=2)
        _export_feed(cursor, fmt, out_path, dataset, names, site, tz)
        return
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
        with _progress(lambda: archive.count(query)) as progress:
            if dataset is not None:
                count, files = export_dataset(archive, query, dataset, names, tz=tz, progress=progress)
            else:
                count = export_articles(archive, query, fmt, out_path, names, progress=progress)
    except (OSError, DatasetError) as exc:
        fail(f"cannot write {target}: {getattr(exc, 'strerror', None) or exc}")
    finally:
        archive.close()
    if dataset is not None:
        out.print(f"{count} articles written to {dataset} ({len(files)} new files)")
        return
    schema_note = f" (schema: {sidecar_path(out_path)})" if fmt != "parquet" else " (schema in its metadata)"
    out.print(f"{count} articles written to {out_path}{schema_note}")


@contextlib.contextmanager
def _progress(total: Callable[[], int] | None) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal (its total from total()), nothing otherwise: yields the callback."""
    if not err.is_terminal:
        yield None
        return
    columns = [TextColumn("exporting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns, console=err) as bar:
        task = bar.add_task("export", total=total() if total is not None else None)
        yield lambda n: bar.update(task, completed=n)


def _export_feed(
    cursor: Path,
    fmt: str,
    out_path: Path | None,
    dataset: Path | None,
    names: list[str],
    site: list[str],
    tz: str,
) -> None:
    archive = filters.open_archive()
    try:
        with _progress(None) as progress:
            run = export_feed(
                archive.db,
                cursor,
                names,
                fmt=fmt,
                out=out_path,
                dataset=dataset,
                sites=site,
                tz=tz,
                progress=progress,
                note=lambda text: err.print(text),
            )
    except (CursorError, DatasetError) as exc:
        fail(str(exc))
    except DatabaseUnavailable as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {out_path or dataset}: {exc.strerror or exc}; the cursor was not moved")
    finally:
        archive.close()
    where = out_path if out_path is not None else f"{dataset} ({len(run.files)} new files)"
    out.print(
        f"{run.records} changes (sequence {run.after + 1}..{run.upto}) written to {where}; "
        f"cursor {cursor} at {run.upto}"
    )
