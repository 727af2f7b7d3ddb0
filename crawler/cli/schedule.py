"""`newsarchive schedule`: the long-lived scheduler (or cron / systemd: docs/operations.md "Scheduling")."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import typer

from crawler.cli import app
from crawler.cli.console import err, fail
from crawler.frontier import FRONTIER_ENV
from crawler.project.workdir import var_dir
from crawler.schedule import ScheduleError, Scheduler, from_file, from_profiles
from crawler.store import DatabaseUnavailable, open_database
from crawler.store.profiles import SiteProfiles
from crawler.store.runs import CrawlRuns


@app.command("schedule")
def schedule(
    sites: list[str] = typer.Argument(
        None, help="Sites to schedule, by name or profile file (default: every profile with a `schedule:`)."
    ),
    file: Path = typer.Option(
        None, "--file", "-f", exists=True, dir_okay=False, help="A schedule file (YAML)."
    ),
    max_parallel: int = typer.Option(2, help="Crawls of different sites running at the same time."),
    max_runs: int = typer.Option(
        None, help="Stop after each site ran this many times (default: run forever)."
    ),
    grace: float = typer.Option(
        60.0, help="Seconds a crawl gets to finish after SIGTERM before it is killed."
    ),
    log_dir: Path = typer.Option(None, help="Where each run's log goes (default: var/logs)."),
    workers: int = typer.Option(
        None,
        min=1,
        help="Processes per run of each site (default 1, or the file's `workers`); needs --frontier.",
    ),
    frontier: str = typer.Option(
        None,
        "--frontier",
        envvar=FRONTIER_ENV,
        help="Redis URL the workers of a run share, redis://HOST:PORT/DB.",
    ),
) -> None:
    """Run crawls on their schedules until SIGTERM; never two runs of one site at once."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    try:
        client, db = open_database()
    except DatabaseUnavailable as exc:
        fail(str(exc))
    archive = SiteProfiles(db)  # finds sites crawled from a profile file outside the profile folders

    def say(note: str) -> None:
        err.print(note, markup=False)

    try:
        if file:
            plans = from_file(file, workers, archive, say)
        else:
            plans = from_profiles(sites or None, workers or 1, archive, say)
    except ScheduleError as exc:
        client.close()
        fail(str(exc), code=2)
    env = None
    if frontier:
        env = {**os.environ, FRONTIER_ENV: frontier}
    elif crowded := [p.site for p in plans if p.workers > 1]:
        client.close()
        fail(
            f"several workers per run ({', '.join(crowded)}) share a frontier: give --frontier redis://...",
            code=2,
        )
    runs = CrawlRuns(db)
    last_starts = {p.site: latest[0]["started_at"] for p in plans if (latest := runs.latest(p.site, limit=1))}
    client.close()
    scheduler = Scheduler(
        plans,
        command=[sys.executable, "-m", "crawler.cli", "crawl"],
        log_dir=log_dir or var_dir() / "logs",
        last_starts=last_starts,
        max_parallel=max_parallel,
        max_runs=max_runs,
        grace_seconds=grace,
        env=env,
    )
    scheduler.install_signal_handlers()
    scheduler.run()
