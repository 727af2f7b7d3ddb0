"""Registers every command module on the Typer app (import order = help order)."""

from crawler.cli import app, crawl, db, demo, egg, extract, profiles, reextract, schedule, spill

__all__ = ["app", "crawl", "db", "demo", "egg", "extract", "profiles", "reextract", "schedule", "spill"]
