"""Spill files: articles that could not reach the database, kept on disk until `newsarchive import`.

One stored-form document per line in MongoDB Extended JSON, so dates and ids survive the trip.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bson import json_util
from bson.errors import InvalidBSON

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class SpillFileError(ValueError):
    """A spill file line that cannot be read; the message names the file and line."""


def write_spill(docs: list[dict[str, Any]], folder: Path, site: str) -> Path:
    """Write documents to a new spill file in folder and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{site}-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for doc in docs:
            out.write(json_util.dumps(doc, ensure_ascii=False) + "\n")
    return path


def read_spill(path: Path) -> Iterator[dict[str, Any]]:
    """Documents of a spill file, in order."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                doc = json_util.loads(line)
            except (ValueError, InvalidBSON) as exc:
                raise SpillFileError(f"{path}:{number}: not a stored article ({exc})") from None
            if not isinstance(doc, dict) or "_id" not in doc or "content_hash" not in doc:
                raise SpillFileError(f"{path}:{number}: not a stored article (no _id / content_hash)")
            yield doc
