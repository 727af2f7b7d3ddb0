"""Registers every command module on the Typer app (import order = help order)."""

from crawler.cli import app

__all__ = ["app"]
