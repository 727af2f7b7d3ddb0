"""`newsarchive import [FILE...]`: store spill files (what a crawl could not write)."""

from __future__ import annotations

from pathlib import Path

import typer
from pymongo.errors import PyMongoError

from crawler.archive.writer import open_store
from crawler.cli import app
from crawler.cli.console import fail, out, problem
from crawler.project.workdir import unsaved_dir
from crawler.store import DatabaseUnavailable, open_database
from crawler.store.connection import database_error
from crawler.store.spill import load_spill


@app.command("import")
def import_spill(
    files: list[Path] = typer.Argument(
        None,
        exists=True,
        dir_okay=False,
        help="Spill files (default: every file in var/unsaved/; refused ones in var/unsaved/rejected/).",
    ),
    delete: bool = typer.Option(False, help="Delete each file once all its records are stored."),
) -> None:
    """Store the articles and visits of spill files (safe to run twice: nothing is duplicated)."""
    files = files or sorted(unsaved_dir().glob("*.jsonl"))
    if not files:
        out.print(f"nothing to import: no spill files in {unsaved_dir()}")
        return
    try:
        client, db = open_database()
    except DatabaseUnavailable as exc:
        fail(str(exc))
    store = open_store(db)
    failed = False
    try:
        store.ensure_indexes()
        store.load_known()
        for path in files:
            before = store.totals.errors
            try:
                loaded = load_spill(store, path)
            except OSError as exc:
                problem(f"{path}: cannot read it ({exc.strerror or exc})")
                failed = True
                continue
            for line in loaded.problems:
                problem(line)
            refused = store.take_rejected()
            for item in refused:
                problem(f"{path}: {item.key}: {item.reason}")
            lines = loaded.records + len(loaded.problems)
            out.print(f"{path}: {loaded.records - len(refused)} of {lines} records stored")
            clean = store.totals.errors == before and not loaded.problems
            failed = failed or not clean
            if delete and clean:
                path.unlink()
    except DatabaseUnavailable as exc:
        fail(str(exc))
    except PyMongoError as exc:
        fail(database_error(exc))
    finally:
        client.close()
    t = store.totals
    out.print(
        f"total: {t.inserted} new, {t.updated} updated, {t.unchanged} unchanged, {t.gone} gone, "
        f"{t.errors} errors"
    )
    if failed:
        raise typer.Exit(1)
