"""Stored WARC pointers (`warc: [{file, offset, ...}]`): checked before they are stored or followed.

A pointer names a file under the WARC folder and an offset in it. Pointers come from the
crawl's own WARC writer, but also from spill files and from whatever else can write the
database (the local one has no authentication), so every pointer is untrusted: written,
imported or read, it must name a WARC file *under* the WARC folder (`site/name.warc.gz`), never
an absolute path, a `..` step, or a file reached through a link that leads out of the folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

#: What the writer names its files (other tools' `.warc` files are accepted too).
WARC_SUFFIXES = (".warc.gz", ".warc")
#: A pointer's file is a short relative path (site folder and file name).
MAX_FILE_CHARS = 1024


class BadWarcLocation(ValueError):
    """A stored WARC pointer that does not name a record of a WARC file under the WARC folder."""


def check_location(location: Any) -> dict[str, Any]:
    """The pointer itself, when it names a WARC file under the folder by a plain relative path.

    Checked by its text alone (no file system access), so the store can refuse a pointer
    before writing it wherever the WARC folder is.
    """
    if not isinstance(location, dict):
        raise BadWarcLocation(f"a WARC pointer must be an object with file and offset, not {_kind(location)}")
    name, offset = location.get("file"), location.get("offset")
    if not isinstance(name, str) or not name or len(name) > MAX_FILE_CHARS:
        raise BadWarcLocation("a WARC pointer's file must be a relative path (SITE/NAME.warc.gz)")
    parts = name.split("/")
    if (
        name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or ":" in name
        or any(part in ("..", ".", "") for part in parts)
        or not name.endswith(WARC_SUFFIXES)
    ):
        raise BadWarcLocation(
            f"the WARC pointer's file {name[:200]!r} is not a WARC file under the WARC folder "
            "(SITE/NAME.warc.gz, no absolute path or '..')"
        )
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise BadWarcLocation(f"a WARC pointer's offset must be a whole number >= 0, not {_kind(offset)}")
    length = location.get("length")
    if length is not None and (isinstance(length, bool) or not isinstance(length, int) or length < 0):
        raise BadWarcLocation(f"a WARC pointer's length must be a whole number >= 0, not {_kind(length)}")
    return location


def check_locations(locations: Any) -> None:
    """Every pointer of a stored `warc` list (None or absent: no raw page kept)."""
    if locations is None:
        return
    if not isinstance(locations, list):
        raise BadWarcLocation(f"warc must be a list of WARC pointers, not {_kind(locations)}")
    for number, location in enumerate(locations):
        try:
            check_location(location)
        except BadWarcLocation as exc:
            raise BadWarcLocation(f"warc.{number}: {exc}") from None


def resolve_location(folder: Path, location: Any) -> Path:
    """The file a pointer names, resolved (links followed) and required to be inside folder."""
    name = check_location(location)["file"]
    root = folder.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise BadWarcLocation(f"the WARC pointer's file {name[:200]!r} leads out of the WARC folder")
    return path


def _kind(value: Any) -> str:
    return (
        type(value).__name__
        if not isinstance(value, int | str) or isinstance(value, bool)
        else repr(value)[:40]
    )
