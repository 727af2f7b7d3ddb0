"""A hive-partitioned Parquet dataset (`site=…/year=…/month=…/part-….parquet`), appended run by run.

Read as it is by DuckDB (`read_parquet('DIR/**/*.parquet', hive_partitioning = true)`),
pyarrow / pandas (`pq.read_table(DIR)`), polars and Spark (`spark.read.parquet(DIR)`). The
partition columns are `site` (text), `year` and `month` of publication in the export's time
zone (of the first fetch when the page gave no date); `site` is therefore not a column of the
files themselves.

Each run adds new files (one per partition it touches) and never rewrites old ones. A run is
all or nothing: its files are written under `DIR/_newsarchive/tmp/` (names starting with `_`
are skipped by every reader), synced, listed in a journal, renamed into their partitions, and
only then is the cursor advanced. A run killed before the cursor moved is undone by the next
one (the journal's files removed), which then writes the same changes again: no duplicate
rows, nothing skipped.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from crawler.export import durable
from crawler.export.writers import ParquetWriter

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Bookkeeping folder inside the dataset (journal, lock, files being written, schema).
META = "_newsarchive"
JOURNAL = "journal.json"
#: Rows buffered over all open partitions before they are written out as row groups.
MAX_BUFFERED_ROWS = 2000
#: Partition columns, in folder order.
PARTITIONS = ("site", "year", "month")


class DatasetError(RuntimeError):
    """The dataset folder cannot be used; the message says why."""


def partition_value(value: str) -> str:
    """A folder-safe partition value: profile names stay as they are, anything else percent-encoded."""
    text = quote(value, safe="-")
    return "%" + format(ord(text[0]), "02X") + text[1:] if text[:1] in (".", "_") else text


@dataclass(slots=True)
class _Part:
    """One file this run writes: where it is written, where it goes, what it buffers."""

    tmp: Path
    final: Path
    writer: ParquetWriter
    rows: int = 0


class DatasetWriter:
    """Write one run's records into the partitions of a dataset folder (see the module docstring)."""

    sidecar = False

    def __init__(self, root: Path, fields: list[str], run_name: str, tz: str | ZoneInfo = "UTC") -> None:
        """Start a run named run_name (part of its file names) in root, with these record fields."""
        self.root = root
        self.fields = [name for name in fields if name not in PARTITIONS]
        self.run_name = run_name
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.meta = root / META
        self.tmp = self.meta / "tmp"
        self._parts: dict[tuple[str, int, int], _Part] = {}
        self._buffered = 0
        self.rows = 0

    # Recovery and locking ----------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the dataset's lock for a run (DatasetError if another run holds it)."""
        self.meta.mkdir(parents=True, exist_ok=True)
        try:
            with durable.exclusive(self.meta / "lock"):
                yield
        except durable.Busy:
            raise DatasetError(f"another export is writing the dataset {self.root}") from None

    def recover(self, committed_upto: int | None) -> int:
        """Undo a run that did not complete; returns how many of its files were removed.

        A journal left by a run whose cursor did advance (its `upto` is at or below
        committed_upto) belongs to a complete run: only the journal goes.
        """
        removed = 0
        journal = self.meta / JOURNAL
        had_journal = journal.exists()
        if had_journal:
            try:
                data = json.loads(journal.read_text(encoding="utf-8"))
            except ValueError:
                data = {}
            upto = data.get("upto")
            complete = committed_upto is not None and isinstance(upto, int) and upto <= committed_upto
            if not complete:
                for name in data.get("files") or []:
                    path = (self.root / name).resolve()
                    if self.root.resolve() in path.parents and path.suffix == ".parquet" and path.exists():
                        path.unlink()
                        removed += 1
            journal.unlink()
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        if had_journal:
            durable.sync_dir(self.meta)
        return removed

    # Writing ----------------------------------------------------------------------------------

    def _partition(self, doc: dict[str, Any]) -> tuple[str, int, int]:
        moment = doc.get("published_at") or doc.get("first_seen")
        if not isinstance(moment, datetime):
            moment = datetime(1970, 1, 1, tzinfo=UTC)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        local = moment.astimezone(self.tz)
        return str(doc.get("site") or "unknown"), local.year, local.month

    def write(self, doc: dict[str, Any]) -> None:
        """Add one record to its partition's file."""
        key = self._partition(doc)
        part = self._parts.get(key)
        if part is None:
            self.tmp.mkdir(parents=True, exist_ok=True)
            site, year, month = key
            folder = Path(f"site={partition_value(site)}") / f"year={year}" / f"month={month}"
            tmp = self.tmp / f"{len(self._parts)}.parquet"
            final = self.root / folder / f"part-{self.run_name}.parquet"
            part = _Part(tmp, final, ParquetWriter(tmp, self.fields, row_group=MAX_BUFFERED_ROWS))
            self._parts[key] = part
        part.writer.write(doc)
        part.rows += 1
        self.rows += 1
        self._buffered += 1
        if self._buffered >= MAX_BUFFERED_ROWS:
            for each in self._parts.values():
                each.writer.flush()
            self._buffered = 0

    def close(self, schema: dict[str, Any], upto: int | None = None) -> list[Path]:
        """Finish every file and move them into their partitions (journal first); returns them.

        upto: the sequence number the cursor will be advanced to once this returns.
        """
        for part in self._parts.values():
            part.writer.close(schema)
            durable.sync_file(part.tmp)
        finals = [part.final for part in self._parts.values()]
        names = [str(p.relative_to(self.root)) for p in finals]
        journal = {"run": self.run_name, "upto": upto, "files": names}
        durable.write_text(self.meta / JOURNAL, json.dumps(journal) + "\n")
        folders = set()
        for part in self._parts.values():
            part.final.parent.mkdir(parents=True, exist_ok=True)
            part.tmp.replace(part.final)
            folders.add(part.final.parent)
        for folder in folders:
            durable.sync_dir(folder)
        text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
        durable.write_text(self.meta / "schema.json", text)
        return finals

    def finish(self) -> None:
        """The run is committed (its cursor advanced): the journal is no longer needed."""
        journal = self.meta / JOURNAL
        if journal.exists():
            journal.unlink()
            durable.sync_dir(self.meta)
        if self.tmp.exists():
            shutil.rmtree(self.tmp)

    def abort(self) -> None:
        """Stop after a failure: close and remove this run's files being written."""
        for part in self._parts.values():
            with contextlib.suppress(Exception):
                part.writer.abort()
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
