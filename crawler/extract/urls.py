"""Article URLs: the normalised form an article is stored under, and what a page's canonical link is worth.

One article reached under many URLs is stored once: the normalised URL drops the fragment,
the default port, tracking and session parameters (``;jsessionid=``, ``?sessionid=``, a
profile's ``ignore_params``), the default document (``dir/index.html`` is ``dir/``), sorts the
query (w3lib's ``canonicalize_url``: percent-escapes kept as bytes, so a GBK-encoded value is never
re-decoded as UTF-8), and lowercases the path only for a profile that says its server ignores
case. A page's ``<link rel=canonical>`` is evidence, not a key: it is used only when it can name
this article (same host, not the site's root, not a list or section page); the store then
checks that no different article already claims it (crawler/store/keys.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    from lxml import html as lxml_html

    from crawler.profiles import SiteProfile

#: Query parameters that never change what article a URL shows.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|spm|from|share(_\w+)?|fbclid|gclid|mc_\w+|ref|isappinstalled)$", re.I
)
#: Session identifiers servers add to links (Java, PHP, ASP, ColdFusion); never part of an article's address.
SESSION_PARAMS = re.compile(
    r"^(jsessionid|phpsessid|aspsessionid\w*|sessionid|session_id|sessid|cfid|cftoken)$", re.I
)
#: A session id carried as a path parameter: /a.html;jsessionid=0A1B2C.
_PATH_SESSION_RE = re.compile(r";(?:jsessionid|phpsessid|sessionid|sessid)=[^/;?#]*", re.I)
#: The document a server answers for a directory: /news/index.html is /news/.
DEFAULT_DOCUMENT_RE = re.compile(r"(?<=/)(?:index|default)\.(?:s?html?|php|aspx?|jsp)$", re.I)


@dataclass(frozen=True, slots=True)
class UrlRules:
    """How one site's URLs are normalised: its own ignored parameters, and whether paths ignore case."""

    #: Lowercased names of site-specific parameters that never change the article (besides the general ones).
    ignore_params: frozenset[str] = frozenset()
    #: The server answers /NEWS/A.HTML as /news/a.html (IIS and other case-insensitive servers).
    case_insensitive_paths: bool = False

    @classmethod
    def of(cls, profile: SiteProfile | None) -> UrlRules:
        """The rules a profile states (the general ones only, without a profile)."""
        if profile is None:
            return DEFAULT_RULES
        return cls(frozenset(p.lower() for p in profile.ignore_params), profile.case_insensitive_paths)

    def normalize(self, url: str) -> str:
        """``normalize_url`` under these rules."""
        return normalize_url(url, self)

    def _ignored(self, pair: str) -> bool:
        name = unquote(pair.split("=", 1)[0]).strip()
        return bool(
            TRACKING_PARAMS.match(name) or SESSION_PARAMS.match(name) or name.lower() in self.ignore_params
        )


DEFAULT_RULES = UrlRules()


@functools.lru_cache(maxsize=8192)
def normalize_url(url: str, rules: UrlRules = DEFAULT_RULES) -> str:
    """The URL an article is known by: see the module's docstring for what is dropped and what is kept.

    Never raises: a URL that does not parse (a bad port, a stray bracket) comes back stripped.
    Cached: one article's URL is normalised several times as it goes through the crawl
    (incremental check, key, archive index, WARC captures), and w3lib's canonicalisation is
    most of the cost (~30 µs).
    """
    tidy = _tidy(url)
    if tidy is None:
        return url.strip()
    scheme, netloc, path, query = tidy
    path = DEFAULT_DOCUMENT_RE.sub("", _PATH_SESSION_RE.sub("", path)) or "/"
    if rules.case_insensitive_paths:
        path = path.lower()
    query = "&".join(pair for pair in query.split("&") if pair and not rules._ignored(pair))
    plain = urlunsplit((scheme, netloc, path, query, ""))
    try:
        return canonicalize_url(plain)
    except ValueError:
        return plain


def clean_url(url: str) -> str:
    """A link as fetched, only tidied: fragment and default port dropped, host lowercased, nothing else.

    What multi-page articles compare and request (``index.htm`` and ``index_1.htm`` must keep
    their names there); ``normalize_url`` is for identity.
    """
    tidy = _tidy(url)
    return url.strip() if tidy is None else urlunsplit((*tidy, ""))


def _tidy(url: str) -> tuple[str, str, str, str] | None:
    """(scheme, netloc, path, query): scheme and host lowercased, no default port; None if unparseable."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    return scheme, _netloc(scheme, parts.hostname, port), parts.path or "/", parts.query


def _netloc(scheme: str, hostname: str | None, port: int | None) -> str:
    """Host lowercased (an IPv6 literal in brackets), the port only when it is not the scheme's default."""
    host = (hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"


def join_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``; None for links that do not parse (``http://[x]/``, bad ports)."""
    try:
        joined = urljoin(base, href.strip())
        parts = urlsplit(joined)
        _ = parts.port
    except ValueError:
        return None
    return joined


@dataclass(frozen=True, slots=True)
class CanonicalJudgement:
    """The key extraction proposes for a page, the canonical link it declared, and why that was not used."""

    key: str
    declared: str | None = None
    #: other_host, site_root or list_page (the store adds claimed); None when the canonical is the key.
    ignored: str | None = None


def declared_canonical(tree: lxml_html.HtmlElement | None, url: str) -> str | None:
    """The page's first ``<link rel=canonical>`` that parses as an http(s) URL, absolute."""
    if tree is None:
        return None
    for href in tree.xpath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href'):
        candidate = join_url(url, href)
        if candidate is not None and urlsplit(candidate).scheme in ("http", "https"):
            return candidate
    return None


def judge_canonical(declared: str | None, url: str, profile: SiteProfile | None = None) -> CanonicalJudgement:
    """The normalised canonical URL when it can name the article at ``url``, else the normalised ``url``.

    Not the site's root (a CMS that gives every page ``<link rel=canonical href=/>``), not a list
    or section page (the section every article of it declares), not another host.
    """
    rules = UrlRules.of(profile)
    fetched = normalize_url(url, rules)
    if declared is None:
        return CanonicalJudgement(fetched)
    canonical = normalize_url(declared, rules)
    if canonical == fetched:
        return CanonicalJudgement(fetched, canonical)
    reason = not_article_address(canonical, fetched, profile)
    if reason is not None:
        return CanonicalJudgement(fetched, canonical, reason)
    return CanonicalJudgement(canonical, canonical)


def not_article_address(canonical: str, fetched: str, profile: SiteProfile | None) -> str | None:
    """Why the (normalised) URL ``canonical`` cannot be the address of the article at ``fetched``, or None.

    Also how a redirect is judged: an article redirected to its site's root or section is gone.
    """
    # Imported here: the discovery package's other modules (feeds, sitemaps) are no business of extraction.
    from crawler.discovery.urls import LinkKind, classify_url

    there, here = urlsplit(canonical), urlsplit(fetched)
    if there.hostname != here.hostname:
        return "other_host"
    if there.path == "/" and not there.query:
        return "site_root"
    if profile is not None:
        if canonical == normalize_url(profile.base_url, UrlRules.of(profile)):
            return "site_root"
        rules = UrlRules.of(profile)
        if canonical in {normalize_url(profile.absolute(u), rules) for u in profile.start_urls}:
            return "list_page"
        if classify_url(canonical, profile) is LinkKind.LIST:
            return "list_page"
    if not there.query and here.path.startswith(there.path.rstrip("/") + "/"):
        return "list_page"  # a directory above the article: its section
    return None
