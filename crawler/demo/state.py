"""The demo site's mutable side, kept in memory: which articles are live, edited, deleted or added.

Archive tests change the site between two crawls (through the server's admin endpoints) and then
compare what the crawler stored with ``SiteState.entry(id).article``.
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal, cast, get_args

from crawler.demo.content import (
    ARTICLES,
    PENDING_ARTICLES,
    SECTIONS,
    SITE_LAUNCHED,
    DemoArticle,
    correction_paragraph,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

#: Articles per list page: small, so that every section really paginates.
LIST_PAGE_SIZE = 4

#: How a deleted article answers: 404, 410, a redirect to the home page, or a 200 notice page.
DeleteMode = Literal["404", "410", "home", "notice"]
DELETE_MODES: tuple[str, ...] = get_args(DeleteMode)


class MutationError(ValueError):
    """A change the site cannot make; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """One article as the site currently serves it."""

    article: DemoArticle
    #: Last-Modified of its pages: publication, then the time of the latest edit or deletion.
    modified: datetime
    deleted: DeleteMode | None = None


class SiteState:
    """Live articles and their versions; thread-safe, since the server answers from many threads."""

    def __init__(
        self,
        articles: Iterable[DemoArticle] = ARTICLES,
        pending: Iterable[DemoArticle] = PENDING_ARTICLES,
        *,
        list_page_size: int = LIST_PAGE_SIZE,
    ) -> None:
        #: Articles per list page (the demo's small sections paginate at 4; deep archives at 2).
        self.list_page_size = list_page_size
        self._initial = tuple(articles)
        self._initial_pending = tuple(pending)
        self._lock = threading.Lock()
        self._entries: dict[int, Entry] = {}
        self._pending: dict[int, DemoArticle] = {}
        self._section_changed: dict[str, datetime] = {}
        self._site_changed = SITE_LAUNCHED
        self._clock = SITE_LAUNCHED
        self.reset()

    def reset(self) -> None:
        """Back to the articles as first published (undoes every edit, deletion and addition)."""
        with self._lock:
            self._entries = {a.id: Entry(a, a.published) for a in self._initial}
            self._pending = {a.id: a for a in self._initial_pending}
            self._section_changed = {
                s.key: max((a.published for a in self._initial if a.section == s.key), default=SITE_LAUNCHED)
                for s in SECTIONS
            }
            self._site_changed = max(self._section_changed.values(), default=SITE_LAUNCHED)
            self._clock = self._site_changed

    # Reading ----------------------------------------------------------------------------

    def entry(self, article_id: int) -> Entry | None:
        """The article as served now (deleted ones included); None if never published."""
        with self._lock:
            return self._entries.get(article_id)

    def published(self, section: str | None = None) -> list[DemoArticle]:
        """Live articles, newest first, as list pages and feeds show them."""
        with self._lock:
            live = [
                e.article
                for e in self._entries.values()
                if e.deleted is None and (section is None or e.article.section == section)
            ]
        return sorted(live, key=lambda a: (a.published, a.id), reverse=True)

    def entries(self) -> list[Entry]:
        """Every published article, deleted ones included, newest first."""
        with self._lock:
            entries = list(self._entries.values())
        return sorted(entries, key=lambda e: (e.article.published, e.article.id), reverse=True)

    def pending(self) -> list[DemoArticle]:
        """Articles ``add`` can still publish, oldest first."""
        with self._lock:
            return sorted(self._pending.values(), key=lambda a: (a.published, a.id))

    def section_modified(self, section: str) -> datetime:
        """Last-Modified of a section's list pages: newest article, addition or deletion."""
        with self._lock:
            return self._section_changed.get(section, SITE_LAUNCHED)

    @property
    def changed_at(self) -> datetime:
        """Last-Modified of whole-site documents (home page, feeds, sitemaps)."""
        with self._lock:
            return self._site_changed

    # Changing ---------------------------------------------------------------------------

    def edit(self, article_id: int) -> DemoArticle:
        """Append a correction paragraph: a new version with new validators."""
        with self._lock:
            entry = self._live(article_id)
            article = entry.article
            at = self._tick()
            revised = dataclasses.replace(
                article,
                corrections=(*article.corrections, correction_paragraph(len(article.corrections) + 1)),
                modified=at,
            )
            self._entries[article_id] = Entry(revised, at)
            self._site_changed = at
            return revised

    def delete(self, article_id: int, mode: str = "404") -> DemoArticle:
        """Take an article down: its pages answer as ``mode`` says and lists and feeds drop it."""
        if mode not in DELETE_MODES:
            raise MutationError(f"mode must be one of {', '.join(DELETE_MODES)}, not {mode!r}", 400)
        with self._lock:
            entry = self._live(article_id)
            at = self._tick()
            self._entries[article_id] = Entry(entry.article, at, cast("DeleteMode", mode))
            self._section_changed[entry.article.section] = at
            self._site_changed = at
            return entry.article

    def add(self, article_id: int | None = None) -> DemoArticle:
        """Publish a pending article (the oldest one if no id): it tops its section list and the feeds."""
        with self._lock:
            if article_id is None:
                if not self._pending:
                    raise MutationError("no pending article left to publish", 409)
                article_id = min(self._pending.values(), key=lambda a: (a.published, a.id)).id
            if article_id in self._entries:
                raise MutationError(f"article {article_id} is already published", 409)
            article = self._pending.pop(article_id, None)
            if article is None:
                raise MutationError(f"no pending article {article_id}", 404)
            at = self._tick()
            self._entries[article_id] = Entry(article, at)
            self._section_changed[article.section] = at
            self._site_changed = at
            return article

    def _live(self, article_id: int) -> Entry:
        entry = self._entries.get(article_id)
        if entry is None:
            raise MutationError(f"no published article {article_id}", 404)
        if entry.deleted is not None:
            raise MutationError(f"article {article_id} is deleted", 409)
        return entry

    def _tick(self) -> datetime:
        # Validators have one-second resolution: every change must move Last-Modified forward.
        now = datetime.now(UTC).replace(microsecond=0)
        self._clock = max(now, self._clock + timedelta(seconds=1))
        return self._clock
