"""Article extraction: pure functions of (html, url, profile), no Scrapy, no network (docs/extraction.md)."""

from crawler.extract.article import EXTRACTOR_VERSION, extract_article, extract_page
from crawler.extract.encoding import DecodedPage, decode_html
from crawler.extract.learned import BoilerplateLearner, paragraph_fingerprints
from crawler.extract.options import ExtractOptions
from crawler.extract.page import Page, default_profile
from crawler.extract.pagination import find_page_links, merge_pages

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
