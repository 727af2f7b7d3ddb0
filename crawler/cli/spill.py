"""`newsarchive import [FILE...]`: store spill files (what a crawl could not write)."""

from __future__ import annotations

from pathlib import Path

import typer

from crawler.cli import app
from crawler.cli.console import err, fail, out
from crawler.store import ArticleStore, DatabaseUnavailable, open_database
from crawler.store.spill import SpillFileError, load_spill
from crawler.workdir import unsaved_dir


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
    store = ArticleStore(db)
    store.ensure_indexes()
    store.load_known()
    failed = False
    try:
        for path in files:
            before = store.totals.errors
            records = load_spill(store, path)
            refused = store.take_rejected()
            for item in refused:
                err.print(f"{path}: {item.key}: {item.reason}")
            out.print(f"{path}: {records - len(refused)} of {records} records stored")
            failed = failed or store.totals.errors > before
            if delete and store.totals.errors == before:
                path.unlink()
    except (SpillFileError, DatabaseUnavailable) as exc:
        fail(str(exc))
    finally:
        client.close()
    t = store.totals
    out.print(
        f"total: {t.inserted} new, {t.updated} updated, {t.unchanged} unchanged, {t.gone} gone, "
        f"{t.errors} errors"
    )
    if failed:
        raise typer.Exit(1)
