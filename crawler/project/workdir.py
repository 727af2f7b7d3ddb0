"""Where the project keeps what it builds and stores locally: `.tools/` and `var/`."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO, cast


def project_root() -> Path:
    """The checkout (folder of scrapy.cfg), or $NEWSARCHIVE_HOME, or the current folder."""
    if home := os.environ.get("NEWSARCHIVE_HOME"):
        return Path(home).resolve()
    checkout = Path(__file__).resolve().parents[2]  # crawler/project/workdir.py
    if (checkout / "scrapy.cfg").exists():
        return checkout
    return Path.cwd()


def tools_dir() -> Path:
    """Project-local tools built on demand (FerretDB); never committed."""
    return project_root() / ".tools"


def var_dir() -> Path:
    """Project-local data: the local database, WARC files, spills, logs; never committed.

    Created owner-only (0700): raw pages, unsaved articles and the database are nobody else's.
    """
    return private_dir(Path(os.environ.get("NEWSARCHIVE_VAR") or project_root() / "var"))


def private_dir(path: Path) -> Path:
    """Create path (and parents) if needed and make it owner-only (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
        path.chmod(0o700)
    return path


def private_tree(path: Path) -> Path:
    """private_dir(path), with every folder under it 0700 and every file 0600 (existing ones tightened).

    Earlier versions created var/warc and var/search 0755 with 0644 files; raw pages of hostile
    sites and the search index (every article's text) are nobody else's. Links are not followed;
    only what this user owns is changed.
    """
    private_dir(path)
    uid = os.getuid()
    for root, folders, files in os.walk(path):
        for name in folders:
            _owner_only(Path(root, name), uid)
        for name in files:
            _owner_only(Path(root, name), uid)
    return path


def _owner_only(path: Path, uid: int) -> None:
    try:
        info = path.lstat()
        if not stat.S_ISLNK(info.st_mode) and info.st_uid == uid and info.st_mode & 0o077:
            path.chmod(stat.S_IMODE(info.st_mode) & 0o700)
    except FileNotFoundError:  # removed meanwhile (a scratch file, a rotated log)
        pass


def private_file(path: Path, mode: str = "xb") -> BinaryIO:
    """Open a new file for writing, owner-only (0600) from the start (binary modes: "xb", "ab", "wb")."""
    flags = {"xb": os.O_CREAT | os.O_EXCL, "ab": os.O_CREAT | os.O_APPEND, "wb": os.O_CREAT | os.O_TRUNC}
    fd = os.open(path, os.O_WRONLY | flags[mode], 0o600)
    return cast("BinaryIO", os.fdopen(fd, mode.replace("x", "w")))


def unsaved_dir() -> Path:
    """Spill files: what could not be stored (var/unsaved; refused documents in its rejected/)."""
    return var_dir() / "unsaved"
