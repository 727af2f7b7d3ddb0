"""`newsarchive crawl SITE`: crawl one site into the archive."""

from __future__ import annotations

import logging
import os
from typing import Any

import typer
from rich.markup import escape

from crawler.cli import app
from crawler.cli.console import err, fail, out
from crawler.cli.frontier import open_frontier
from crawler.frontier import FRONTIER_ENV
from crawler.logs.redact import redact
from crawler.profiles import ProfileError, load_profile

#: Exit code of `--fail-on-warning` when the health checks warn.
EXIT_HEALTH_WARNING = 3
#: Exit code when another crawl of the site holds its lease (EX_TEMPFAIL: try again later).
EXIT_SITE_BUSY = 75


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """NAME=VALUE pairs of Scrapy settings, as given to `scrapy crawl -s`."""
    overrides: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            fail(f"--set expects NAME=VALUE, got {pair!r}", code=2)
        overrides[name.strip()] = value
    return overrides


@app.command("crawl")
def crawl(
    site: str = typer.Argument(
        ..., help="Profile name (see `newsarchive profiles`) or path to a profile file."
    ),
    base_url: str = typer.Option(
        None, help="Crawl a copy of the site served elsewhere (mirror, test server)."
    ),
    limit: int = typer.Option(0, help="Stop after this many articles (0: no limit)."),
    extract_workers: int = typer.Option(
        None,
        min=0,
        help="Extraction worker processes of this crawl (default EXTRACT_WORKERS: 0, one per core); "
        "crawl processes sharing a frontier are started one by one or by `schedule --workers`.",
    ),
    full: bool = typer.Option(False, "--full", help="Refetch every article, not only new and due ones."),
    fail_on_warning: bool = typer.Option(
        False, "--fail-on-warning", help="Exit 3 when the run's health checks warn (for cron)."
    ),
    set_: list[str] = typer.Option([], "--set", "-s", help="Scrapy setting NAME=VALUE (repeatable)."),
    frontier: str = typer.Option(
        None,
        "--frontier",
        envvar=FRONTIER_ENV,
        help="Share the crawl with other workers through this Redis, redis://HOST:PORT/DB.",
    ),
    log_level: str = typer.Option("INFO", help="DEBUG, INFO, WARNING or ERROR."),
) -> None:
    """Crawl one site: feeds, sitemaps and list pages, then extract and store every article."""
    try:
        profile = load_profile(site)
    except ProfileError as exc:
        fail(str(exc), code=2)
    overrides = {"LOG_LEVEL": log_level.upper(), **parse_overrides(set_)}
    if limit:
        overrides["CLOSESPIDER_ITEMCOUNT"] = limit
    if extract_workers is not None:
        overrides["EXTRACT_WORKERS"] = extract_workers
    if full:
        overrides["INCREMENTAL_ENABLED"] = False
    if frontier:
        # the option beats the environment, the environment beats settings (crawler/project/defaults.py)
        os.environ[FRONTIER_ENV] = frontier
        open_frontier(site, frontier)  # fails fast when Redis cannot be reached
    from crawler.cli.running import run_crawl

    result = run_crawl(site, base_url=base_url, settings=overrides)
    logging.shutdown()
    out.print(f"{profile.name}: {result.summary()}")
    if result.finish_reason == "site_busy":
        err.print(f"{profile.name} is being crawled by another process; nothing was fetched")
        raise typer.Exit(EXIT_SITE_BUSY)
    if not result.ok:
        if result.all_refused:
            err.print(f"{profile.name}: {result.all_refused}", markup=False)
            raise typer.Exit(1)
        if result.write_errors:
            err.print(
                f"{result.write_errors} articles or visits were not stored (saved under var/unsaved/; "
                "see the log above)"
            )
        err.print(f"the crawl did not complete ({result.finish_reason}); see the log above")
        raise typer.Exit(1)
    warnings = list(result.stats.get("run/health_warnings") or [])
    if result.history_incomplete:  # a warning for cron: the archive does not reach back to the start yet
        warnings.append(result.history)
    for warning in warnings:
        err.print(f"[yellow]health warning:[/] {escape(redact(str(warning)))}", markup=True)
    if warnings and fail_on_warning:
        raise typer.Exit(EXIT_HEALTH_WARNING)
