"""`newsarchive extract FILE...`: run the archive's extraction on saved pages and print JSON."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crawler.cli import app
from crawler.extract import Page
from crawler.extract.page import default_profile
from crawler.workers import ExtractionFailed, ExtractionPool, PoolConfig

if TYPE_CHECKING:
    from concurrent.futures import Future

    from crawler.items import Article
    from crawler.profiles import SiteProfile


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


class PageTooLarge(ValueError):
    """A saved page larger than the crawler would ever download (DOWNLOAD_MAXSIZE)."""


def read_page_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The page bytes as stored; a ``.gz`` file is read decompressed, at most max_bytes of either.

    max_bytes defaults to the crawl's DOWNLOAD_MAXSIZE: a gzip bomb stops there.
    """
    if max_bytes is None:
        from crawler.settings import DOWNLOAD_MAXSIZE

        max_bytes = DOWNLOAD_MAXSIZE
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        body = handle.read(max_bytes + 1)
    if len(body) > max_bytes:
        what = "decompressed" if path.suffix == ".gz" else "read"
        raise PageTooLarge(f"more than {max_bytes} bytes {what} (DOWNLOAD_MAXSIZE); not a page")
    return body


def file_page(path: Path, url: str | None = None, site: str | None = None) -> tuple[Page, SiteProfile]:
    """A saved page as extraction input, with its profile (the site's, or one made from the URL)."""
    from crawler.profiles import load_profile

    page_url = url or path.resolve().as_uri()
    profile = load_profile(site) if site else default_profile(page_url)
    fetched_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return Page(url=page_url, body=read_page_bytes(path), fetched_at=fetched_at), profile


def _explain(files: list[Path], url: str | None, site: str | None) -> None:
    """The --explain report of every file (in this process: the choices are not sent across workers)."""
    from crawler.extract.explain import explain_page, format_explanation

    failed = 0
    for path in files:
        try:
            page, profile = file_page(path, url, site)
        except (OSError, EOFError, PageTooLarge) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            typer.echo(f"== {path}\ncannot read: {reason}")
            failed += 1
            continue
        article, choices = explain_page(page, profile)
        typer.echo(format_explanation(str(path), article, choices))
    if failed:
        raise typer.Exit(code=1)


def _record(path: Path, article: Article) -> dict[str, Any]:
    fields = article.to_dict()
    fields.pop("search", None)  # the stored document's search terms: not part of what was extracted
    return {"path": str(path), **fields}


def extract_file(
    path: Path, url: str | None = None, site: str | None = None, pool: ExtractionPool | None = None
) -> dict[str, Any]:
    """Extract one saved page within the budget: ``{"path": ..., **article fields}``."""
    page, profile = file_page(path, url, site)
    if pool is not None:
        return _record(path, pool.extract(page, profile))
    with ExtractionPool(PoolConfig(workers=1)) as own:
        return _record(path, own.extract(page, profile))


@app.command("extract")
def extract_command(
    files: Annotated[
        list[Path], typer.Argument(help="Saved pages (raw bytes as fetched; .gz is decompressed).")
    ],
    url: Annotated[
        str | None, typer.Option(help="URL the page(s) came from (canonical URL, relative links).")
    ] = None,
    site: Annotated[
        str | None, typer.Option(help="Site profile name (default: a profile built from the URL).")
    ] = None,
    workers: Annotated[int, typer.Option(min=0, help="Worker processes (0: one per core).")] = 0,
    budget: Annotated[
        float, typer.Option(min=0.1, help="Seconds a page may take; past it the page fails.")
    ] = 20.0,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Print, per field (title, date, authors), every candidate with its evidence and score "
            "and why the winner won, instead of JSON.",
        ),
    ] = False,
) -> None:
    """Extract articles from saved pages and print one JSON object per file (path + every article field).

    Pages are extracted in worker processes, each within ``--budget`` seconds (a page past it is
    reported as an error and the others go on). Relative dates (3小时前) are resolved against the
    file's modification time. ``--explain`` extracts in this process and prints a report instead.
    """
    if explain:
        _explain(files, url, site)
        return
    failed = 0
    size = workers or min(len(files), PoolConfig().size)
    with ExtractionPool(PoolConfig(workers=size, budget_s=budget)) as pool:
        jobs: list[tuple[Path, Future[Article] | str]] = []
        for path in files:
            try:
                page, profile = file_page(path, url, site)
            except (OSError, EOFError, PageTooLarge) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                jobs.append((path, f"cannot read: {reason}"))
                continue
            jobs.append((path, pool.submit(page, profile)))
        for path, job in jobs:
            try:
                if isinstance(job, str):
                    raise ExtractionFailed("unreadable", job)
                record = _record(path, job.result())
            except ExtractionFailed as exc:
                error = {"path": str(path), "error": str(exc), "reason": exc.reason}
                typer.echo(json.dumps(error, ensure_ascii=False))
                failed += 1
                continue
            typer.echo(json.dumps(record, ensure_ascii=False, default=_json_default))
    if failed:
        raise typer.Exit(code=1)
