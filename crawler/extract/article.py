"""Extraction entry points: pure functions of (page, profile) returning an Article.

The steps, each in its own module: decode (``encoding``), parse and prepare the tree
(``body.prepare_tree``: ruby, page-wide forms), locate the body (``body``), repair broken
text (``quality``), drop inline pinyin (``pinyin``), remove boilerplate in three layers and
parse credit lines (``boilerplate``, ``learned``, ``byline``), locate the article in the
page (``layout``) to read its date line and byline, then dates (``dates``), script and
simplified copies (``script``).

Bad input never raises: an empty, binary, unparseable or oversized page gives an Article
with empty (or cut) text and a ``quality`` flag saying why.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from crawler import __version__
from crawler.extract.body import is_cjk, locate_body, prepare_tree
from crawler.extract.boilerplate import clean_paragraphs
from crawler.extract.byline import (
    CreditEvidence,
    author_links,
    author_marked_lines,
    choose_credits,
    declared_credits,
    name_line,
)
from crawler.extract.dates import DateChoice, DateEvidence, choose_date, structured_dates
from crawler.extract.encoding import decode_html
from crawler.extract.gone import is_gone_notice
from crawler.extract.htmltext import element_path, element_text, page_lines
from crawler.extract.layout import find_body, header_end, info_lines, locate
from crawler.extract.learned import paragraph_fingerprints
from crawler.extract.options import DEFAULT_OPTIONS, ExtractOptions
from crawler.extract.pagination import find_page_links
from crawler.extract.pinyin import strip_inline_pinyin
from crawler.extract.posts import first_post
from crawler.extract.quality import check_text, repair_text
from crawler.extract.script import detect_script, to_simplified
from crawler.extract.structured import jsonld_objects
from crawler.extract.template import SiteTemplate
from crawler.extract.title import TitleEvidence, choose_title, declared_titles, selector_title, title_affixes
from crawler.extract.urls import UrlRules, declared_canonical, judge_canonical, normalize_url
from crawler.items import Article, content_hash

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.extract.evidence import Choice
    from crawler.extract.htmltext import PageLine
    from crawler.extract.page import Page
    from crawler.profiles import SiteProfile

LOGGER = logging.getLogger(__name__)

#: Stored with every article so that re-extraction can tell what produced it.
EXTRACTOR_VERSION = f"newsarchive/{__version__} trafilatura/{trafilatura.__version__}"

#: Control characters (other than tab/newline/CR) above this share of a page mean it is not text.
MAX_CONTROL_SHARE = 0.05
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPACE_RE = re.compile(r"\s+")


#: trafilatura's own parser settings; its load_html() is not used because it rejects pages
#: that do not say "html" in their first 50 characters (saved pages, CleanEval wrappers).
_PARSER = lxml_html.HTMLParser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
)
#: Every element of the page as a plain ``HtmlElement``, chosen in C. lxml.html's own lookup is a
#: Python method that lxml calls each time it makes a proxy for an element (every iteration and
#: XPath result, ~10,000 times per page across trafilatura's passes: 9 % of extraction CPU),
#: only to give forms and inputs their form-filling classes, which nothing here uses.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement,
        comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction,
        entity=lxml_html.HtmlEntity,
    )
)
#: lxml refuses a str that carries an encoding declaration: the text is decoded already.
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def _parse(html: str) -> HtmlElement | None:
    html = _CONTROL_RE.sub("", _XML_DECL_RE.sub("", html, count=1))
    try:
        tree = lxml_html.document_fromstring(html, parser=_PARSER)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        LOGGER.debug("cannot parse page: %s", exc)
        return None
    return tree if tree is not None and len(tree) else None


def _problem(html: str) -> str | None:
    """Why ``html`` cannot hold an article, or None."""
    if not html.strip():
        return "empty_page"
    sample = html[:65536]
    if len(_CONTROL_RE.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        return "not_text"
    return None


#: The headline is looked for in this many first paragraphs of the body ...
TITLE_IN_BODY = 3
#: ... after lines no longer than this (a forum's ``主题：`` above it), or after such a label.
MAX_TITLE_LABEL = 6


def _drop_title_line(paragraphs: list[str], *titles: str | None) -> list[str]:
    """The body without the headline at its top: as printed there, or after a label such as 主题："""
    wanted = [_SPACE_RE.sub("", title) for title in titles if title]
    if not paragraphs or not wanted:
        return paragraphs
    for index, paragraph in enumerate(paragraphs[:TITLE_IN_BODY]):
        text = _SPACE_RE.sub("", paragraph)
        if any(
            text == want or (text.endswith(want) and len(text) - len(want) <= MAX_TITLE_LABEL)
            for want in wanted
        ):
            return paragraphs[index + 1 :]
        if len(text) > MAX_TITLE_LABEL:
            break
    return paragraphs


def _line_texts(lines: list[PageLine]) -> list[str]:
    """The lines' texts without inline pinyin (stripped line by line only on pages that have some)."""
    texts = [line.text for line in lines]
    _, count = strip_inline_pinyin("\n".join(texts))
    return [strip_inline_pinyin(t)[0] or t for t in texts] if count else texts


#: Lines read for the site's learned places: above the body and into it.
ZONE_ABOVE_BODY = 60
ZONE_INTO_BODY = 8
#: A headline is learned from pages where a declared title agreed this much with it ...
LEARN_TITLE_AGREEMENT = 0.8
#: ... a date line where it was labelled or another source named the same day.
LEARN_DATE_CONFIDENCE = 0.93
#: A learned place is counted again only when another source confirms what was read there (a
#: learned date line or byline then scores 1.0 or more).


def _zone(count: int, body_start: int | None) -> range:
    """Indexes of the lines around the article's header (the page's top when the body is not found)."""
    if body_start is None:
        return range(min(count, 200))
    return range(max(0, body_start - ZONE_ABOVE_BODY), min(count, body_start + ZONE_INTO_BODY))


def _at(lines: list[PageLine], texts: list[str], zone: range, path: str) -> tuple[str, ...]:
    """Texts of the lines at the template's place ``path`` ('' path: none)."""
    if not path:
        return ()
    return tuple(texts[i] for i in zone if element_path(lines[i].element) == path)


def _path_of(lines: list[PageLine], texts: list[str], zone: range, printed: str) -> str:
    """The place of the line a value was read from (the first line of the zone that starts it)."""
    printed = printed.strip()
    if not printed:
        return ""
    for index in zone:
        if texts[index] and printed.startswith(texts[index]):
            return element_path(lines[index].element)
    return ""


def _places(
    lines: list[PageLine], texts: list[str], zone: range, title: Choice, dates: DateChoice, credits: Choice
) -> dict[str, str]:
    """Where the headline, date line and byline were found with confidence (what ``LayoutLearner`` counts)."""
    places: dict[str, str] = {}
    # a learned place is counted again only when independent evidence confirms it
    winner = next((c for c in title.candidates if c.path == title.path and c.value == title.value), None)
    if (
        winner is not None
        and title.source in ("heading", "line", "learned")
        and winner.weight >= LEARN_TITLE_AGREEMENT
    ):
        places["title"] = title.path
    confidence = dates.confidence or 0.0
    if (
        dates.source == "date-line-label"
        or (dates.source == "date-line" and confidence >= LEARN_DATE_CONFIDENCE)
        or (dates.source == "learned" and confidence >= 1.0)
    ):
        evidence = next((c.evidence for c in dates.candidates if c.source == dates.source), "")
        places["date"] = _path_of(lines, texts, zone, evidence)
    if credits.source == "header" or (credits.source == "learned" and (credits.score or 0) > 1.0):
        evidence = next((c.evidence for c in credits.candidates if c.source == credits.source), "")
        places["byline"] = _path_of(lines, texts, zone, evidence)
    return {k: v for k, v in places.items() if v}


def _page_top(lines: list[PageLine], texts: list[str]) -> str | None:
    """The page's own title line: its first heading naming a person (a blog's), else its first line."""
    named = next(
        (texts[i] for i, line in enumerate(lines[:200]) if line.heading and name_line(texts[i])), None
    )
    return named or (texts[0] if texts else None)


def _selector_text(tree: HtmlElement, selector: str | None) -> str:
    if not selector:
        return ""
    return " ".join(element_text(node) for node in tree.cssselect(selector))


def _empty(url: str, profile: SiteProfile, fetched_at: datetime, quality: dict[str, Any]) -> Article:
    return Article(
        url=url,
        canonical_url=normalize_url(url, UrlRules.of(profile)),
        site=profile.name,
        page_urls=[url],
        quality={**quality, "empty_text": True},
        fetched_at=fetched_at,
        content_hash=content_hash(None, ""),
        extractor_version=EXTRACTOR_VERSION,
    )


def extract_article(
    html: str,
    url: str,
    profile: SiteProfile,
    *,
    fetched_at: datetime | None = None,
    learned: frozenset[str] = frozenset(),
    options: ExtractOptions = DEFAULT_OPTIONS,
    last_modified: str | None = None,
    link_text: str | None = None,
    template: SiteTemplate | None = None,
    choices: dict[str, Choice] | None = None,
) -> Article:
    """Extract one article from decoded HTML; never touches the network and never raises on bad input.

    ``learned`` holds the fingerprints of the site's learned boilerplate paragraphs
    (``BoilerplateLearner.learned()``); ``fetched_at`` resolves relative dates (刚刚, 3小时前)
    and no date after it is taken; ``last_modified`` (the HTTP header) is the date of last resort;
    ``link_text`` (the text of the link a crawl followed to the page) is one more declared title.
    ``template`` is where the site prints its headline, date line and byline, learned from its
    earlier articles (``LayoutLearner.template()``); the profile's selectors come first.
    ``choices``, when given, receives the candidates and the choice of each field (``--explain``).
    """
    template = template or SiteTemplate()
    fetched_at = fetched_at or datetime.now(UTC)
    quality: dict[str, Any] = {}
    if len(html) > options.max_html_chars:
        html = html[: options.max_html_chars]
        quality["truncated_html"] = True
    problem = _problem(html)
    tree = _parse(html) if problem is None else None
    if tree is None:
        return _empty(url, profile, fetched_at, {**quality, problem or "unparseable": True})
    removed: dict[str, int] = dict(prepare_tree(tree))

    body = locate_body(tree, url, profile, options)
    meta = body.metadata
    text, repairs = repair_text(body.text)
    text, pinyin_count = strip_inline_pinyin(text)
    raw_paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    lines = page_lines(tree)
    line_texts = _line_texts(lines)
    body_start, body_end = find_body(line_texts, raw_paragraphs)
    post = first_post(lines, raw_paragraphs, body_start, body_end)
    if post is not None:  # a blog's front page, a forum thread: the first post is the article
        removed["other_posts"] = 1
        raw_paragraphs = post
        body_start, _ = find_body(line_texts, raw_paragraphs)
    info = info_lines(line_texts, body_start)
    zone = _zone(len(lines), body_start)
    jsonld = jsonld_objects(tree)  # read by the title, the credits and the dates
    declared, site_names = declared_titles(tree, jsonld)
    # the site's name: declared by the page, given by the profile, learned from the site's <title>s
    site_names += [n for n in (profile.title, *template.site_names) if n and n not in site_names]
    if link_text and link_text.strip():
        declared.append(("link", " ".join(link_text.split())))
    title_choice, title_index = choose_title(
        TitleEvidence(
            lines=lines,
            body_start=header_end(line_texts, body_start, info),
            declared=tuple(declared),
            site_names=tuple(site_names),
            selector=selector_title(tree, profile.selectors.title),
            url=url,
            guess=meta.get("title"),
            info=info,
            learned_path=template.title,
            paths=choices is not None,
        )
    )
    title = title_choice.value
    if choices is not None:
        choices["title"] = title_choice
    # the headline's line as printed, when the headline was read off its end ("23.01.2022 - Headline")
    printed = line_texts[title_index] if title_index is not None and title else None
    if printed and not _SPACE_RE.sub("", printed).endswith(_SPACE_RE.sub("", title or "")):
        printed = None
    paragraphs = _drop_title_line(raw_paragraphs, title, printed)
    fingerprints = paragraph_fingerprints("\n".join(paragraphs))
    cleaned = clean_paragraphs(paragraphs, site_patterns=profile.boilerplate_res, learned=learned)
    text = cleaned.text

    layout = locate(line_texts, title, cleaned.paragraphs or paragraphs, title_index=title_index)
    page_text = "\n".join(line_texts)
    # the page's language as a reader sees it (the body's test also counts its scripts' letters)
    cjk = body.cjk or is_cjk(page_text, options.cjk_share)
    declared_people, declared_organisations = declared_credits(tree, jsonld)
    credits, credit_choices = choose_credits(
        CreditEvidence(
            selector=_selector_text(tree, profile.selectors.author),
            header=layout.header,
            after_title=layout.after_title,
            above_title=layout.above_title[-1] if layout.above_title else "",
            body=cleaned.byline,
            paragraphs=tuple(cleaned.paragraphs),
            picture_credits=tuple(cleaned.picture_credits),
            footer=layout.footer,
            guess=meta.get("author"),
            declared=declared_people,
            declared_organisations=declared_organisations,
            cjk=cjk,
            title=title,
            page_top=_page_top(lines, line_texts),
            printed=page_text,
            author_links=author_links(lines, layout.title_index, layout.body_start),
            marked=() if cjk else author_marked_lines(lines, layout.title_index, layout.body_start),
            learned=" ".join(_at(lines, line_texts, zone, template.byline)),
            site_names=tuple(site_names),
            url=url,
        )
    )
    if choices is not None:
        choices.update(credit_choices)
    dates = choose_date(
        DateEvidence(
            selector=_selector_text(tree, profile.selectors.date),
            header=layout.date_header,
            declared=structured_dates(tree, jsonld),
            above_title=layout.above_title,
            footer=layout.footer,
            body_edges=tuple(paragraphs[:6] + paragraphs[-3:]),
            guess=meta.get("date"),
            # trafilatura's metadata ran htmldate on markup only (no free-text search) already
            strict_guess=None if cjk else (meta.get("date") or ""),
            page_lines=layout.lines,
            guess_first=not cjk,
            url=url,
            last_modified=last_modified,
            learned=_at(lines, line_texts, zone, template.date),
            line_elements=tuple(line.element for line in lines),
        ),
        tz=profile.tz,
        now=fetched_at,
    )
    places = _places(lines, line_texts, zone, title_choice, dates, credit_choices["authors"])
    places.update(title_affixes(dict(declared).get("title"), title))

    if choices is not None:
        choices["date"] = dates.explained()
    script = detect_script(text) or detect_script(title)
    removed.update({k: v for k, v in cleaned.removed.items() if v})
    if pinyin_count:
        removed["pinyin"] = pinyin_count
    if removed:
        quality["removed"] = removed
    if repairs:
        quality["repaired"] = repairs
    quality.update(check_text(text).as_flags())
    if not text:
        quality["empty_text"] = True
    quality["method"] = body.method
    if is_gone_notice(title, text, tree):
        quality["gone_notice"] = True
    canonical = judge_canonical(declared_canonical(tree, url), url, profile)
    return Article(
        url=url,
        canonical_url=canonical.key,
        site=profile.name,
        title=title,
        title_source=title_choice.source,
        text=text,
        declared_canonical=canonical.declared,
        canonical_ignored=canonical.ignored,
        authors=credits.authors,
        source=credits.source,
        editors=credits.editors,
        photographers=credits.photographers,
        author_source=credits.origin,
        published_at=dates.published,
        modified_at=dates.modified,
        date_source=dates.source,
        date_confidence=dates.confidence,
        date_precision=dates.precision,
        language=meta.get("language") or profile.language or ("zh" if script else None),
        tags=list(meta.get("tags") or []),
        categories=list(meta.get("categories") or []),
        description=meta.get("description"),
        script=script,
        title_simplified=to_simplified(title),
        text_simplified=to_simplified(text),
        page_urls=find_page_links(tree, url),
        quality=quality,
        fingerprints=fingerprints,
        layout=places,
        fetched_at=fetched_at,
        content_hash=content_hash(title, text),
        extractor_version=EXTRACTOR_VERSION,
    )


def extract_page(
    page: Page,
    profile: SiteProfile,
    *,
    learned: frozenset[str] = frozenset(),
    options: ExtractOptions = DEFAULT_OPTIONS,
    template: SiteTemplate | None = None,
    choices: dict[str, Choice] | None = None,
) -> Article:
    """Decode the fetched bytes, then extract: what the spider and re-extraction call."""
    decoded = decode_html(page.body, page.content_type, profile.encoding)
    article = extract_article(
        decoded.text,
        page.url,
        profile,
        fetched_at=page.fetched_at,
        learned=learned,
        options=options,
        last_modified=page.last_modified,
        link_text=page.link_text,
        template=template,
        choices=choices,
    )
    article.status = page.status
    article.encoding = decoded.encoding
    if decoded.source in ("tolerant", "fallback", "detected"):
        article.quality["encoding_source"] = decoded.source
    if decoded.errors:
        article.quality["undecodable_bytes"] = decoded.errors
    if decoded.overridden:
        article.quality["declared_encoding_ignored"] = decoded.overridden
    return article
