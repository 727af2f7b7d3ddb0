"""Locate the article body: the profile's selector, else trafilatura (checked by readability on CJK pages).

Before anything reads the tree it is prepared: ruby annotations (``<rt>``/``<rp>``) are
dropped, and a ``<form>`` that wraps most of the page (ASP.NET WebForms put the whole body
in one) is unwrapped, since trafilatura discards forms with everything inside them.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import trafilatura
from lxml import etree

from crawler.extract.htmltext import block_text
from crawler.extract.pinyin import strip_ruby

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.html import HtmlElement

    from crawler.extract.options import ExtractOptions
    from crawler.profiles import SiteProfile

LOGGER = logging.getLogger(__name__)

#: A form holding at least this share of the page's text is a page wrapper, not a form.
WRAPPER_FORM_SHARE = 0.5
#: On non-CJK pages trafilatura's precision-mode text replaces its default text when it keeps at
#: least this share of the default's tokens ...
PRECISE_MIN_LENGTH = 0.7
#: ... and at least this share of it is inside the default text (it only cut, never found other text).
PRECISE_CONTAINED = 0.95
#: readability's text replaces trafilatura's when at least this share of it is in trafilatura's ...
READABILITY_CONTAINED = 0.9
#: ... and it keeps at least this share of trafilatura's length (else it picked a fragment).
READABILITY_MIN_LENGTH = 0.1

_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_LETTER_RE = re.compile(r"[A-Za-z\u00c0-\u024f\u0400-\u04ff]+")
_TOKEN_RE = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]|[^\W\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+"
)


@dataclass(slots=True)
class Body:
    """The located body text plus what trafilatura read from the page's metadata."""

    text: str
    #: "selector", "trafilatura", "readability" or "none".
    method: str
    cjk: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)


def unwrap_page_forms(tree: HtmlElement) -> int:
    """Unwrap forms that hold most of the page's text; returns how many."""
    total = len(tree.text_content() or "")
    unwrapped = 0
    for form in list(tree.iter("form")):
        if total and len(form.text_content() or "") >= WRAPPER_FORM_SHARE * total:
            form.drop_tag()
            unwrapped += 1
    return unwrapped


def prepare_tree(tree: HtmlElement) -> dict[str, int]:
    """Prepare ``tree`` in place for every reader; returns what was done (for quality counts)."""
    done = {"ruby": strip_ruby(tree), "page_forms": unwrap_page_forms(tree)}
    return {k: v for k, v in done.items() if v}


def is_cjk(text: str, share: float) -> bool:
    """True when Han/kana characters are at least ``share`` of the letters and characters."""
    cjk = len(_CJK_RE.findall(text))
    if not cjk:
        return False  # most pages of a Western site: no need to count their words
    words = len(_LETTER_RE.findall(text))
    return cjk >= share * (cjk + words)


#: The page's text nodes outside scripts and styles, in one XPath pass (in C).
_SHOWN_TEXT = etree.XPath("//text()[not(parent::script) and not(parent::style)]", smart_strings=False)


def shown_text(tree: HtmlElement) -> str:
    """The page's text without its scripts and styles: what decides its language.

    A portal's scripts can hold ten times its visible letters (a page of 1,000 Han characters
    and 7,000 words of JavaScript); counted, they made a Chinese page Western.
    """
    return " ".join(_SHOWN_TEXT(tree))


def tokens(text: str) -> list[str]:
    """Tokens for comparing texts: one per CJK character, one per other word."""
    return _TOKEN_RE.findall(text.lower())


def containment(part: list[str], whole: list[str]) -> float:
    """Share of the ``part`` tokens found among the ``whole`` tokens (bag overlap)."""
    return sum((Counter(part) & Counter(whole)).values()) / len(part) if part else 0.0


def choose_text(trafilatura_text: str, readability_text: str) -> tuple[str, str]:
    """Pick between the two extractions: (text, method).

    readability wins when trafilatura found nothing, or when readability's text is a large
    enough part of trafilatura's (then trafilatura's extra is layout tables and link lists).
    """
    if not trafilatura_text:
        return (readability_text, "readability") if readability_text else ("", "none")
    if not readability_text:
        return trafilatura_text, "trafilatura"
    part, whole = tokens(readability_text), tokens(trafilatura_text)  # each text tokenised once
    if len(part) >= READABILITY_MIN_LENGTH * len(whole) and containment(part, whole) >= READABILITY_CONTAINED:
        return readability_text, "readability"
    return trafilatura_text, "trafilatura"


def choose_precise(default_text: str, precise_text: str) -> bool:
    """True when trafilatura's precision-mode text is the default text with boilerplate cut off.

    Measured on the dev split (aeb, trafilatura-eval): any share from 0.6 to 0.8 gives the same
    figures; precision mode everywhere loses recall on European pages.
    """
    if not precise_text or not default_text:
        return False
    part, whole = tokens(precise_text), tokens(default_text)  # each text tokenised once
    return len(part) >= PRECISE_MIN_LENGTH * len(whole) and containment(part, whole) >= PRECISE_CONTAINED


def _trafilatura_text(tree: HtmlElement, url: str, options: ExtractOptions, *, precision: bool) -> str:
    try:
        document = trafilatura.bare_extraction(
            tree, options=options.trafilatura_options(url, cjk=False, precision=precision, metadata=False)
        )
    except (ValueError, TypeError, etree.LxmlError) as exc:
        LOGGER.debug("trafilatura (precision) failed on %s: %s", url, exc)
        return ""
    return (getattr(document, "text", None) or "").strip()


def readability_text(tree: HtmlElement) -> str:
    """Text of the block readability (trafilatura's port) takes for the article, '' on failure."""
    from lxml import html as lxml_html
    from trafilatura.readability_lxml import Document as ReadabilityDocument

    try:
        summary = ReadabilityDocument(tree).summary()
        return block_text(lxml_html.fromstring(summary)) if summary.strip() else ""
    except (ValueError, TypeError, etree.LxmlError) as exc:  # readability gives up on odd trees
        LOGGER.debug("readability failed: %s", exc)
        return ""


def _metadata(document: Any) -> dict[str, Any]:
    if document is None:
        return {}
    keys = ("title", "author", "date", "description", "sitename", "categories", "tags", "language")
    return {k: getattr(document, k, None) for k in keys}


@contextmanager
def sections_as_divs(tree: HtmlElement) -> Iterator[int]:
    """``<section>`` read as ``<div>`` while the extractors run; yields how many.

    trafilatura reads text only in known elements and drops a ``<section>`` with the text in
    it; readability scores no text in one either. WeChat articles and the editors that make
    them (and many portals copying them) put every paragraph in a ``<section>``: both
    extractors then miss the whole article. The tree is restored afterwards, so element
    paths (learned site templates) keep naming sections.
    """
    sections = list(tree.iter("section"))
    for element in sections:
        element.tag = "div"
    try:
        yield len(sections)
    finally:
        for element in sections:
            element.tag = "section"


def locate_body(tree: HtmlElement, url: str, profile: SiteProfile, options: ExtractOptions) -> Body:
    """Find the article text in a prepared ``tree`` (left as it was given)."""
    with sections_as_divs(tree):
        return _locate_body(tree, url, profile, options)


def _locate_body(tree: HtmlElement, url: str, profile: SiteProfile, options: ExtractOptions) -> Body:
    cjk = is_cjk(shown_text(tree), options.cjk_share)
    try:
        document = trafilatura.bare_extraction(tree, options=options.trafilatura_options(url, cjk=cjk))
    except (ValueError, TypeError, etree.LxmlError) as exc:
        LOGGER.debug("trafilatura failed on %s: %s", url, exc)
        document = None
    metadata = _metadata(document)
    if profile.selectors.body:
        nodes = tree.cssselect(profile.selectors.body)
        text = "\n".join(block_text(node) for node in nodes)
        if text:
            return Body(text, "selector", cjk, metadata)
    text = (getattr(document, "text", None) or "").strip()
    if cjk and options.cjk_readability:
        chosen, method = choose_text(text, readability_text(_copy(tree)))
        return Body(chosen, method, cjk, metadata)
    if not cjk and options.western_precision and text:
        precise = _trafilatura_text(tree, url, options, precision=True)
        if precise != text and choose_precise(text, precise):  # the same text (2 pages in 3): no comparison
            text = precise
    return Body(text, "trafilatura" if text else "none", cjk, metadata)


def _copy(tree: HtmlElement) -> HtmlElement:
    from copy import deepcopy

    return deepcopy(tree)
