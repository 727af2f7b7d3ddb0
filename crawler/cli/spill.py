"""`newsarchive import FILE...`: load spill files written while the database was away."""

from __future__ import annotations

from pathlib import Path

import typer

from crawler.cli import app
from crawler.cli.console import fail, out
from crawler.store import ArticleStore, DatabaseUnavailable, open_database
from crawler.store.spill import SpillFileError, read_spill


@app.command("import")
def import_spill(
    files: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, help="Spill files (var/unsaved/*.jsonl)."
    ),
    delete: bool = typer.Option(False, help="Delete each file once all its articles are stored."),
) -> None:
    """Store the articles of spill files (safe to run twice: stored articles are not duplicated)."""
    try:
        client, db = open_database()
    except DatabaseUnavailable as exc:
        fail(str(exc))
    store = ArticleStore(db)
    store.ensure_indexes()
    store.load_known()
    try:
        for path in files:
            before = store.totals.inserted + store.totals.updated + store.totals.unchanged
            for doc in read_spill(path):
                store.add_document(doc)
                if store.should_flush():
                    store.flush()
            store.flush()
            stored = store.totals.inserted + store.totals.updated + store.totals.unchanged - before
            out.print(f"{path}: {stored} articles stored")
            if delete and not store.totals.errors:
                path.unlink()
    except (SpillFileError, DatabaseUnavailable) as exc:
        fail(str(exc))
    finally:
        client.close()
    t = store.totals
    out.print(f"total: {t.inserted} new, {t.updated} updated, {t.unchanged} unchanged, {t.errors} errors")
    if t.errors:
        raise typer.Exit(1)
