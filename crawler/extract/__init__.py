"""Article extraction: pure functions of (html, url, profile), no Scrapy, no network (docs/extraction.md).

The names below are imported on first use (PEP 562): the crawl process needs only the light
modules (``page``, ``urls``, ``pagination``, ``learned``), and importing trafilatura, justext
and OpenCC there too cost ~35 MB of its memory for code that runs only in extraction workers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.extract.article import EXTRACTOR_VERSION, extract_article, extract_page
    from crawler.extract.encoding import DecodedPage, decode_html
    from crawler.extract.learned import BoilerplateLearner, paragraph_fingerprints
    from crawler.extract.options import ExtractOptions
    from crawler.extract.page import Page, default_profile
    from crawler.extract.pagination import find_page_links, merge_pages

_MODULES = {
    "EXTRACTOR_VERSION": "article",
    "extract_article": "article",
    "extract_page": "article",
    "DecodedPage": "encoding",
    "decode_html": "encoding",
    "BoilerplateLearner": "learned",
    "paragraph_fingerprints": "learned",
    "ExtractOptions": "options",
    "Page": "page",
    "default_profile": "page",
    "find_page_links": "pagination",
    "merge_pages": "pagination",
}

__all__ = [
    "EXTRACTOR_VERSION",
    "BoilerplateLearner",
    "DecodedPage",
    "ExtractOptions",
    "Page",
    "decode_html",
    "default_profile",
    "extract_article",
    "extract_page",
    "find_page_links",
    "merge_pages",
    "paragraph_fingerprints",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"crawler.extract.{module}"), name)
    globals()[name] = value
    return value
