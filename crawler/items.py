"""The article record that flows from extraction through the pipelines into the store.

A plain dataclass (no Scrapy import) so that extraction stays a pure function and Scrapy
handles it through itemadapter like any other item.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime  # noqa: TC003 (dataclass field types stay importable at run time)
from typing import Any

#: Bumped when the stored document layout changes; written into every document.
SCHEMA_VERSION = 1


def content_hash(title: str | None, text: str) -> str:
    """Hash of what a reader sees; a change here is a new version of the article."""
    return hashlib.sha256(f"{title or ''}\n{text}".encode()).hexdigest()


@dataclass(slots=True)
class Article:
    """One article as extracted from one or more fetched pages."""

    url: str
    canonical_url: str
    site: str
    title: str | None = None
    #: Where the title was read: selector, heading (the headline element, checked against the
    #: page's other titles), learned (the site's learned template), og:title, json-ld, title (<title>), ...
    title_source: str | None = None
    text: str = ""
    #: What the page declares as its canonical URL (normalised), whether or not it became the key.
    declared_canonical: str | None = None
    #: Why the declared canonical URL is not the key: other_host, site_root, list_page, claimed.
    canonical_ignored: str | None = None
    #: Keys of archived articles whose URL now redirects here permanently (301/308): they moved.
    moved_from: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    #: The outlet named by 来源 / Source (never a person).
    source: str | None = None
    editors: list[str] = field(default_factory=list)
    #: Photographers (张三/摄, 摄影：李四), apart from the authors.
    photographers: list[str] = field(default_factory=list)
    #: Where the authors were found: selector, header (between headline and body), body (credit
    #: lines), footer, brackets, name-line, poster, blog-owner, photo, declared (JSON-LD, meta).
    author_source: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    #: Where published_at was read: selector, date-line-label, date-line, json-ld, microdata,
    #: meta, time-element, above-title, body-edge, footer, htmldate, url, last-modified.
    date_source: str | None = None
    #: How far published_at is trusted, 0..1 (its source's weight plus agreement of others).
    date_confidence: float | None = None
    #: "month" when the page names only the month (a magazine issue, 1998年3月号): published_at
    #: is then the month's first day, 00:00 in the site's zone. None: as precise as stored.
    date_precision: str | None = None
    language: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    description: str | None = None
    #: "simplified", "traditional" or None (not Chinese / undecided).
    script: str | None = None
    #: OpenCC t2s copies for script-insensitive search (equal to the originals for simplified text).
    title_simplified: str | None = None
    text_simplified: str | None = None
    #: Every page of a multi-page article, in order; [url] for a single page.
    page_urls: list[str] = field(default_factory=list)
    #: Pages of a multi-page article that could not be fetched (reported, not silently skipped).
    missing_pages: list[str] = field(default_factory=list)
    #: Problems found in the stored text, e.g. {"broken_text": True, "replacement_chars": 3}, and
    #: what cleaning removed ({"removed": {"disclaimer": 2, "pinyin": 287}}).
    quality: dict[str, Any] = field(default_factory=dict)
    #: Fingerprints of the body paragraphs before learned boilerplate was removed: what the
    #: site's BoilerplateLearner counts (crawler.extract.learned).
    fingerprints: list[str] = field(default_factory=list)
    #: Where the headline, date line and byline were found with confidence ({"title": element path,
    #: "date": ..., "byline": ...}): what the site's LayoutLearner counts (crawler.extract.template).
    layout: dict[str, str] = field(default_factory=dict)
    # What the fetch looked like.
    fetched_at: datetime | None = None
    status: int | None = None
    encoding: str | None = None
    content_hash: str = ""
    extractor_version: str = ""
    #: HTTP validators of the last fetch, sent back on revisits (conditional requests).
    etag: str | None = None
    last_modified: str | None = None
    #: The raw pages in the WARC files, in page order: {file, offset, length, record_id, digest, url, date}.
    warc: list[dict[str, Any]] = field(default_factory=list)
    #: Search fields (crawler.derived.fields) computed by the extraction worker, so that the crawl's
    #: own thread does not segment every text; empty when not computed (the store then does it).
    #: Not stored as such: the store spreads them into the document.
    search: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a plain dict (datetimes kept as datetimes for BSON); lists and dicts are copies.

        What ``dataclasses.asdict`` gives, without its deep copy of every string of every list
        (terms, fingerprints): 15 ms of the crawl thread per article, profiled.
        """
        return {name: _plain(getattr(self, name)) for name in _ARTICLE_FIELDS}


def _plain(value: Any) -> Any:
    """A copy of lists and dicts (recursively); strings, numbers, datetimes and None as they are."""
    if isinstance(value, list):
        return [_plain(v) for v in value] if any(isinstance(v, list | dict) for v in value) else list(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))


@dataclass(slots=True)
class PageVisit:
    """A fetch of an article page that brought no new content: not modified (304), or gone.

    Gone pages (404/410, a redirect to the home page, a "该文章已删除" notice) become an
    event on the stored article; the article itself is never overwritten or dropped.
    """

    url: str
    site: str
    #: "not_modified" or "gone".
    kind: str
    status: int
    fetched_at: datetime
    reason: str = ""
    #: Where the raw response was archived (set when WARC writing is on).
    warc: dict[str, Any] | None = None
    #: The key of the archived article this URL now redirects to permanently (the article moved).
    moved_to: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a plain dict."""
        return asdict(self)


@dataclass(slots=True)
class ExtractionFailure:
    """A fetched article page whose extraction did not complete (over its time budget, a worker crash).

    Kept in ``extraction_failures`` with the page's WARC record, so that
    `newsarchive reextract --failed` retries it later without refetching.
    """

    url: str
    site: str
    #: "timeout", "worker_died", "error" or "stopped" (the crawl was stopping).
    reason: str
    message: str
    status: int
    fetched_at: datetime
    warc: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a plain dict."""
        return asdict(self)
