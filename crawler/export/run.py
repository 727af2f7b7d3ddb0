"""Stream the articles of a search into a file: one cursor, one writer, nothing held in memory.

The file is written as PATH.part and renamed when complete, so a failed export never leaves a
file that looks whole.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from crawler import __version__
from crawler.export.records import plain
from crawler.export.schema import export_schema
from crawler.export.writers import WRITERS

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from crawler.archive import Archive
    from crawler.search.query import SearchQuery

FORMATS = tuple(WRITERS)


def sidecar_path(path: Path) -> Path:
    """Where the JSON Schema of a jsonl or csv export goes."""
    return path.with_name(path.name + ".schema.json")


def export_articles(
    archive: Archive,
    query: SearchQuery,
    fmt: str,
    path: Path,
    fields: list[str],
    *,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every article the query matches to path in fmt; returns how many."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    part = path.with_name(path.name + ".part")
    writer = WRITERS[fmt](part, fields)
    filter_ = query.filter()
    count = 0
    try:
        projection = dict.fromkeys(fields, 1)
        if "_id" not in fields:
            projection["_id"] = 0
        with archive.articles.find(filter_, projection, batch_size=batch_size) as cursor:
            for doc in cursor:
                writer.write(doc)
                count += 1
                if progress is not None and count % batch_size == 0:
                    progress(count)
        info = {
            "format": fmt,
            "fields": fields,
            "filter": plain(filter_),
            "articles": count,
            "exported_at": plain(datetime.now(UTC)),
            "exported_by": f"newsarchive/{__version__}",
        }
        schema = export_schema(fields, info)
    except BaseException:
        writer.abort()
        part.unlink(missing_ok=True)
        raise
    writer.close(schema)
    part.replace(path)
    if writer.sidecar:
        text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
        sidecar_path(path).write_text(text, encoding="utf-8")
    if progress is not None:
        progress(count)
    return count
