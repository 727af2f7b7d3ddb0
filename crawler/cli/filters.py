"""The search filters that `search`, `export` and `stats` share: one definition of each option."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from crawler.archive import Archive
from crawler.cli.console import err, fail
from crawler.search.query import DEFAULT_TZ, QueryError
from crawler.store import DatabaseUnavailable

if TYPE_CHECKING:
    from crawler.search.query import SearchQuery

WORDS = typer.Argument(None, help='Terms (all must match) and "quoted phrases".')
PHRASE = typer.Option([], "--phrase", "-p", help="An exact phrase (repeatable).")
SITE = typer.Option([], "--site", help="Only these sites (repeatable).")
SINCE = typer.Option(None, "--since", help="Published on or after (YYYY-MM-DD or ISO time; zone: --tz).")
UNTIL = typer.Option(None, "--until", help="Published up to the end of this day (or before this time).")
AUTHOR = typer.Option([], "--author", help="Written by (repeatable: any of them).")
SOURCE = typer.Option([], "--source", help="Outlet named by 来源 (repeatable).")
SECTION = typer.Option([], "--section", help="Section (repeatable).")
TZ = typer.Option(DEFAULT_TZ, "--tz", help="Time zone for dates without one, and for dates shown.")


def open_archive() -> Archive:
    """The archive of MONGO_URI / the local database, or a clean error."""
    try:
        return Archive.open()
    except DatabaseUnavailable as exc:
        fail(str(exc))


def warn_without_index(archive: Archive) -> None:
    """Say so when the local database has no search index: every search is then a full scan."""
    if archive.local_index is None and archive.index_missing:
        err.print(
            "this archive has no local search index: searching by a full scan (slow on large "
            "archives); run `newsarchive reindex` once to build it"
        )


def build_query(
    archive: Archive,
    words: list[str] | None,
    phrases: list[str],
    *,
    site: list[str],
    since: str | None,
    until: str | None,
    author: list[str],
    source: list[str],
    section: list[str],
    tz: str,
) -> SearchQuery:
    """The parsed search; exits with code 2 and the reason when the input is unusable."""
    text = " ".join(words or []) + "".join(f' "{p}"' for p in phrases)
    try:
        return archive.query(
            text, site=site, since=since, until=until, author=author, source=source, section=section, tz=tz
        )
    except QueryError as exc:
        archive.close()
        fail(str(exc), code=2)
