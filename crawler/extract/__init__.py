"""Article extraction: pure functions of (html, url, profile); no Scrapy, no network."""

from crawler.extract.article import EXTRACTOR_VERSION, extract_article, extract_page
from crawler.extract.encoding import DecodedPage, decode_html
from crawler.extract.page import Page

__all__ = ["EXTRACTOR_VERSION", "DecodedPage", "Page", "decode_html", "extract_article", "extract_page"]
