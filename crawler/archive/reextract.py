"""Rebuild stored articles from their archived raw pages with the current extractor, without refetching.

An improved extractor can thus be applied to the whole archive: an article whose text comes
out differently becomes a new version (the earlier one is kept in article_versions); one that
comes out the same is left alone.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from crawler import settings as project
from crawler.archive.writer import open_store
from crawler.extract import Page, extract_page
from crawler.profiles import ProfileError, SiteProfile
from crawler.profiles.model import NAME_RE
from crawler.store.articles import CHANGED, ArticleStore
from crawler.store.failures import ExtractionFailures
from crawler.store.layout import load_layout
from crawler.store.profiles import SiteProfiles, site_profile
from crawler.warc.reader import WarcReadError, read_capture
from crawler.workers import ExtractionFailed, ExtractionPool

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pymongo.database import Database

    from crawler.extract.template import SiteTemplate
    from crawler.items import Article

logger = logging.getLogger(__name__)

#: Recovered pages with less text than this are not articles (the crawl's EXTRACT_MIN_TEXT_CHARS default).
MIN_TEXT_CHARS = project.EXTRACT_MIN_TEXT_CHARS

PROJECTION = {
    "site": 1,
    "url": 1,
    "warc": 1,
    "last_seen": 1,
    "fetched_at": 1,
    "status": 1,
    "etag": 1,
    "last_modified": 1,
    "missing_pages": 1,
}


@dataclass
class ReextractCounts:
    """What a re-extraction did."""

    seen: int = 0
    changed: int = 0
    unchanged: int = 0
    without_warc: int = 0
    failed: int = 0
    #: Pages whose extraction had failed during a crawl (or an earlier re-extraction) and now worked.
    recovered: int = 0
    problems: list[str] = field(default_factory=list)
    #: Worth knowing, not a failure: a profile taken from the archive, or a file that changed since.
    notes: list[str] = field(default_factory=list)


def rebuild(
    doc: dict[str, Any],
    root: Path,
    profile: SiteProfile,
    extract: Callable[..., Article] = extract_page,
    *,
    stored: bool = True,
) -> Article:
    """The article of a stored document, extracted again from its WARC records.

    ``extract(page, profile)``: ``ExtractionPool.extract`` for a budgeted extraction (it raises
    ExtractionFailed), or extract_page in this process (with the site's learned template bound).
    """
    pages = []
    for location in doc["warc"]:
        capture = read_capture(root, location)
        page = Page(
            url=capture.url,
            body=capture.body,
            content_type=capture.content_type,
            status=capture.status,
            fetched_at=capture.date,
        )
        pages.append(extract(page, profile))
    article = pages[0] if len(pages) == 1 else _merge(pages, doc.get("missing_pages") or [])
    if not stored:  # a page never stored (its extraction had failed): everything comes from the page
        article.warc = list(doc["warc"])
        return article
    # Identity and fetch facts stay those of the stored article: only the extraction is new.
    article.canonical_url = doc["_id"]
    article.url = doc.get("url") or article.url
    article.fetched_at = doc.get("fetched_at") or article.fetched_at
    article.status = doc.get("status", article.status)
    article.etag = doc.get("etag")
    article.last_modified = doc.get("last_modified")
    article.warc = list(doc["warc"])
    return article


def _merge(pages: list[Article], missing: list[str]) -> Article:
    from crawler.extract.pagination import merge_pages

    return merge_pages(pages, missing)


def reextract(
    db: Database[dict[str, Any]],
    root: Path,
    *,
    site: str | None = None,
    dry_run: bool = False,
    failed_only: bool = False,
    pool: ExtractionPool | None = None,
    progress: Callable[[int], None] | None = None,
) -> ReextractCounts:
    """Re-extract every stored article of a site (or all sites) from the WARC files under root.

    Pages whose extraction failed during a crawl (``extraction_failures``) are retried first;
    ``failed_only`` stops there. Every page is extracted in ``pool`` (within its budget).
    """
    if pool is None:
        with ExtractionPool() as own:
            return reextract(
                db, root, site=site, dry_run=dry_run, failed_only=failed_only, pool=own, progress=progress
            )
    counts = ReextractCounts()
    store = open_store(db)
    store.load_known(site)
    profiles: dict[str, SiteProfile | None] = {}
    #: Each site's learned template (where its headline, date line and byline sit).
    templates: dict[str, SiteTemplate] = {}
    _retry_failures(db, root, store, pool, counts, profiles, site=site, dry_run=dry_run)
    if failed_only:
        if not dry_run:
            store.flush()
        return counts
    for doc in db.articles.find({} if site is None else {"site": str(site)}, PROJECTION):
        counts.seen += 1
        if progress is not None:
            progress(counts.seen)
        if not doc.get("warc"):
            counts.without_warc += 1
            continue
        profile = _profile(db, doc.get("site"), profiles, counts)
        if profile is None:
            counts.failed += 1
            continue
        template = templates.get(doc["site"])
        if template is None:
            template = templates[doc["site"]] = load_layout(
                db,
                doc["site"],
                min_articles=project.LEARN_LAYOUT_MIN_ARTICLES,
                min_share=project.LEARN_LAYOUT_MIN_SHARE,
            ).template()
        try:
            article = rebuild(doc, root, profile, partial(pool.extract, template=template))
        except (WarcReadError, ExtractionFailed) as exc:
            counts.failed += 1
            counts.problems.append(f"{doc['_id']}: {exc}")
            logger.error("cannot re-extract %s: %s", doc["_id"], exc)
            continue
        if dry_run:
            known = store.index.get(doc["_id"])
            changed = known is None or known.content_hash != article.content_hash
        else:
            changed = store.add(article, doc["last_seen"], key=doc["_id"]) == CHANGED
            if store.should_flush():
                store.flush()
        if changed:
            counts.changed += 1
        else:
            counts.unchanged += 1
    if not dry_run:
        store.flush()
    return counts


def _retry_failures(
    db: Database[dict[str, Any]],
    root: Path,
    store: ArticleStore,
    pool: ExtractionPool,
    counts: ReextractCounts,
    profiles: dict[str, SiteProfile | None],
    *,
    site: str | None,
    dry_run: bool,
) -> None:
    """Extract again the pages recorded in extraction_failures; those that now work are stored."""
    failures = ExtractionFailures(db)
    for doc in list(failures.pending(site)):
        counts.seen += 1
        if not doc.get("warc"):
            counts.without_warc += 1
            counts.problems.append(f"{doc['url']}: its extraction failed and no WARC record was kept")
            continue
        profile = _profile(db, doc.get("site"), profiles, counts)
        if profile is None:
            counts.failed += 1
            continue
        try:
            article = rebuild(doc, root, profile, pool.extract, stored=False)
        except (WarcReadError, ExtractionFailed) as exc:
            counts.failed += 1
            counts.problems.append(f"{doc['url']}: {exc}")
            if not dry_run:
                failures.failed_again(doc["_id"], getattr(exc, "reason", "warc"), str(exc))
            continue
        counts.recovered += 1
        counts.changed += 1
        if len(article.text.strip()) < MIN_TEXT_CHARS:
            counts.problems.append(f"{doc['url']}: extracted now, but holds no article text; not stored")
        elif not dry_run:
            store.add(article, doc.get("fetched_at") or article.fetched_at)  # type: ignore[arg-type]
            store.flush()
        if not dry_run:
            failures.resolve(doc["_id"])


def _profile(
    db: Database[dict[str, Any]], site: Any, known: dict[str, SiteProfile | None], counts: ReextractCounts
) -> SiteProfile | None:
    """The site's profile (its file, else the one kept when it was crawled), looked up once per site."""
    key = str(site)
    if key in known:
        return known[key]
    known[key] = None
    if not isinstance(site, str) or not re.fullmatch(NAME_RE, site):
        # a stored value, not a command-line argument: a profile name, never a path to read
        counts.problems.append(f"site {key[:80]!r}: not a profile name")
        return None
    try:
        found = site_profile(site, SiteProfiles(db))
    except ProfileError as exc:
        counts.problems.append(f"site {site}: {exc}")
        logger.error("cannot re-extract articles of %s: %s", site, exc)
        return None
    if found.note:
        counts.notes.append(found.note)
        logger.info("%s", found.note)
    known[site] = found.profile
    return found.profile
