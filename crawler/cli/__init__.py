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
    """Console-script entry point."""
    from crawler.cli import commands  # noqa: F401  (registers the commands on app)

    app()
