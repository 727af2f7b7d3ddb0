"""`newsarchive web`: browse the archive in a browser (read-only, loopback by default)."""

from __future__ import annotations

import typer
from rich.markup import escape

from crawler.cli import app, filters
from crawler.cli.console import err, fail
from crawler.search.query import QueryError, zone


@app.command("web")
def web(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback: only this machine)."),
    port: int = typer.Option(8080, min=1, max=65535, help="TCP port."),
    warc_dir: str = typer.Option(None, help="Folder of the WARC files (default: WARC_DIR, var/warc)."),
    tz: str = filters.TZ,
) -> None:
    """Search, read articles with their versions, replay raw pages and see each site's health."""
    from pathlib import Path

    from crawler.cli.running import project_settings
    from crawler.middlewares.warc import warc_root
    from crawler.web.server import ServeError, check_port, is_loopback, serve

    try:
        zone(tz)
    except QueryError as exc:
        fail(str(exc), code=2)
    root = Path(warc_dir) if warc_dir else warc_root(project_settings())
    if not is_loopback(host):
        err.print(
            f"[yellow]warning:[/] listening on {escape(host)}: anyone who can reach this address can read "
            "the whole archive (the browser has no login)",
            markup=True,
        )
    try:
        check_port(host, port)  # before connecting: a taken port is the commoner mistake
    except ServeError as exc:
        fail(str(exc))
    archive = filters.open_archive()
    try:
        err.print(f"archive browser on http://{host}:{port}/ (raw pages from {root}); Ctrl-C stops it")
        serve(archive, root, host=host, port=port, tz=tz)
    except ServeError as exc:
        fail(str(exc))
    finally:
        archive.close()
