"""`newsarchive extract FILE...`: run the archive's extraction on saved pages and print JSON."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from crawler.cli import app
from crawler.extract import Page, extract_page
from crawler.extract.page import default_profile


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
        from crawler.settings import DOWNLOAD_MAXSIZE as max_bytes
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        body = handle.read(max_bytes + 1)
    if len(body) > max_bytes:
        what = "decompressed" if path.suffix == ".gz" else "read"
        raise PageTooLarge(f"more than {max_bytes} bytes {what} (DOWNLOAD_MAXSIZE); not a page")
    return body


def extract_file(path: Path, url: str | None = None, site: str | None = None) -> dict[str, Any]:
    """Extract one saved page: ``{"path": ..., **article fields}``."""
    from crawler.profiles import load_profile

    page_url = url or path.resolve().as_uri()
    profile = load_profile(site) if site else default_profile(page_url)
    fetched_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    article = extract_page(Page(url=page_url, body=read_page_bytes(path), fetched_at=fetched_at), profile)
    return {"path": str(path), **article.to_dict()}


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
) -> None:
    """Extract articles from saved pages and print one JSON object per file (path + every article field).

    Relative dates (3小时前) are resolved against the file's modification time.
    """
    failed = 0
    for path in files:
        try:
            record = extract_file(path, url, site)
        except (OSError, EOFError, PageTooLarge) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            typer.echo(json.dumps({"path": str(path), "error": f"cannot read: {reason}"}, ensure_ascii=False))
            failed += 1
            continue
        typer.echo(json.dumps(record, ensure_ascii=False, default=_json_default))
    if failed:
        raise typer.Exit(code=1)
