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
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bson import json_util

from crawler.items import PageVisit
from crawler.store.documents import UnstorableDocument, storable
from crawler.warc.locations import BadWarcLocation, check_location

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


#: Fields of a visit record, with the types they must have.
VISIT_FIELDS: dict[str, tuple[type, ...]] = {
    "url": (str,),
    "site": (str,),
    "kind": (str,),
    "status": (int,),
    "fetched_at": (datetime,),
    "reason": (str,),
    "warc": (dict, type(None)),
    "moved_to": (str, type(None)),
}
VISIT_KINDS = ("not_modified", "gone")


def read_spill(path: Path, problems: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Records of a spill file, in order.

    A line that is no record (not UTF-8, not JSON, nested too deep, no `_id` ...) raises
    SpillFileError naming FILE:LINE, or, when `problems` is given, is listed there and skipped,
    so one bad line does not keep the rest of the file out of the archive.
    """
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, 1):
            try:
                record = _record(raw)
            except SpillFileError as exc:
                message = f"{path}:{number}: {exc}"
                if problems is None:
                    raise SpillFileError(message) from None
                problems.append(message)
                continue
            if record is not None:
                yield record


def _record(raw: bytes) -> dict[str, Any] | None:
    """One line's record (None for a blank line); SpillFileError says what is wrong with it."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpillFileError(f"not UTF-8 (byte {raw[exc.start]:#04x} at column {exc.start + 1})") from None
    if not line.strip():
        return None
    try:
        record = json_util.loads(line)
    except RecursionError:
        raise SpillFileError("nested too deeply to be a spill record") from None
    except Exception as exc:
        # json_util turns {"$date": ...}-style values into objects, and each malformed one raises
        # its own kind (ValueError, KeyError, InvalidBSON, decimal.Overflow ...): all are this line's
        raise SpillFileError(f"not a spill record ({type(exc).__name__}: {str(exc)[:200]})") from None
    if not isinstance(record, dict) or "_id" not in record:
        raise SpillFileError("not a spill record (no _id)")
    meta = record.get(SPILL_KEY) or {}
    if not isinstance(meta, dict):
        raise SpillFileError(f"field '{SPILL_KEY}' must be an object")
    if meta.get("kind") == VISIT:
        check_visit(record.get("visit"))
    elif "content_hash" not in record:
        raise SpillFileError("not a stored article (no content_hash)")
    else:
        try:
            storable({k: v for k, v in record.items() if k != SPILL_KEY})
        except UnstorableDocument as exc:
            raise SpillFileError(str(exc)) from None
    return record


def check_visit(visit: Any) -> None:
    """A visit record's `visit` holds what PageVisit needs, of the right types (SpillFileError if not)."""
    if not isinstance(visit, dict):
        raise SpillFileError("a visit record without its visit")
    for name, value in visit.items():
        types = VISIT_FIELDS.get(name)
        if types is None:
            raise SpillFileError(f"field 'visit.{name}': not a field of a visit")
        if not isinstance(value, types) or isinstance(value, bool):
            raise SpillFileError(
                f"field 'visit.{name}': must be {types[0].__name__}, not {type(value).__name__}"
            )
    for name in ("url", "site", "kind", "status", "fetched_at"):
        if name not in visit:
            raise SpillFileError(f"field 'visit.{name}' is missing")
    if visit["kind"] not in VISIT_KINDS:
        raise SpillFileError(f"field 'visit.kind': must be one of {', '.join(VISIT_KINDS)}")
    if visit.get("warc") is not None:
        try:
            check_location(visit["warc"])
        except BadWarcLocation as exc:
            raise SpillFileError(f"field 'visit.warc': {exc}") from None


@dataclass
class SpillLoad:
    """What loading one spill file did: records handed to the store, lines that were no record."""

    records: int = 0
    problems: list[str] = field(default_factory=list)


def load_spill(store: ArticleStore, path: Path) -> SpillLoad:
    """Buffer and write every record of a spill file through store.

    The store's index must be loaded (visits are applied to what is stored now). Lines that
    are no record, or whose record no write path may store, are listed in `problems` as
    FILE:LINE: what is wrong, and skipped; everything else is stored. Raises DatabaseUnavailable
    if the database goes away (the file is then still complete).
    """
    result = SpillLoad()
    for record in read_spill(path, result.problems):
        meta = record.pop(SPILL_KEY, None) or {}
        if meta.get("kind") == VISIT:
            store.add_visit(PageVisit(**record["visit"]))
        else:
            store.add_document(record)
        result.records += 1
        if store.should_flush():
            store.flush()
    store.flush()
    return result
