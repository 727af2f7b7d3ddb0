"""Raw page replay: an archived response from the WARC files, decoded as the crawler decoded it.

The page is shown as it was fetched, with three changes that keep the reader inside the
archive: links to other pages go through `/go` (the archived article, or the address shown
as text), every resource reference (images, stylesheets, scripts, frames) is dropped, and
scripts, event handlers, `<base>` and `<meta refresh>` are removed. The response also carries
`Content-Security-Policy: sandbox` with `default-src 'none'`, so even a page this rewriting
missed can neither run a script nor load anything.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import lxml.html
from lxml import etree

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
    """The decoded page as UTF-8 HTML, links kept inside the archive, loads and scripts removed."""
    text = replay.decoded.text
    if len(text) * 4 > MAX_REWRITE_BYTES and len(text.encode("utf-8")) > MAX_REWRITE_BYTES:
        raise ReplayError(f"the page is too large to replay ({len(text)} characters): see its original bytes")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=False)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ReplayError(
            f"the archived page does not parse as HTML ({exc}): see its original bytes"
        ) from exc
    _strip_active(root)
    root.make_links_absolute(replay.capture.url, resolve_base_href=False, handle_failures="discard")
    _rewrite_links(root)
    _set_charset(root)
    _add_banner(root, banner)
    return lxml.html.tostring(root, encoding="utf-8", method="html", doctype="<!DOCTYPE html>")


def _strip_active(root: Any) -> None:
    """Scripts, event handlers, <base>, <meta refresh>, and javascript: links go."""
    for element in list(root.iter("script", "base")):
        element.drop_tree()
    for meta in list(root.iter("meta")):
        if (meta.get("http-equiv") or "").strip().lower() == "refresh":
            meta.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in [n for n in element.attrib if n.lower().startswith("on")]:
            del element.attrib[name]


def _rewrite_links(root: Any) -> None:
    groups: dict[tuple[Any, str | None], list[tuple[str, int]]] = {}
    for element, attribute, link, position in root.iterlinks():
        groups.setdefault((element, attribute), []).append((link, position))
    for (element, attribute), links in groups.items():
        value = element.text if attribute is None else element.get(attribute)
        if value is None:
            continue
        navigation = (element.tag, attribute) in NAVIGATION
        for link, position in sorted(links, key=lambda item: item[1], reverse=True):
            is_web = urlsplit(link.strip()).scheme.lower() in LINK_SCHEMES
            new = go_link(link.strip()) if navigation and is_web else ""
            value = value[:position] + new + value[position + len(link) :]
        if attribute is None:
            element.text = value
        elif value.strip():
            element.set(attribute, value)
        else:
            del element.attrib[attribute]
    for element in root.iter("img", "source", "video", "audio", "input", "iframe", "frame"):
        for name in ("srcset", "poster", "srcdoc"):
            element.attrib.pop(name, None)


def _set_charset(root: Any) -> None:
    """The page is served as UTF-8: its own charset declarations would only mislead."""
    for meta in list(root.iter("meta")):
        equiv = (meta.get("http-equiv") or "").strip().lower()
        if meta.get("charset") is not None or equiv == "content-type":
            meta.drop_tree()
    head = root.find("head")
    if head is None:
        head = lxml.html.Element("head")
        root.insert(0, head)
    head.insert(0, lxml.html.Element("meta", charset="utf-8"))


def _add_banner(root: Any, banner: dict[str, str]) -> None:
    """A plain line above the page: what this is, and the way back to the article."""
    body = root.find("body")
    if body is None:
        body = lxml.html.Element("body")
        root.append(body)
    bar = lxml.html.Element(
        "div",
        id="newsarchive-replay",
        style=(
            "all:initial;display:block;font:13px/1.5 sans-serif;background:#fffbe6;color:#222;"
            "border-bottom:1px solid #d8c77a;padding:6px 10px;"
        ),
    )
    bar.text = banner["text"] + " "
    for label, href in banner.items():
        if label == "text":
            continue
        link = lxml.html.Element("a", href=href, style=LINK_STYLE)
        link.text = label
        bar.append(link)
    body.insert(0, bar)


def describe(replay: Replay, tz_format: Any) -> str:
    """The banner's sentence: which page, when fetched, how decoded."""
    capture = replay.capture
    fetched = tz_format(capture.date) if isinstance(capture.date, datetime) else "?"
    decoded = f"decoded as {replay.decoded.encoding} ({replay.decoded.source})"
    if replay.stored_encoding and replay.stored_encoding != replay.decoded.encoding:
        decoded += f"; the crawler stored {replay.stored_encoding}"
    return f"Archived copy of {capture.url}, HTTP {capture.status}, fetched {fetched}, {decoded}."
