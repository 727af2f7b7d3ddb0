"""`newsarchive reextract`: apply the current extractor to the archived raw pages."""

from __future__ import annotations

import typer

from crawler.cli import app
from crawler.cli.console import err, fail, out
from crawler.store import DatabaseUnavailable, open_database


@app.command("reextract")
def reextract_command(
    site: str = typer.Option(None, help="Only this site (default: every site)."),
    warc_dir: str = typer.Option(None, help="Folder of the WARC files (default: WARC_DIR, var/warc)."),
    dry_run: bool = typer.Option(False, help="Count what would change; write nothing."),
    failed: bool = typer.Option(
        False, "--failed", help="Only retry the pages whose extraction failed during a crawl."
    ),
    budget: float = typer.Option(20.0, min=0.1, help="Seconds a page may take; past it the page fails."),
) -> None:
    """Re-extract stored articles from their WARC records, without refetching anything.

    Pages whose extraction failed during a crawl (over its time budget) are retried first.
    """
    from crawler.archive.reextract import reextract
    from crawler.cli.running import project_settings
    from crawler.middlewares.warc import warc_root
    from crawler.workers import ExtractionPool, PoolConfig

    settings = project_settings({"WARC_DIR": warc_dir} if warc_dir else None)
    root = warc_root(settings)
    try:
        client, db = open_database()
    except DatabaseUnavailable as exc:
        fail(str(exc))
    try:
        with ExtractionPool(PoolConfig(workers=1, budget_s=budget)) as pool:
            counts = reextract(db, root, site=site, dry_run=dry_run, failed_only=failed, pool=pool)
    except DatabaseUnavailable as exc:
        fail(str(exc))
    finally:
        client.close()
    verb = "would change" if dry_run else "changed (new versions)"
    out.print(
        f"{counts.seen} articles: {counts.changed} {verb}, {counts.unchanged} unchanged, "
        f"{counts.without_warc} without archived pages, {counts.failed} failed"
    )
    if counts.recovered:
        out.print(f"{counts.recovered} of them had failed extraction during a crawl and are now stored")
    for note in counts.notes:
        err.print(f"note: {note}", markup=False)
    for problem in counts.problems[:20]:
        err.print(f"  {problem}")
    if counts.failed:
        raise typer.Exit(1)
