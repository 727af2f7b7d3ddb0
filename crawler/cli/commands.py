"""Registers every command module on the Typer app (import order = help order)."""

from crawler.cli import (
    app,
    changes,
    crawl,
    db,
    demo,
    egg,
    export,
    extract,
    frontier,
    profiles,
    reextract,
    schedule,
    search,
    spill,
    stats,
    web,
)

__all__ = [
    "app",
    "changes",
    "crawl",
    "db",
    "demo",
    "egg",
    "export",
    "extract",
    "frontier",
    "profiles",
    "reextract",
    "schedule",
    "search",
    "spill",
    "stats",
    "web",
]
