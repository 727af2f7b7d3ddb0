"""`newsarchive egg`: the project as a scrapyd egg (see docs/operations.md "Deploying to scrapyd")."""

from __future__ import annotations

from pathlib import Path

import typer

from crawler.cli import app
from crawler.cli.console import out


@app.command("egg")
def egg(
    out_path: Path = typer.Option(Path("dist/newsarchive.egg"), "--out", "-o", help="Egg file to write."),
) -> None:
    """Build the egg scrapyd runs (upload it with scrapyd's addversion.json)."""
    from crawler.project.egg import build_egg

    names = build_egg(out_path)
    out.print(f"{out_path}: {len(names)} files")
