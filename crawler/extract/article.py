"""Extraction entry points: pure functions of (page, profile) returning an Article."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import trafilatura
from lxml import html as lxml_html
from trafilatura.settings import Extractor

from crawler import __version__
from crawler.extract.encoding import decode_html
from crawler.extract.urls import canonical_url
from crawler.items import Article

if TYPE_CHECKING:
    from crawler.extract.page import Page
    from crawler.profiles import SiteProfile

#: Stored with every article so that re-extraction can tell what produced it.
EXTRACTOR_VERSION = f"newsarchive/{__version__} trafilatura/{trafilatura.__version__}"


def _options(url: str) -> Extractor:
    return Extractor(output_format="python", with_metadata=True, comments=False, tables=True, url=url)


def content_hash(title: str | None, text: str) -> str:
    """Hash of what a reader sees; a change here is a new version of the article."""
    return hashlib.sha256(f"{title or ''}\n{text}".encode()).hexdigest()


def _parse_date(value: str | None, profile: SiteProfile) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=profile.tz)


def extract_article(
    html: str, url: str, profile: SiteProfile, *, fetched_at: datetime | None = None
) -> Article:
    """Extract one article from decoded HTML; never touches the network."""
    try:
        tree = lxml_html.fromstring(html) if html.strip() else None
    except (ValueError, lxml_html.etree.ParserError):
        tree = None
    document = trafilatura.bare_extraction(html, options=_options(url)) if tree is not None else None
    title = getattr(document, "title", None)
    text = getattr(document, "text", None) or ""
    authors = [a.strip() for a in (getattr(document, "author", None) or "").split(";") if a.strip()]
    return Article(
        url=url,
        canonical_url=canonical_url(tree, url),
        site=profile.name,
        title=title,
        text=text,
        authors=authors,
        published_at=_parse_date(getattr(document, "date", None), profile),
        language=getattr(document, "language", None) or profile.language,
        tags=list(getattr(document, "tags", None) or []),
        categories=list(getattr(document, "categories", None) or []),
        description=getattr(document, "description", None),
        page_urls=[url],
        fetched_at=fetched_at or datetime.now(UTC),
        content_hash=content_hash(title, text),
        extractor_version=EXTRACTOR_VERSION,
    )


def extract_page(page: Page, profile: SiteProfile) -> Article:
    """Decode the fetched bytes, then extract: what the spider and re-extraction call."""
    decoded = decode_html(page.body, page.content_type, profile.encoding)
    article = extract_article(decoded.text, page.url, profile, fetched_at=page.fetched_at)
    article.status = page.status
    article.encoding = decoded.encoding
    if decoded.errors:
        article.quality["replacement_chars"] = decoded.errors
    return article
