"""Spill files: articles and visits that could not be stored, kept on disk until they are imported.

One record per line in MongoDB Extended JSON, so dates and ids survive the trip: a stored-form
article document, or a page visit (`{"_spill": {"kind": "visit"}, "visit": {...}}`). Records the
database refused carry their reason in `_spill.reason`. Two folders under var/unsaved/:
the top one (the database was away: re-imported by the next crawl of the site and by
`newsarchive import`) and `rejected/` (the database refused these documents: only
`newsarchive import` loads them, once the cause is fixed, so they cannot fail every run).
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bson import json_util
from bson.errors import InvalidBSON

from crawler.items import PageVisit

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from crawler.store.articles import ArticleStore, Rejected

#: Key of the record's own metadata (never stored: removed before import).
SPILL_KEY = "_spill"
VISIT = "visit"


class SpillFileError(ValueError):
    """A spill file line that cannot be read; the message names the file and line."""


def visit_record(visit: PageVisit, reason: str | None = None) -> dict[str, Any]:
    """A spill record for a page visit (304, gone)."""
    meta: dict[str, Any] = {"kind": VISIT}
    if reason:
        meta["reason"] = reason
    return {"_id": visit.url, SPILL_KEY: meta, "visit": asdict(visit)}


def document_record(doc: dict[str, Any], reason: str | None = None) -> dict[str, Any]:
    """A spill record for an article document (its reason kept when the database refused it)."""
    return {**doc, SPILL_KEY: {"reason": reason}} if reason else doc


def rejected_records(rejected: list[Rejected]) -> list[dict[str, Any]]:
    """Spill records for what the database refused, each with its reason."""
    records = []
    for item in rejected:
        if item.doc is not None:
            records.append(document_record(item.doc, item.reason))
        elif item.visit is not None:
            records.append(visit_record(item.visit, item.reason))
    return records


def pending_records(pending: list[dict[str, Any] | PageVisit]) -> list[dict[str, Any]]:
    """Spill records for a drained buffer (documents and visits)."""
    return [visit_record(p) if isinstance(p, PageVisit) else p for p in pending]


def write_spill(records: list[dict[str, Any]], folder: Path, site: str) -> Path:
    """Write records to a new spill file in folder (0600, folder 0700) and return its path."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{site}-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json_util.dumps(record, ensure_ascii=False) + "\n")
    return path


def spill_files(folder: Path, site: str) -> list[Path]:
    """The spill files of one site in folder, oldest first (`SITE-YYYYmmddTHHMMSSffffffZ.jsonl`)."""
    name_re = re.compile(re.escape(site) + r"-\d{8}T\d{12}Z\.jsonl")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if name_re.fullmatch(p.name))


def read_spill(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a spill file, in order."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json_util.loads(line)
            except (ValueError, InvalidBSON) as exc:
                raise SpillFileError(f"{path}:{number}: not a spill record ({exc})") from None
            if not isinstance(record, dict) or "_id" not in record:
                raise SpillFileError(f"{path}:{number}: not a spill record (no _id)")
            meta = record.get(SPILL_KEY) or {}
            if meta.get("kind") == VISIT:
                if not isinstance(record.get("visit"), dict):
                    raise SpillFileError(f"{path}:{number}: a visit record without its visit")
            elif "content_hash" not in record:
                raise SpillFileError(f"{path}:{number}: not a stored article (no content_hash)")
            yield record


def load_spill(store: ArticleStore, path: Path) -> int:
    """Buffer and write every record of a spill file through store; returns how many records.

    The store's index must be loaded (visits are applied to what is stored now). Raises
    DatabaseUnavailable if the database goes away (the file is then still complete).
    """
    count = 0
    for record in read_spill(path):
        meta = record.pop(SPILL_KEY, None) or {}
        if meta.get("kind") == VISIT:
            try:
                store.add_visit(PageVisit(**record["visit"]))
            except TypeError as exc:
                raise SpillFileError(f"{path}: a visit record that does not fit ({exc})") from None
        else:
            store.add_document(record)
        count += 1
        if store.should_flush():
            store.flush()
    store.flush()
    return count
