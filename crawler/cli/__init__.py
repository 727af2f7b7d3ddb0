"""The `newsarchive` command: one Typer app, one module per command group."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="newsarchive",
    help="Archival crawler for regional news portals (Scrapy + trafilatura + MongoDB).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def main() -> None:
    """Console-script entry point; a server error any command meets is said plainly (no traceback)."""
    from pymongo.errors import OperationFailure

    from crawler.cli import commands  # noqa: F401  (registers the commands on app)
    from crawler.cli.console import fail
    from crawler.store.connection import database_error

    try:
        app()
    except OperationFailure as exc:
        try:
            fail(database_error(exc))
        except typer.Exit as stop:  # outside the app: end the process the same way
            raise SystemExit(stop.exit_code) from None
