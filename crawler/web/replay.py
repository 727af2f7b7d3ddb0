"""Raw page replay: an archived response from the WARC files, decoded as the crawler decoded it.

Archived pages are hostile input shown in the reader's browser. The page is parsed as a browser
parses it (HTML5, by ammonia through nh3) and rebuilt from an allow-list: text structure,
tables, lists, links and image placeholders stay; scripts, event handlers, `ping`, `srcdoc`,
`<meta refresh>`, `<base>`, forms, frames, embedded objects, `<style>` and any SVG or MathML
(foreign content, the mutation-XSS route) go, and a style attribute keeps only properties that
cannot load anything. Links to other pages go through `/go` (the archived article, or the
address shown as text). The response also carries `Content-Security-Policy: sandbox` with
`default-src 'none'`, a second layer the sanitiser does not rely on.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin, urlsplit

import nh3

from crawler.extract.encoding import decode_html
from crawler.profiles import ProfileError, load_profile
from crawler.profiles.model import NAME_RE
from crawler.warc.reader import Capture, WarcReadError, read_capture

if TYPE_CHECKING:
    from pathlib import Path

    from crawler.extract.encoding import DecodedPage

logger = logging.getLogger(__name__)

#: Scripts are off, nothing loads, forms do not submit, and nothing may frame the page.
#: Inline styles stay: they cannot fetch anything here.
REPLAY_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
#: Python codec names that browsers know under another label.
BROWSER_LABELS = {
    "big5hkscs": "big5-hkscs",
    "utf-16-le": "utf-16le",
    "utf-16-be": "utf-16be",
    "euc_jp": "euc-jp",
    "euc_kr": "euc-kr",
}
#: Elements whose link attributes navigate (rewritten to /go); all other links load resources.
NAVIGATION = {("a", "href"), ("area", "href")}
LINK_SCHEMES = ("http", "https")
LINK_STYLE = (
    "all:initial;color:#0645ad;text-decoration:underline;cursor:pointer;font:inherit;margin-right:10px"
)
#: Largest page rewritten (bytes of decoded text, UTF-8); larger ones are served as text.
MAX_REWRITE_BYTES = 16 * 1024 * 1024


class ReplayError(LookupError):
    """The page cannot be replayed; the message says why and what to do."""


@dataclass(frozen=True)
class Replay:
    """One archived page: the capture, how it decodes, and which stored article it belongs to."""

    article_id: str
    capture: Capture
    decoded: DecodedPage
    #: What the stored article says the crawler used (None when not stored).
    stored_encoding: str | None

    @property
    def charset(self) -> str:
        """The decoding's name as browsers know it."""
        return BROWSER_LABELS.get(self.decoded.encoding, self.decoded.encoding)


def locate(doc: dict[str, Any], page: int) -> dict[str, Any]:
    """The WARC location of page `page` (0-based) of a stored article or version."""
    locations = doc.get("warc") or []
    if not locations:
        raise ReplayError("no raw page was archived for this article (it was stored with WARC writing off)")
    if not 0 <= page < len(locations):
        raise ReplayError(
            f"this article has {len(locations)} archived page(s): page must be 0..{len(locations) - 1}"
        )
    return locations[page]


def load(doc: dict[str, Any], page: int, warc_dir: Path) -> Replay:
    """Read and decode an archived page of a stored article (or of one of its versions)."""
    location = locate(doc, page)
    try:
        capture = read_capture(warc_dir, location)
    except WarcReadError as exc:
        # The reader's message quotes the pointer and the parser: for the log, never for the page.
        logger.warning("cannot replay page %d of %s: %s", page, doc.get("_id"), exc)
        raise ReplayError(
            "the archived page cannot be read (the web server's log says why; "
            "is --warc-dir the crawl's WARC_DIR?)"
        ) from None
    hint = _profile_encoding(doc.get("site"))
    decoded = decode_html(capture.body, capture.content_type, hint)
    return Replay(doc.get("article_id") or doc["_id"], capture, decoded, doc.get("encoding"))


def _profile_encoding(site: Any) -> str | None:
    """The encoding hint the crawler had from the site's profile (None if it cannot be loaded)."""
    if not isinstance(site, str) or not re.fullmatch(NAME_RE, site):
        return None  # a stored site that is no profile name (never a path to read)
    try:
        return load_profile(site).encoding
    except (ProfileError, OSError) as exc:
        logger.info("no profile for %s (%s): decoding without its encoding hint", site, exc)
        return None


def go_link(url: str) -> str:
    """Where a link of an archived page points in the browser."""
    return "/go?url=" + quote(url, safe="")


def rewrite(replay: Replay, banner: dict[str, str]) -> bytes:
    """The decoded page as UTF-8 HTML: sanitised by the allow-list, links kept inside the archive."""
    text = replay.decoded.text
    if len(text) * 4 > MAX_REWRITE_BYTES and len(text.encode("utf-8")) > MAX_REWRITE_BYTES:
        raise ReplayError(f"the page is too large to replay ({len(text)} characters): see its original bytes")
    body = sanitise(text, replay.capture.url)
    title = html.escape(f"Archived copy of {replay.capture.url}")
    page = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body>{_banner(banner)}{body}</body></html>"
    )
    return page.encode("utf-8")


#: Elements a replayed page keeps (anything else is dropped, its text kept).
ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS) | {
    "address", "big", "font", "main", "section", "tfoot", "label", "fieldset", "legend",
}  # fmt: skip
#: Elements dropped with everything inside: active content, embedded documents, foreign content.
DROPPED_WITH_CONTENT = frozenset(
    (
        "script", "style", "title", "noscript", "template", "iframe", "frame", "frameset", "noframes",
        "object", "embed", "applet", "noembed", "svg", "math", "select", "textarea", "xmp", "plaintext",
        "head",
    )
)  # fmt: skip
#: Attributes kept per element ("*": on every element). No event handler, `ping`, `srcdoc`, `src`.
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir", "align", "style", "width", "height"},
    "a": {"href", "name", "hreflang"},
    "area": {"href", "alt", "shape", "coords"},
    "img": {"alt"},
    "td": {"colspan", "rowspan", "valign"},
    "th": {"colspan", "rowspan", "valign", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "table": {"border", "cellpadding", "cellspacing", "summary"},
    "font": {"color", "size", "face"},
    "time": {"datetime"},
    "del": {"datetime"},
    "ins": {"datetime"},
}
#: Style properties kept: none can load a resource (no background, list-style-image, content ...).
STYLE_PROPERTIES = frozenset(
    (
        "color", "background-color", "font", "font-family", "font-size", "font-style", "font-weight",
        "text-align", "text-decoration", "text-indent", "line-height", "letter-spacing", "white-space",
        "vertical-align", "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
        "padding", "padding-top", "padding-right", "padding-bottom", "padding-left", "border",
        "border-top", "border-right", "border-bottom", "border-left", "border-color", "border-width",
        "border-style", "border-collapse", "width", "height", "max-width", "min-width", "display",
        "float", "clear", "list-style-type",
    )
)  # fmt: skip


def sanitise(text: str, base_url: str) -> str:
    """The page's body as allow-listed HTML (an HTML5 parse, as the browser will parse it)."""

    def attribute(tag: str, name: str, value: str) -> str | None:
        if (tag, name) in NAVIGATION:
            try:
                link = urljoin(base_url, value.strip())
                web = urlsplit(link).scheme.lower() in LINK_SCHEMES
            except ValueError:  # a malformed address ("http://[x]/"): shown as text, like any other
                return None
            return go_link(link) if web else None
        return value

    return nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=attribute,
        url_schemes={"http", "https"},
        strip_comments=True,
        link_rel="noopener noreferrer",
        filter_style_properties=set(STYLE_PROPERTIES),
    )


def _banner(banner: dict[str, str]) -> str:
    """A plain line above the page: what this is, and the way back to the article."""
    links = "".join(
        f'<a href="{html.escape(href)}" style="{LINK_STYLE}">{html.escape(label)}</a>'
        for label, href in banner.items()
        if label != "text"
    )
    style = (
        "all:initial;display:block;font:13px/1.5 sans-serif;background:#fffbe6;color:#222;"
        "border-bottom:1px solid #d8c77a;padding:6px 10px;"
    )
    return f'<div id="newsarchive-replay" style="{style}">{html.escape(banner["text"])} {links}</div>'


def describe(replay: Replay, tz_format: Any) -> str:
    """The banner's sentence: which page, when fetched, how decoded."""
    capture = replay.capture
    fetched = tz_format(capture.date) if isinstance(capture.date, datetime) else "?"
    decoded = f"decoded as {replay.decoded.encoding} ({replay.decoded.source})"
    if replay.stored_encoding and replay.stored_encoding != replay.decoded.encoding:
        decoded += f"; the crawler stored {replay.stored_encoding}"
    return f"Archived copy of {capture.url}, HTTP {capture.status}, fetched {fetched}, {decoded}."
