"""newsarchive: an archival crawler for regional news portals."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from crawler.logs import redact as logredact

__version__ = "0.1.0"
__all__ = ["Archive", "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
# Credentials in MONGO_URI must never reach a log line, whichever library writes it.
logredact.install()

if TYPE_CHECKING:
    from crawler.archive import Archive


def __getattr__(name: str) -> Any:
    """`from crawler import Archive` without importing pymongo/jieba for every crawler module."""
    if name == "Archive":
        from crawler.archive import Archive

        return Archive
    raise AttributeError(f"module 'crawler' has no attribute {name!r}")
