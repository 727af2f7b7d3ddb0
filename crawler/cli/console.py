"""Terminal output shared by the commands: results on stdout, problems on stderr."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error (what happened, where, what to do) and exit non-zero."""
    err.print(f"[bold red]error:[/] {message}", markup=True)
    raise typer.Exit(code)
