"""Files an export run relies on: whole or absent after a crash, and held by one run at a time.

Written aside, synced, renamed, folder synced: a rename is atomic, but without fsync a power
cut can leave the new name pointing at an empty or partial file; the folder's fsync makes the
rename itself durable.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class Busy(RuntimeError):
    """Another run holds the lock."""


@contextlib.contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an advisory lock on lock_path (created if needed) for a run; Busy if another holds it."""
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(str(lock_path)) from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def sync_file(path: Path) -> None:
    """Flush a closed file's data to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_dir(path: Path) -> None:
    """Make the renames and removals in a folder durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace(part: Path, final: Path) -> None:
    """Sync part, rename it to final (replacing it), sync final's folder."""
    sync_file(part)
    part.replace(final)
    sync_dir(final.parent)


def write_text(path: Path, text: str) -> None:
    """Write path's new content whole: a temporary file beside it, synced, renamed over it."""
    part = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    part.write_text(text, encoding="utf-8")
    replace(part, path)
