"""Files that are whole or absent after a crash: written aside, synced, renamed, folder synced.

A rename is atomic, but without fsync a power cut can leave the new name pointing at an empty
or partial file; the folder's fsync makes the rename itself durable.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


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
