"""Terminal output shared by the commands: results on stdout, problems on stderr."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from crawler.logs.redact import redact

#: Markup only where a command asks for it: messages quote file names, URLs and stored values,
#: whose brackets are text (a `[/x]` in a spill file must not become a rich MarkupError).
out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error (what happened, where, what to do; secrets masked) and exit non-zero."""
    err.print(f"[bold red]error:[/] {escape(redact(message))}", markup=True)
    raise typer.Exit(code)


def problem(message: str) -> None:
    """Print one problem line on stderr (secrets in URLs masked), and go on."""
    err.print(redact(message))
