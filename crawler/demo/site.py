"""The demo site's URL map: which page, feed or edge resource answers a path in the current state."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from crawler.demo import feeds, render
from crawler.demo.content import ARTICLES_BY_ID, SECTIONS
from crawler.demo.edge import resolve_edge
from crawler.demo.resource import Resource, html_resource

if TYPE_CHECKING:
    from collections.abc import Mapping

    from crawler.demo.content import DemoArticle, Section
    from crawler.demo.state import Entry, SiteState

ADMIN_TRAP_PATH = "/admin/login.htm"
STYLESHEET_PATH = "/static/site.css"

_SECTION_ALTERNATIVES = "|".join(re.escape(s.path) for s in SECTIONS)
_LIST_RE = re.compile(rf"^(?P<section>{_SECTION_ALTERNATIVES})(?:index(?:_(?P<page>[1-9]\d*))?\.htm)?$")
_ARTICLE_RE = re.compile(
    rf"^(?P<section>{_SECTION_ALTERNATIVES})\d{{4}}-\d{{2}}/\d{{2}}/content_(?P<id>\d+)(?:_(?P<page>\d+))?\.htm$"
)
_PHOTO_RE = re.compile(r"^/uploads/\d{4}-\d{2}/(?P<id>\d+)_1\.gif$")
_SECTION_BY_PATH = {s.path: s for s in SECTIONS}

#: A 1x1 grey GIF standing in for news photos.
PLACEHOLDER_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xcc\xcc\xcc\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def not_found() -> Resource:
    """The site's 404 page."""
    return html_resource(render.error_page(404), status=404)


def resolve(state: SiteState, base_url: str, path: str, query: Mapping[str, str]) -> Resource:
    """Answer for ``path`` (query parameters only matter under /edge/)."""
    if path in ("/", "/index.htm", "/index.html"):
        return html_resource(render.home_page(state.published()), last_modified=state.changed_at)
    if path.startswith("/edge/"):
        return resolve_edge(path, query) or not_found()
    if (feed := _feed(state, base_url, path)) is not None:
        return feed
    if path == STYLESHEET_PATH:
        return Resource(body=render.STYLESHEET.encode(), content_type="text/css; charset=utf-8")
    if path == ADMIN_TRAP_PATH:
        return html_resource(render.admin_login_page())
    if match := _LIST_RE.match(path):
        return _list(state, _SECTION_BY_PATH[match["section"]], int(match["page"] or 0))
    if match := _ARTICLE_RE.match(path):
        return _article(state, base_url, path, int(match["id"]), int(match["page"] or 1))
    if (match := _PHOTO_RE.match(path)) and _has_photo(int(match["id"])):
        return Resource(body=PLACEHOLDER_GIF, content_type="image/gif")
    return not_found()


def _feed(state: SiteState, base_url: str, path: str) -> Resource | None:
    xml = "application/xml; charset=utf-8"
    changed = state.changed_at
    match path:
        case feeds.ROBOTS_PATH:
            return Resource(
                body=feeds.robots_txt(base_url).encode(), content_type="text/plain; charset=utf-8"
            )
        case feeds.RSS_PATH:
            body = feeds.rss_feed(state.published(), base_url, changed)
            return Resource(
                body=body.encode(), content_type="application/rss+xml; charset=utf-8", last_modified=changed
            )
        case feeds.SITEMAP_INDEX_PATH:
            return Resource(
                body=feeds.sitemap_index(base_url, changed).encode(), content_type=xml, last_modified=changed
            )
        case feeds.NEWS_SITEMAP_PATH:
            articles = state.published()
            modified = {a.id: entry.modified for a in articles if (entry := state.entry(a.id)) is not None}
            body = feeds.news_sitemap(articles, base_url, modified)
            return Resource(body=body.encode(), content_type=xml, last_modified=changed)
        case feeds.SECTIONS_SITEMAP_PATH:
            sections = {s.key: state.section_modified(s.key) for s in SECTIONS}
            body = feeds.sections_sitemap(base_url, changed, sections)
            return Resource(body=body.encode(), content_type=xml, last_modified=changed)
    return None


def _list(state: SiteState, section: Section, page: int) -> Resource:
    articles = state.published(section.key)
    size = state.list_page_size
    page_count = max(1, math.ceil(len(articles) / size))
    if page >= page_count:
        return not_found()
    shown = articles[page * size : (page + 1) * size]
    html = render.list_page(section, shown, page, page_count, len(articles))
    return html_resource(html, charset=section.charset, last_modified=state.section_modified(section.key))


def _article(state: SiteState, base_url: str, path: str, article_id: int, page: int) -> Resource:
    entry = state.entry(article_id)
    if entry is None or not 1 <= page <= entry.article.page_count or entry.article.page_path(page) != path:
        return not_found()
    if entry.deleted is not None:
        return _deleted(entry, base_url)
    html = render.article_page(entry.article, page, base_url)
    return html_resource(html, charset=entry.article.charset, last_modified=entry.modified)


def _deleted(entry: Entry, base_url: str) -> Resource:
    match entry.deleted:
        case "410":
            return html_resource(render.error_page(410), status=410, last_modified=entry.modified)
        case "home":
            body = f'<html><body><a href="{base_url}">302 Found</a></body></html>\n'.encode()
            return Resource(
                status=302, body=body, location=base_url, last_modified=entry.modified, etag=False
            )
        case "notice":
            return html_resource(render.notice_page(), last_modified=entry.modified)
    return html_resource(render.error_page(404), status=404, last_modified=entry.modified)


def _has_photo(article_id: int) -> bool:
    article: DemoArticle | None = ARTICLES_BY_ID.get(article_id)
    return article is not None and article.photo is not None
