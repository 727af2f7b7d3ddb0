"""`newsarchive db start|stop|status`: the project's local database."""

from __future__ import annotations

import os

import typer

from crawler.cli import app
from crawler.cli.console import err, fail, out
from crawler.localdb import LocalDBError, LocalServer
from crawler.store.connection import redact_uri, resolve_uri

db_app = typer.Typer(help="The local database (FerretDB with SQLite, under var/); MONGO_URI overrides it.")
app.add_typer(db_app, name="db")


def _server(port: int | None) -> LocalServer:
    server = LocalServer.default()
    if port is not None:
        server.port = port
    return server


def start_local_database(port: int | None = None) -> LocalServer:
    """Start the project's FerretDB unless it runs already (progress on stderr; exits on failure)."""
    server = _server(port)
    if server.running():
        err.print(f"the local database is already running at {server.uri} (pid {server.pid()})")
        return server
    err.print("starting the local database (the first start builds FerretDB with Go: about a minute) ...")
    try:
        server.start()
    except LocalDBError as exc:
        fail(str(exc))
    err.print(
        f"local database running at {server.uri} (pid {server.pid()}), data in {server.data_dir}, "
        f"log {server.log_file}; stop it with `newsarchive db stop`"
    )
    return server


@db_app.command("start")
def start(
    port: int = typer.Option(None, help="Port on 127.0.0.1 (default 27117, or the last one used)."),
) -> None:
    """Build FerretDB if needed (needs Go; about a minute the first time), then start it."""
    out.print(start_local_database(port).uri)


@db_app.command("stop")
def stop() -> None:
    """Stop the local database (its data stays in var/ferretdb)."""
    server = LocalServer.default()
    try:
        stopped = server.stop()
    except LocalDBError as exc:
        fail(str(exc))
    if stopped:
        err.print("local database stopped")
    else:
        err.print("the local database was not running")


@db_app.command("status")
def status(uri_only: bool = typer.Option(False, "--uri", help="Print only the URI on stdout.")) -> None:
    """Which database the commands use, and whether the local one runs (exit 1 if it does not).

    With --uri only the URI is printed (credentials included, for `mongosh "$(newsarchive db status --uri)"`).
    """
    configured = os.environ.get("MONGO_URI")
    uri = resolve_uri()
    if uri_only:
        out.print(uri)
        return
    server = LocalServer.default()
    if configured:
        out.print(f"MONGO_URI is set: {redact_uri(uri)} (the local database is not used)")
        return
    if server.running():
        out.print(f"running  {server.uri}  pid {server.pid()}  data {server.data_dir}")
    else:
        out.print(f"stopped  {server.uri}  (start it with `newsarchive db start`)")
        raise typer.Exit(1)
