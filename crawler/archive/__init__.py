"""The archive as a whole: read from Python (``reader.Archive``), its articles rebuilt (``reextract``).

``from crawler.archive import Archive`` is imported on first use (PEP 562), so that importing
``crawler.archive.reextract`` does not load the search stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.archive.reader import RANKING_FIELDS, Archive

__all__ = ["RANKING_FIELDS", "Archive"]


def __getattr__(name: str) -> Any:
    """``Archive`` and ``RANKING_FIELDS`` from crawler.archive.reader, loaded when first asked for."""
    if name in __all__:
        from crawler.archive import reader

        return getattr(reader, name)
    raise AttributeError(f"module 'crawler.archive' has no attribute {name!r}")
