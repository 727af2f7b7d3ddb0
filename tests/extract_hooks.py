"""Extraction functions for tests (EXTRACT_FUNCTION): the real extraction, except on marked URLs.

A URL containing ``/hang/`` never finishes (a busy loop, as a pathological regex would be);
``/crash/`` kills its worker process the first time it is seen (the marker file says so);
``/raise/`` raises; ``/grow/`` makes its worker keep 64 MB more it has written itself.
Everything else is extracted as in production.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.extract.article import extract_page

if TYPE_CHECKING:
    from crawler.extract.page import Page
    from crawler.items import Article
    from crawler.profiles import SiteProfile

#: Where /crash/ pages remember that they already killed a worker once.
CRASH_MARKER_ENV = "NEWSARCHIVE_TEST_CRASH_MARKER"
#: What /grow/ pages keep alive in their worker.
_KEPT: list[bytearray] = []


def extract_with_traps(page: Page, profile: SiteProfile, **kwargs: Any) -> Article:
    """extract_page, with the traps described in the module docstring."""
    if "/hang/" in page.url:
        while True:
            pass
    if "/crash/" in page.url:
        marker = Path(os.environ.get(CRASH_MARKER_ENV, "/nonexistent")) / page.url.rsplit("/", 1)[-1]
        if marker.parent.is_dir() and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
    if "/raise/" in page.url:
        raise ValueError("a bug in extraction")
    if "/grow/" in page.url:
        _KEPT.append(bytearray(b"x" * (64 << 20)))
    return extract_page(page, profile, **kwargs)
