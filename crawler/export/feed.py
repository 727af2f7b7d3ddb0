"""Incremental feeds: what changed since a cursor, as records, served exactly once (`export --cursor`).

Records come from the archive sequence (crawler/store/changelog.py) in order: one per new
article, new version, article gone and article restored, each with its `seq`, `kind`,
`changed_at` (and `reason` for gone) before the article's fields. A `version` record holds the
article as it was at that version (from article_versions once a later one replaced it), so a
consumer that applies records in order rebuilds every state the archive saw.

Every entry is checked against the store before it is served (the stamp `seq` on the article,
its archived version or the event): an entry whose write did not happen (a document the
database refused, a block its writer died in) is skipped, never served as if it had.

Exactly once: the output (a file, or new files of a dataset) is written aside, synced and moved
into place, and only then is the cursor advanced (crawler/export/cursor.py); a run killed at
any point leaves the cursor where it was, so the next run serves the same changes again.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler import __version__
from crawler.export import durable
from crawler.export.cursor import Cursor
from crawler.export.dataset import DatasetWriter
from crawler.export.records import plain
from crawler.export.schema import export_schema, feed_fields
from crawler.export.writers import WRITERS
from crawler.store.backfill import backfill, needs_backfill
from crawler.store.changelog import GONE, RESTORED, ChangeLog, Entry

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from pymongo.database import Database

#: Concurrent `_id` lookups of the articles of one block.
FETCH_THREADS = 8


def feed_record(seq: int, entry: Entry, article: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The record of one change: its number, kind and time, then the article's fields."""
    if entry.kind in (GONE, RESTORED):
        record = {**article, "status": change.get("status", article.get("status"))}
        record.update(seq=seq, kind=entry.kind, changed_at=change.get("at"), reason=change.get("reason"))
        return record
    record = dict(change)
    record.update(seq=seq, kind=entry.kind, changed_at=entry.at, reason=None)
    return record


class FeedReader:
    """The records of the changes after a sequence number, in order, up to the low-water mark.

    `position` is the last sequence number read (records skipped by the site filter or void
    included): where the cursor may go once the records are durable.
    """

    def __init__(
        self, log: ChangeLog, after: int, *, sites: list[str] | None = None, upto: int | None = None
    ) -> None:
        """Read log from after + 1; sites: only these (all when empty); upto: stop past this number."""
        self.log = log
        self.position = after
        self.sites = set(sites or [])
        self.upto = upto
        self.blocks = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Records, one per change that reached the store."""
        with ThreadPoolExecutor(FETCH_THREADS, thread_name_prefix="feed-fetch") as pool:
            for block in self.log.blocks(self.position, upto=self.upto):
                wanted = [
                    (seq, entry)
                    for seq, entry in block.numbered()
                    if not entry.legacy and (not self.sites or entry.site in self.sites)
                ]
                keys = list(dict.fromkeys(entry.article for _, entry in wanted))
                articles = dict(zip(keys, pool.map(self.log.article, keys), strict=True))
                for seq, entry in wanted:
                    article = articles[entry.article]
                    change = self.log.stored_change(seq, entry, article)
                    if article is not None and change is not None:
                        yield feed_record(seq, entry, article, change)
                self.position = block.end
                self.blocks += 1


@dataclass
class FeedRun:
    """What one cursor run did."""

    after: int
    upto: int
    records: int
    files: list[Path] = field(default_factory=list)
    backfilled: int | None = None


def export_feed(
    db: Database[dict[str, Any]],
    cursor_path: Path,
    fields: list[str],
    *,
    fmt: str = "jsonl",
    out: Path | None = None,
    dataset: Path | None = None,
    sites: list[str] | None = None,
    tz: str = "UTC",
    progress: Callable[[int], None] | None = None,
    note: Callable[[str], None] | None = None,
) -> FeedRun:
    """Write the changes after the cursor to out (fmt) or append them to dataset, then advance it."""
    if (out is None) == (dataset is None):
        raise ValueError("give exactly one of out and dataset")
    sites = sorted(sites or [])
    names = feed_fields(fields)
    cursor = Cursor.load(cursor_path)
    with cursor.locked():
        log = ChangeLog(db)
        archive = log.archive_id()
        cursor.check(archive, sites)
        backfilled = None
        if needs_backfill(db):
            if note is not None:
                note("numbering the articles stored before the archive sequence (once; one scan)")
            backfilled = backfill(db)
        reader = FeedReader(log, cursor.seq, sites=sites, upto=log.high())
        after = cursor.seq
        info = {
            "format": "parquet dataset" if dataset is not None else fmt,
            "fields": names,
            "sites": sites,
            "after_seq": after,
            "archive": archive,
            "exported_at": plain(datetime.now(UTC)),
            "exported_by": f"newsarchive/{__version__}",
        }
        if dataset is None:
            assert out is not None
            run = _to_file(reader, out, fmt, names, info, progress)
            _advance(cursor, run, archive, sites)
        else:
            writer = DatasetWriter(dataset, names, f"{after + 1:015d}", tz)
            with writer.locked():
                writer.recover(cursor.seq)
                run = _to_dataset(reader, writer, info, after, progress)
                _advance(cursor, run, archive, sites)
                writer.finish()
        run.backfilled = backfilled
    return run


def _advance(cursor: Cursor, run: FeedRun, archive: str, sites: list[str]) -> None:
    """Move the cursor past what the run wrote (its output is durable by now)."""
    files = [str(p) for p in run.files]
    summary = {"after": run.after, "upto": run.upto, "records": run.records, "files": files}
    cursor.advance(run.upto, archive, sites, run.records, summary)


def _count(
    records: FeedReader, write: Callable[[dict[str, Any]], None], progress: Callable[[int], None] | None
) -> int:
    count = 0
    for record in records:
        write(record)
        count += 1
        if progress is not None and count % 100 == 0:
            progress(count)
    if progress is not None:
        progress(count)
    return count


def _to_file(
    reader: FeedReader,
    out: Path,
    fmt: str,
    names: list[str],
    info: dict[str, Any],
    progress: Callable[[int], None] | None,
) -> FeedRun:
    from crawler.export.run import sidecar_path

    part = out.with_name(out.name + ".part")
    writer = WRITERS[fmt](part, names)
    try:
        count = _count(reader, writer.write, progress)
        schema = export_schema(names, {**info, "upto_seq": reader.position, "records": count}, feed=True)
    except BaseException:
        writer.abort()
        part.unlink(missing_ok=True)
        raise
    writer.close(schema)
    files = [out]
    if writer.sidecar:
        sidecar = sidecar_path(out)
        durable.write_text(sidecar, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        files.append(sidecar)
    durable.replace(part, out)
    return FeedRun(info["after_seq"], reader.position, count, files)


def _to_dataset(
    reader: FeedReader,
    writer: DatasetWriter,
    info: dict[str, Any],
    after: int,
    progress: Callable[[int], None] | None,
) -> FeedRun:
    try:
        count = _count(reader, writer.write, progress)
        facts = {**info, "upto_seq": reader.position, "records": count}
        schema = export_schema(writer.fields, facts, feed=True)
    except BaseException:
        writer.abort()
        raise
    files = writer.close(schema, upto=reader.position)
    return FeedRun(after, reader.position, count, files)
