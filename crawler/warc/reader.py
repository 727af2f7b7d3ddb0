"""Read the archived pages back out of the WARC files: for re-extraction and for checking them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler import settings as project
from crawler.warc.locations import BadWarcLocation, resolve_location

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

logger = logging.getLogger(__name__)

#: Largest body read back (decompressed): a page larger than this was never extracted by a crawl
#: (DOWNLOAD_MAXSIZE), and a stored pointer may lead to a record whose body is a gzip bomb.
MAX_BODY_BYTES = project.DOWNLOAD_MAXSIZE
#: What a damaged or foreign record raises while it is read.
RECORD_ERRORS = (OSError, ArchiveLoadFailed, ValueError, EOFError, TypeError, AttributeError, KeyError)


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
    """The capture of one record; ValueError when its body is larger than MAX_BODY_BYTES."""
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
        body=_body(record),
        date=date,
        record_type=record.rec_type,
    )


def _body(record: Any) -> bytes:
    body = record.content_stream().read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise ValueError(f"the record's body is larger than {MAX_BODY_BYTES} bytes")
    return body


def read_capture(folder: Path, location: dict[str, Any]) -> Capture:
    """The record at a stored location ({file, offset, ...}) of an article.

    The location is untrusted (spill files, the database): it must name a WARC file inside
    folder (crawler/warc/locations.py), or WarcReadError says why, naming the pointer.
    """
    try:
        path = resolve_location(folder, location)
    except BadWarcLocation as exc:
        raise WarcReadError(str(exc)) from None
    where = f"{location['file']} at offset {location['offset']}"
    try:
        with path.open("rb") as fh:
            fh.seek(location["offset"])
            for record in ArchiveIterator(fh):
                return _capture(record)
    except RECORD_ERRORS as exc:
        raise WarcReadError(f"{where} (in {folder}): {type(exc).__name__}: {exc}") from exc
    raise WarcReadError(f"{where} (in {folder}): no record there")


def iter_captures(path: Path) -> Iterator[tuple[int, Capture]]:
    """(offset, capture) of every response and revisit record; a truncated tail ends the walk."""
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh)
        try:
            for record in iterator:
                if record.rec_type in ("response", "revisit"):
                    yield iterator.get_record_offset(), _capture(record)
        except RECORD_ERRORS as exc:
            logger.warning("%s ends with an incomplete record (%s); records before it are fine", path, exc)
