"""Stream the articles of a search into a file: one cursor, one writer, nothing held in memory.

The file is written as PATH.part and renamed when complete, so a failed export never leaves a
file that looks whole.

The server's scan is the bottleneck (FerretDB decodes every stored document: ~1,000 full
articles/s), so a reader thread keeps the cursor busy while this thread formats and writes:
the export runs at the speed of a plain projected scan instead of scan time plus writing time.
Memory stays flat: at most `READ_AHEAD` batches wait in the queue.
"""

from __future__ import annotations

import json
import queue
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler import __version__
from crawler.export.dataset import DatasetWriter
from crawler.export.records import plain
from crawler.export.schema import export_schema
from crawler.export.writers import WRITERS

if TYPE_CHECKING:
    from collections.abc import Callable, Generator
    from pathlib import Path

    from crawler.archive import Archive
    from crawler.search.query import SearchQuery

FORMATS = tuple(WRITERS)
#: Batches the reader thread may hold ahead of the writer.
READ_AHEAD = 4
_DONE = object()


def read_ahead(open_cursor: Callable[[], Any], batch_size: int) -> Generator[dict[str, Any], None, None]:
    """Documents of the cursor open_cursor() returns, fetched by a thread one batch ahead.

    The cursor is used only by the reader thread; an error there is raised here. Leaving the
    loop early (an error while writing) stops the reader and closes its cursor.
    """
    batches: queue.Queue[Any] = queue.Queue(maxsize=READ_AHEAD)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                batches.put(item, timeout=0.5)
            except queue.Full:
                continue
            return True
        return False

    def reader() -> None:
        try:
            with open_cursor() as cursor:
                batch: list[dict[str, Any]] = []
                for doc in cursor:
                    batch.append(doc)
                    if len(batch) >= batch_size:
                        if not put(batch):
                            return
                        batch = []
                if batch and not put(batch):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consuming thread
            put(exc)

    thread = threading.Thread(target=reader, name="export-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = batches.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        thread.join()


def _stream(
    archive: Archive,
    filter_: dict[str, Any],
    projection: dict[str, Any],
    write: Callable[[dict[str, Any]], None],
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> int:
    """Hand every matching article to write(), read one batch ahead; returns how many."""
    count = 0
    docs = read_ahead(lambda: archive.articles.find(filter_, projection, batch_size=batch_size), batch_size)
    try:
        for doc in docs:
            write(doc)
            count += 1
            if progress is not None and count % batch_size == 0:
                progress(count)
    finally:
        docs.close()  # stops the reader thread when writing failed
    return count


def _facts(fmt: str, fields: list[str], filter_: dict[str, Any], count: int) -> dict[str, Any]:
    """What an export holds, for its schema's x-export."""
    return {
        "format": fmt,
        "fields": fields,
        "filter": plain(filter_),
        "articles": count,
        "exported_at": plain(datetime.now(UTC)),
        "exported_by": f"newsarchive/{__version__}",
    }


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
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write every article the query matches to path in fmt; returns how many."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    part = path.with_name(path.name + ".part")
    writer = WRITERS[fmt](part, fields)
    filter_ = query.filter()
    try:
        projection = dict.fromkeys(fields, 1)
        if "_id" not in fields:
            projection["_id"] = 0
        count = _stream(archive, filter_, projection, writer.write, batch_size, progress)
        schema = export_schema(fields, _facts(fmt, fields, filter_, count))
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


def export_dataset(
    archive: Archive,
    query: SearchQuery,
    root: Path,
    fields: list[str],
    *,
    tz: str = "UTC",
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, list[Path]]:
    """Write the articles the query matches as a new snapshot into the dataset folder root.

    Returns how many articles and the files added. Appending changes run by run is
    export_feed(dataset=...) in crawler/export/feed.py.
    """
    fields = [name for name in fields if name != "site"]
    projection = {**dict.fromkeys(fields, 1), "site": 1, "first_seen": 1, "published_at": 1}
    if "_id" not in fields:
        projection["_id"] = 0
    name = "snapshot-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    writer = DatasetWriter(root, fields, name, tz)
    filter_ = query.filter()
    with writer.locked():
        writer.recover(None)
        try:
            count = _stream(archive, filter_, projection, writer.write, batch_size, progress)
            schema = export_schema(writer.fields, _facts("parquet dataset", writer.fields, filter_, count))
        except BaseException:
            writer.abort()
            raise
        files = writer.close(schema)
        writer.finish()
    if progress is not None:
        progress(count)
    return count, files
