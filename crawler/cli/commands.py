"""Registers every command module on the Typer app (import order = help order)."""

from crawler.cli import app, crawl, db, demo, profiles, spill
from crawler.cli import export, stats
from crawler.cli import search as search_commands

__all__ = ["app", "crawl", "db", "demo", "export", "profiles", "search_commands", "spill", "stats"]
