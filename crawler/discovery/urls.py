"""Which discovered links are articles, which are list pages, which are neither.

The profile's patterns decide when it has them; otherwise URL heuristics tuned on the
conventions of Chinese news portals (dated paths, `content_123.htm`, `t20231129_123.htm`,
`index_2.htm` list pages).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from crawler.profiles import SiteProfile


class LinkKind(StrEnum):
    """What a link leads to, as far as the crawl is concerned."""

    ARTICLE = "article"
    LIST = "list"
    OTHER = "other"


#: File types never worth fetching as pages.
SKIP_EXTENSIONS = re.compile(
    r"\.(jpe?g|png|gif|bmp|webp|svg|ico|css|js|json|pdf|docx?|xlsx?|pptx?|zip|rar|7z|gz|mp[34]|"
    r"avi|mov|flv|wmv|apk|exe|swf|xml)$",
    re.I,
)
#: A date in the path: /2026-11/27/, /202611/27/, /20261127/, /2026/1127/, /2026/11/27/.
DATED_PATH = re.compile(r"/(19|20)\d{2}(-?[01]\d)(/|-)?([0-3]\d)?(/|_|$)|/(19|20)\d{2}/[01]\d[0-3]\d/")
#: A long numeric id in the last path segment: content_1234567.htm, t20231129_123456.htm, 1567890.html.
NUMERIC_ID = re.compile(r"(^|[_/-]|[a-z])\d{5,}(_\d+)?\.(s?html?|php|aspx?|jsp)$|/\d{5,}/?$", re.I)
LIST_PATH = re.compile(r"(/|/(index|list|default)(_\d+)?\.(s?html?|php|aspx?|jsp))$", re.I)
LIST_QUERY = re.compile(r"(^|&)(page|p|pageno|pagenum|pn)=\d+", re.I)
NOT_CONTENT = re.compile(
    r"/(search|login|logout|register|member|user|account|comment|cart|tag|tags|rss|print|share|"
    r"download|admin|api)(/|\.|$)",
    re.I,
)


def classify_url(url: str, profile: SiteProfile) -> LinkKind:
    """Decide what a link is: the profile's patterns first, then heuristics."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not in_domains(parts.hostname or "", profile.domains):
        return LinkKind.OTHER
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if any(p.search(url) or p.search(target) for p in profile.exclude_res):
        return LinkKind.OTHER
    if SKIP_EXTENSIONS.search(parts.path):
        return LinkKind.OTHER
    if profile.article_res:
        if any(p.search(target) for p in profile.article_res):
            return LinkKind.ARTICLE
    elif looks_like_article_url(parts.path):
        return LinkKind.ARTICLE
    if profile.list_res and any(p.search(target) for p in profile.list_res):
        return LinkKind.LIST
    if not profile.list_patterns and looks_like_list_url(parts.path, parts.query):
        return LinkKind.LIST
    return LinkKind.OTHER


def is_pagination(url: str, profile: SiteProfile) -> bool:
    """A further page of a section list (``index_2.htm``, ``?page=3``), not a section's first page.

    The profile's start URLs are section first pages by definition, whatever the pattern says.
    """
    if url in {profile.absolute(u) for u in profile.start_urls}:
        return False
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if profile.pagination_pattern:
        return re.search(profile.pagination_pattern, target) is not None
    return bool(re.search(r"_\d+\.\w+$", parts.path) or LIST_QUERY.search(parts.query))


#: A page number in a pagination URL: the last run of digits of the pagination part.
PAGE_DIGITS = re.compile(r"\d+")
DEFAULT_PAGE_PART = re.compile(r"_\d+\.\w+$")


def page_number(url: str, profile: SiteProfile) -> int | None:
    """The number of a list page within its list (`index_7.htm`: 7; a section's first page: 0).

    Read from the part of the URL that the profile's `pagination_pattern` matches (or, without
    one, `_N.ext` / `page=N`); None when the URL names no number.
    """
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if profile.pagination_pattern:
        match = re.search(profile.pagination_pattern, target)
        if match is None:
            return None
        part = match.group(0)
    else:
        found = DEFAULT_PAGE_PART.search(parts.path) or LIST_QUERY.search(parts.query)
        if found is None:
            return None
        part = found.group(0)
    digits = PAGE_DIGITS.findall(part)
    return int(digits[-1][:9]) if digits else 0


def in_domains(host: str, domains: list[str]) -> bool:
    """True for a host that is one of the domains or a subdomain of one (the crawl never leaves them)."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in (d.lower().lstrip(".") for d in domains))


def looks_like_article_url(path: str) -> bool:
    """Heuristic for sites without article patterns: dated paths or long numeric ids."""
    if NOT_CONTENT.search(path) or LIST_PATH.search(path):
        return False
    return bool(NUMERIC_ID.search(path) or (DATED_PATH.search(path) and re.search(r"\.\w+$", path)))


def looks_like_list_url(path: str, query: str = "") -> bool:
    """Heuristic for section and pagination pages."""
    if NOT_CONTENT.search(path):
        return False
    return bool(LIST_PATH.search(path) or LIST_QUERY.search(query))
