"""`newsarchive search` and `newsarchive reindex`: find articles from the terminal."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table
from rich.text import Text

from crawler.cli import app, filters
from crawler.cli.console import err, fail, out
from crawler.export.records import record
from crawler.search.capabilities import ensure_text_index
from crawler.search.index import SearchIndex
from crawler.search.query import zone
from crawler.search.reindex import reindex as reindex_articles
from crawler.search.reindex import stale_filter
from crawler.search.snippets import Snippet, highlight, make_snippet
from crawler.store.articles import INDEXES, ensure_indexes
from crawler.stories.index import StoryIndex

if TYPE_CHECKING:
    from crawler.archive import Archive
    from crawler.search.query import SearchQuery

#: Left out of --json lines besides the search fields: copies of title and text.
_JSON_HIDDEN = {"title_simplified", "text_simplified", "terms_version", "terms_source"}


def _marked(snippet: Snippet, style: str = "bold yellow") -> Text:
    text = Text(snippet.text)
    for start, end in snippet.highlights:
        text.stylize(style, start, end)
    return text


def _row(doc: dict[str, Any], query: SearchQuery, tz: Any, number: int, relevance: bool) -> list[Any]:
    published = doc.get("published_at")
    when = published.astimezone(tz).strftime("%Y-%m-%d %H:%M") if published else "-"
    cell = _marked(highlight(doc.get("title") or "(no title)", query.needles), "bold yellow")
    cell.stylize("bold")
    cell.append("\n")
    cell.append_text(_marked(make_snippet(doc, query.needles)))
    cell.append("\n" + doc["_id"], style="dim")
    row: list[Any] = [str(number), when, doc.get("site", ""), cell]
    if relevance:
        row.append(f"{doc.get('score', 0):.2f}")
    return row


def _describe(query: SearchQuery) -> str:
    parts = [f"terms {' '.join(query.terms)}"] if query.terms else []
    parts += [f'"{p}"' for p in query.phrases]
    for name, values in (
        ("site", query.sites),
        ("author", query.authors),
        ("source", query.sources),
        ("section", query.sections),
    ):
        if values:
            parts.append(f"{name} {', '.join(values)}")
    if query.since:
        parts.append(f"since {query.since:%Y-%m-%d %H:%M} UTC")
    if query.until:
        parts.append(f"until {query.until:%Y-%m-%d %H:%M} UTC")
    return "; ".join(parts) or "everything"


def _no_hits(archive: Archive, query: SearchQuery, page: int) -> None:
    if page > 1:
        err.print(f"no results on page {page}: the search has fewer hits (try --page 1)")
        return
    err.print(f"no articles match ({_describe(query)}).")
    cap = 100
    hints = [(what, n) for what, n in archive.loosen(query, cap=cap) if n]
    if hints:
        counts = [f"{what} ({n}{'+' if n >= cap else ''} hits)" for what, n in hints]
        err.print("to loosen it, drop " + "; or ".join(counts))
    elif query.loosened():
        err.print("dropping any single condition still finds nothing: try other or fewer terms")
    index = archive.local_index
    stale = index.stale_terms() if index is not None else None
    if stale is None and query.terms:
        stale = archive.articles.count_documents(stale_filter(), limit=1)
    if query.terms and stale:
        err.print("some articles have no search terms yet: run `newsarchive reindex`")


@app.command("search")
def search(
    words: list[str] = filters.WORDS,
    phrase: list[str] = filters.PHRASE,
    site: list[str] = filters.SITE,
    since: str = filters.SINCE,
    until: str = filters.UNTIL,
    author: list[str] = filters.AUTHOR,
    source: list[str] = filters.SOURCE,
    section: list[str] = filters.SECTION,
    sort: str = typer.Option("date", help="date (newest first) or relevance."),
    limit: int = typer.Option(20, min=1, max=1000, help="Results per page."),
    page: int = typer.Option(1, min=1, help="Page of results (1 = the first --limit hits)."),
    count: bool = typer.Option(False, "--count", help="Also count all hits (one more query)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line instead of a table."),
    tz: str = filters.TZ,
) -> None:
    """Search the archive: script-insensitive (東營 finds 东营), every term must match."""
    if sort not in ("date", "relevance"):
        fail(f"--sort must be date or relevance, not {sort!r}", code=2)
    archive = filters.open_archive()
    query = filters.build_query(
        archive,
        words,
        phrase,
        site=site,
        since=since,
        until=until,
        author=author,
        source=source,
        section=section,
        tz=tz,
    )
    filters.warn_without_index(archive)
    if query.ignored:
        err.print(f"ignoring {' '.join(query.ignored)} (stopwords or punctuation)")
    skip = (page - 1) * limit
    # One more than a page tells whether there is a next page without counting every hit.
    results = archive.search(query, sort=sort, limit=limit + 1, skip=skip)  # type: ignore[arg-type]
    more = len(results) > limit
    results = results[:limit]
    total = archive.count(query) if count else None
    if not results:
        _no_hits(archive, query, page)
        archive.close()
        raise typer.Exit(1)
    if as_json:
        for doc in results:
            snippet = make_snippet(doc, query.needles)
            line = record({k: v for k, v in doc.items() if k not in _JSON_HIDDEN})
            line.update(snippet=snippet.text, highlights=snippet.highlights)
            out.print(json.dumps(line, ensure_ascii=False), markup=False, highlight=False, soft_wrap=True)
        if total is not None:
            err.print(f"{total} hits")
    else:
        relevance = sort == "relevance"
        table = Table("#", f"published ({tz})", "site", "article", *(["score"] if relevance else []))
        for number, doc in enumerate(results, skip + 1):
            table.add_row(*_row(doc, query, zone(tz), number, relevance))
        out.print(table)
        shown = f"results {skip + 1}–{skip + len(results)}"
        if total is not None:
            shown += f" of {total}"
        out.print(shown + (f"; more: --page {page + 1}" if more else ""))
    archive.close()


def _backfill_stories(everything: bool) -> None:
    def progress(done: int) -> None:
        if done % 5000 == 0:
            err.print(f"{done} articles given a story ...")

    archive = filters.open_archive()
    index = StoryIndex.for_database(archive.db)
    try:
        started = time.perf_counter()
        count = index.backfill(everything=everything, progress=progress)
        seconds = time.perf_counter() - started
    finally:
        index.close()
        archive.close()
    out.print(f"{count} articles given a story in {seconds:.1f} s")


@app.command("reindex")
def reindex(
    everything: bool = typer.Option(False, "--all", help="Recompute every article, not only stale ones."),
    stories: bool = typer.Option(
        False, "--stories", help="Instead: give a story (reprint detection) to articles stored without one."
    ),
) -> None:
    """Write the search fields of articles stored without them, and build or resync the local index.

    On the local database the search index (var/search) is built from the whole archive the first
    time (and with --all), else brought in line with what other tools wrote (see `db check`).
    With --stories, cluster the articles stored without a story instead (--all: every article anew).
    """
    if stories:
        _backfill_stories(everything)
        return

    def progress(done: int) -> None:
        if done % 5000 == 0:
            err.print(f"{done} articles reindexed ...")

    def indexed(done: int) -> None:
        if done % 5000 == 0:
            err.print(f"{done} articles in the search index ...")

    archive = filters.open_archive()
    try:
        ensure_indexes(archive.articles, INDEXES)
        index = SearchIndex.for_database(archive.db, create=True)
        if index is not None and not everything and index.complete:
            index.repair(archive.articles)
        updated = reindex_articles(
            archive.articles,
            everything=everything,
            progress=progress,
            index=index if index is not None and index.complete and not everything else None,
        )
        if archive.capabilities.text_search:
            ensure_text_index(archive.articles)
        if index is not None:
            started = time.perf_counter()
            what, count = index.bring_up_to_date(archive.articles, everything=everything, progress=indexed)
            seconds = time.perf_counter() - started
            index.close()
    finally:
        archive.close()
    out.print(f"{updated} articles reindexed")
    if index is not None:
        if what == "rebuilt":
            out.print(f"search index rebuilt: {count} articles in {seconds:.1f} s ({index.path})")
        else:
            out.print(f"search index: {count} articles resynced with the store ({seconds:.1f} s)")
