"""`newsarchive profiles [NAME]`: list the site profiles, or validate and show one."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from crawler.cli import app
from crawler.cli.console import fail, out
from crawler.profiles import ProfileError, available_profiles, load_profile


@app.command("profiles")
def profiles(name: str = typer.Argument(None, help="Show (and validate) one profile.")) -> None:
    """List the known site profiles, checking each; exit 1 if any is invalid."""
    if name:
        try:
            profile = load_profile(name)
        except ProfileError as exc:
            fail(str(exc), code=2)
        out.print_json(profile.model_dump_json())
        return
    table = Table("site", "title", "base URL", "verified", "status")
    bad = 0
    for site in available_profiles():
        try:
            profile = load_profile(site)
        except ProfileError as exc:
            bad += 1
            table.add_row(site, "", "", "", Text(str(exc), style="red"))
            continue
        table.add_row(site, profile.title, profile.base_url, "yes" if profile.verified else "no", "ok")
    out.print(table)
    if bad:
        raise typer.Exit(1)
