"""Read the archived pages back out of the WARC files: for re-extraction and for checking them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

logger = logging.getLogger(__name__)


class WarcReadError(RuntimeError):
    """An archived record cannot be read; the message names the file and offset."""


@dataclass(frozen=True, slots=True)
class Capture:
    """An archived response: what the server sent, body decoded from its Content-Encoding."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    date: datetime
    record_type: str

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, if any."""
        return self.headers.get("content-type")


def _capture(record: Any) -> Capture:
    http = record.http_headers
    status = int(http.get_statuscode()) if http is not None else 0
    headers = {k.lower(): v for k, v in (http.headers if http is not None else [])}
    date = datetime.strptime(record.rec_headers.get_header("WARC-Date")[:19], "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=UTC
    )
    return Capture(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=status,
        headers=headers,
        body=record.content_stream().read(),
        date=date,
        record_type=record.rec_type,
    )


def read_capture(folder: Path, location: dict[str, Any]) -> Capture:
    """The record at a stored location ({file, offset, ...}) of an article."""
    path = folder / location["file"]
    try:
        with path.open("rb") as fh:
            fh.seek(location["offset"])
            for record in ArchiveIterator(fh):
                return _capture(record)
    except (OSError, ArchiveLoadFailed, ValueError, EOFError) as exc:
        raise WarcReadError(f"{path} at offset {location['offset']}: {exc}") from exc
    raise WarcReadError(f"{path} at offset {location['offset']}: no record there")


def iter_captures(path: Path) -> Iterator[tuple[int, Capture]]:
    """(offset, capture) of every response and revisit record; a truncated tail ends the walk."""
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh)
        try:
            for record in iterator:
                if record.rec_type in ("response", "revisit"):
                    yield iterator.get_record_offset(), _capture(record)
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
            logger.warning("%s ends with an incomplete record (%s); records before it are fine", path, exc)
