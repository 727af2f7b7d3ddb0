"""Where the project keeps what it builds and stores locally: `.tools/` and `var/`."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The checkout (folder of scrapy.cfg), or $NEWSARCHIVE_HOME, or the current folder."""
    if home := os.environ.get("NEWSARCHIVE_HOME"):
        return Path(home).resolve()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "scrapy.cfg").exists():
        return checkout
    return Path.cwd()


def tools_dir() -> Path:
    """Project-local tools built on demand (FerretDB); never committed."""
    return project_root() / ".tools"


def var_dir() -> Path:
    """Project-local data: the local database, WARC files, logs; never committed."""
    return Path(os.environ.get("NEWSARCHIVE_VAR") or project_root() / "var")


def unsaved_dir() -> Path:
    """Spill files: what could not be stored (var/unsaved; refused documents in its rejected/)."""
    return var_dir() / "unsaved"
