"""`newsarchive db start|stop|status|check`: the project's local database and its search index."""

from __future__ import annotations

import os
import time

import typer

from crawler.cli import app
from crawler.cli.console import err, fail, out
from crawler.localdb import LocalDBError, LocalServer
from crawler.search.index import SearchIndex
from crawler.search.reindex import stale_articles
from crawler.store import DatabaseUnavailable
from crawler.store.connection import open_database, redact_uri, resolve_uri
from crawler.store.history import backfill_states

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


def _say_stale(count: int, ids: list[str]) -> None:
    if count:
        sample = ", ".join(ids) + (" ..." if count > len(ids) else "")
        out.print(
            f"search fields not those of the article's title and text (edited by another tool, or "
            f"stored under older rules): {count}: {sample}",
            markup=False,
        )


@db_app.command("check")
def check() -> None:
    """Compare the local search index with the store (one scan); exit 1 if they differ.

    Says per site how far its history was walked (crawls continue an incomplete one). Reports
    articles missing from the index (written by other tools), left in it (deleted from
    the store), or changed since (content, state or search terms), and interrupted writes.
    `newsarchive reindex` repairs all of them.
    """
    try:
        client, db = open_database()
    except DatabaseUnavailable as exc:
        fail(str(exc))
    try:
        for site, state in sorted(backfill_states(db).items()):  # not a fault: `crawl SITE` continues it
            out.print(f"history of {site}: {state}")
        if not SearchIndex.wanted(db):
            out.print("no local search index on this server: MongoDB answers searches from its own indexes")
            stale, ids = stale_articles(db["articles"])
            _say_stale(stale, ids)
            if stale:
                raise typer.Exit(1)
            return
        index = SearchIndex.for_database(db)
        if index is None or not index.complete:
            out.print("the local search index is not built: run `newsarchive reindex`")
            raise typer.Exit(1)
        started = time.perf_counter()
        report, resync = index.drift(db["articles"])
        seconds = time.perf_counter() - started
        size = index.size_bytes() / 1e6
        out.print(
            f"store: {report.store} articles; search index: {report.indexed} ({index.path}, {size:,.0f} MB); "
            f"compared in {seconds:.1f} s"
        )
        for label, ids in (
            ("missing from the index", report.missing),
            ("in the index, not in the store", report.extra),
            ("changed since indexed", report.changed),
        ):
            if ids:
                out.print(f"{label}: {', '.join(ids)}" + (" ..." if len(ids) >= 20 else ""))
        _say_stale(report.stale, report.stale_ids)
        if report.pending:
            out.print(
                f"{report.pending} articles of interrupted writes (the next search or crawl repairs them)"
            )
        index.close()
        if not report.clean:
            out.print(
                f"{len(resync) + report.stale} articles differ: run `newsarchive reindex` to resync them"
            )
            raise typer.Exit(1)
        out.print("the search index agrees with the store")
    finally:
        client.close()


@db_app.command("sequence")
def sequence() -> None:
    """Number the articles stored before the archive sequence existed (feeds, `changes`; once).

    Each gets one `new` entry for its current version; its earlier versions and gone events are
    logged as history. The first `export --cursor` or `changes` does the same by itself.
    """
    from crawler.store.backfill import backfill, needs_backfill
    from crawler.store.changelog import ChangeLog

    try:
        client, db = open_database()
    except DatabaseUnavailable as exc:
        fail(str(exc))
    try:
        if not needs_backfill(db):
            since = ChangeLog(db).counter_state().get("backfilled_at")
            when = f" (since {since:%Y-%m-%d %H:%M} UTC)" if since else ""
            out.print(f"already numbered{when}; nothing to do")
            return
        started = time.perf_counter()
        count = backfill(db)
        out.print(
            f"{count} articles numbered in {time.perf_counter() - started:.1f} s; "
            f"the archive sequence is at {ChangeLog(db).high()}"
        )
    finally:
        client.close()
