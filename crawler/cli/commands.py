"""Registers every command module on the Typer app (import order = help order)."""

from crawler.cli import app, crawl, db, profiles

__all__ = ["app", "crawl", "db", "profiles"]
