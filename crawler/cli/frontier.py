"""`newsarchive frontier status|clear SITE`: the shared Redis frontier of distributed crawls."""

from __future__ import annotations

import json
import re

import typer

from crawler.cli import app
from crawler.cli.console import err, fail, out
from crawler.frontier import FRONTIER_ENV, Frontier
from crawler.profiles import ProfileError, load_profile
from crawler.profiles.model import NAME_RE
from crawler.store.connection import redact_uri

frontier_app = typer.Typer(
    help=f"The shared frontier of distributed crawls (--frontier URL, else ${FRONTIER_ENV})."
)
app.add_typer(frontier_app, name="frontier")

FrontierOption = typer.Option(
    None, "--frontier", envvar=FRONTIER_ENV, help="Redis URL of the frontier, redis://HOST:PORT/DB."
)


def open_frontier(site: str, url: str | None, prefix: str = "newsarchive") -> Frontier:
    """The site's frontier on the Redis at url; exits with a clear message when it cannot be reached."""
    import redis

    if not url:
        fail(f"which frontier? give --frontier redis://HOST:PORT/DB or set ${FRONTIER_ENV}", code=2)
    name = _site_name(site)
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        server.ping()
    except ValueError as exc:
        fail(f"not a Redis URL: {redact_uri(url)} ({exc})", code=2)
    except redis.RedisError as exc:
        fail(f"cannot reach the frontier at {redact_uri(url)}: {exc}; is redis-server running there?")
    return Frontier(server, name, prefix)


def _site_name(site: str) -> str:
    """The site of a profile name or file; a valid name without a profile (crawled from a file) as given."""
    try:
        return load_profile(site).name
    except ProfileError as exc:
        if re.fullmatch(NAME_RE, site):
            return site
        fail(str(exc), code=2)


@frontier_app.command("status")
def status(
    site: str = typer.Argument(..., help="Site name (or its profile file)."),
    frontier: str = FrontierOption,
    as_json: bool = typer.Option(False, "--json", help="One JSON object instead of text."),
) -> None:
    """Queued and seen requests, workers and what each has in flight, Redis memory used."""
    state = open_frontier(site, frontier).status()
    if as_json:
        out.print(json.dumps(state.as_dict()), markup=False)
        return
    out.print(f"{state.site}: run {state.run_id or '-'}{' (seeded)' if state.seeded else ''}", markup=False)
    out.print(f"  queued     {state.queued}", markup=False)
    out.print(f"  seen       {state.seen}", markup=False)
    out.print(f"  in flight  {state.in_flight}", markup=False)
    out.print(f"  memory     {state.memory_bytes / 1024:.1f} KiB", markup=False)
    live = [w for w in state.workers if w["alive"]]
    out.print(f"  workers    {len(live)} live, {len(state.workers) - len(live)} not beating", markup=False)
    for worker in state.workers:
        beat = "live" if worker["alive"] else "not beating (its work is requeued by the others)"
        out.print(f"    {worker['worker']}: {worker['in_flight']} in flight, {beat}", markup=False)


@frontier_app.command("clear")
def clear(
    site: str = typer.Argument(..., help="Site name (or its profile file)."),
    frontier: str = FrontierOption,
) -> None:
    """Delete the site's frontier: queue, seen set, workers; the next crawl starts afresh."""
    target = open_frontier(site, frontier)
    live = target.live_workers()
    removed = target.clear()
    err.print(f"{target.site}: removed {removed} frontier keys")
    if live:
        err.print(f"{len(live)} workers were running; they stop at their next idle check (frontier_gone)")
