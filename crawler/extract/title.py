"""The headline: the main column's headline line, checked against the titles the page declares.

Every line above the body (and the first lines of it) is a candidate. A line scores by how well
the page's other titles agree with it (``og:title``, JSON-LD ``headline``, ``<title>`` — whose
site and channel parts do not count as agreement — and, in a crawl, the link text that led to
the page), by being a heading, and by sitting right above the date line or the body. A line
that links to another page is never the headline (recommendation lists hold other articles'
headlines), nor is a site name, a link to the home page (a masthead), a date or a byline, nor a
line in a menu, a side bar, a caption or a footer the declared titles do not name. Like GNE,
the declared titles also look for their heading anywhere on the page, so a wrongly located body
or a long header does not hide the headline. When no line qualifies, the best declared title is
taken with its site name stripped. What is shown is the line as printed, without
badges (原创, 主题:) the declared titles do not have.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from crawler.extract.evidence import Candidate, Choice
from crawler.extract.htmltext import element_path, element_text
from crawler.extract.patterns import NAVIGATION_OPENERS, TITLE_BADGES, alternation
from crawler.extract.pinyin import strip_inline_pinyin
from crawler.extract.structured import jsonld_objects

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lxml.html import HtmlElement

    from crawler.extract.htmltext import PageLine

#: Separators between a headline and the site/channel name in <title>.
#: Titles reach it with whitespace collapsed; the bounds keep it linear on any input anyway.
TITLE_SEPARATORS_RE = re.compile(
    r"\s{1,8}[-|_–—·:：]\s{1,8}|\s{0,8}[|｜_]\s{0,8}|\s{0,8}--\s{0,8}|\s{1,8}-\s{0,8}|-\s{1,8}"
)
#: Lines read above the body, and into it (pages whose extracted body opens with the headline).
LINES_ABOVE_BODY = 60
LINES_INTO_BODY = 8
#: A headline is at most this long (characters, spaces removed); longer lines are prose.
MAX_TITLE_CHARS = 150
#: A declared title is read up to this many characters and parts (a page's <title> may be anything).
MAX_DECLARED_CHARS = 300
MAX_PARTS = 12
#: Score of the agreement of the page's declared titles, and of each title agreeing.
AGREEMENT_WEIGHT = 0.6
AGREEING_BONUS = 0.05
#: Heading levels' weight (h1..h6).
HEADING_WEIGHTS = {1: 0.3, 2: 0.25, 3: 0.2, 4: 0.15, 5: 0.15, 6: 0.15}
#: A line at the place of the site's learned headline.
LEARNED_WEIGHT = 0.6
#: A declared title agreeing this much counts as agreement.
AGREES = 0.8
#: A heading far from the body (out of the lines read) says at least this much (``_size``: four
#: Han characters and a half, ten letters) to be taken for the headline.
MIN_FAR_SIZE = 10
#: Pages with more h1 lines than this have no headline h1 (a list, a forum thread).
MAX_H1S = 6
#: A line must score this much to be the headline.
MIN_LINE_SCORE = 0.3
#: A line this short (characters) is a menu entry or a widget more often than text.
SHORT_LINE_CHARS = 12
#: ... and counts this much of a line of text between a headline and the body.
SHORT_LINE_WEIGHT = 0.2
#: Link lines sharing their list (their block's parent) from this many on are a list of links.
LINK_LIST = 3
#: A lone link to another page (a blog's permalink when the page's URL is not known) scores less;
#: a line ending a sentence (。) too.
LINK_PENALTY = 0.15
SENTENCE_PENALTY = 0.1
#: A line of a list of links that is no link itself (the current step of a breadcrumb or menu).
CURRENT_ITEM_PENALTY = 0.3
#: A line of a headline's usual length (characters, spaces removed) scores this much more.
USUAL_LENGTH = range(6, 81)
LENGTH_WEIGHT = 0.1

_SPACE_RE = re.compile(r"\s+")
_BADGES = alternation(TITLE_BADGES, name="TITLE_BADGES")
#: A badge opening a headline line: bracketed ([原创]), or a word followed by a space or a colon.
_BADGE_RE = re.compile(
    r"^\s{0,3}(?:[\[【(（]" + _BADGES + r"[\]】)）]|" + _BADGES + r"(?=[\s:：]))\s{0,3}[:：]?\s{0,3}",
    re.IGNORECASE,
)
#: Separators left dangling at the end of a headline line ("谁来为无序拆房“埋单”？- -").
_EDGE_SEPARATORS_RE = re.compile(r"(?:\s{0,3}[-_|｜]){1,4}\s{0,3}$")
#: Characters of the Private Use Area: icon fonts' glyphs, never part of a headline.
_PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
#: The steps of a breadcrumb ("论坛 » 学术前沿 » Headline").
_BREADCRUMB_RE = re.compile(r"\s{0,3}(?:»|›|>>|>|＞)\s{0,3}")
#: A whole badge (what is left of a headline line around the declared headline).
_ONLY_BADGE_RE = re.compile(r"^[\[【(（]?" + _BADGES + r"[\]】)）]?[:：]?$", re.IGNORECASE)
_NAVIGATION_RE = re.compile(
    r"^\W{0,3}" + alternation(NAVIGATION_OPENERS, name="NAVIGATION_OPENERS"), re.IGNORECASE
)
#: An attribute printed as text (size="20"): broken HTML, never a headline.
_MARKUP_RE = re.compile(r"\w\s?=\s?[\"']")
#: A web address alone on its line.
_ADDRESS_RE = re.compile(r"^\s{0,3}(?:https?://|www\.)\S{0,300}\s{0,3}$", re.IGNORECASE)
#: A line holding no letter or CJK character (a page number, a bullet) is never a headline.
_WORD_RE = re.compile(r"[^\W\d_]")
#: A date opening a headline line ("23.01.2022 - Headline", "2022-01-27Headline"): a dateline printed
#: in the heading, read off as a variant of the line.
_LEADING_DATE_RE = re.compile(
    r"^\s{0,3}(?:\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2})"
    r"(?:\s{0,3}[-|–—·:：/]\s{0,3}|\s{1,3}|(?=[^\W\d_]))"
)
#: A channel's name in brackets before the headline ("[湖湘文化]Headline").
_CHANNEL_RE = re.compile(r"^\s{0,3}[\[【［][^\]】］\[【［]{1,10}[\]】］]\s{0,3}")
#: A row of bracketed commands ("[查看目录] [加入书签]", "[Home] [Impressum]"): a menu.
_COMMANDS_RE = re.compile(r"^(?:\s{0,3}[\[【［][^\]】］\[【［]{1,30}[\]】］]){2,}\s{0,3}$")
#: Elements whose headings and lines are never the headline: menus, side bars, captions, footers.
_NOT_MAIN = {
    "nav": "inside <nav>",
    "aside": "inside <aside>",
    "figure": "a caption",
    "figcaption": "a caption",
    "footer": "inside <footer>",
}
#: Paths of a site's home page (a link there from a heading is the site's logo or name).
_HOME_PATH_RE = re.compile(r"^/?(?:(?:index|default|home|start)\.[a-z]{2,5})?$", re.IGNORECASE)
#: Types of JSON-LD objects whose ``headline``/``name`` is the article's title.
_ARTICLE_TYPES = ("Article", "NewsArticle", "BlogPosting", "Report", "WebPage", "ReportageNewsArticle")
#: Attributes a <meta> may carry; any other (with a quote or non-ASCII letter in its name) means its
#: ``content`` was cut by a quote inside it (content="某某奖金公布！"某某奖"首位得主…").
_BROKEN_ATTRIBUTE_RE = re.compile(r"[^\w:.\-]")


#: What separates a headline from its subtitle inside one declared title (Headline——subtitle).
_SUBTITLE_SEPARATORS = frozenset("—-(（")


#: Dashes and quotes a page prints one way and its metadata another ("A – B" and "A - B").
_SAME_MARKS = str.maketrans(
    dict.fromkeys("‐‑‒–—―−", "-") | dict.fromkeys("„“”«»″", '"') | dict.fromkeys("‚‘’‹›´`", "'")
)


def normalize(text: str | None) -> str:
    """What makes two titles the same: NFKC, lowercase, no whitespace, one dash and one quote of each kind."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text or "")).lower().translate(_SAME_MARKS)


def _parts(text: str) -> list[str]:
    return [p.strip() for p in TITLE_SEPARATORS_RE.split(" ".join(text.split())) if p and p.strip()]


_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def _size(text: str) -> int:
    """How much a title part says: a Han character counts as a word, two letters of a Latin one."""
    cjk = len(_CJK_RE.findall(text))
    return 2 * cjk + len(_WORD_RE.findall(text)) - cjk


def _match(line: str, part: str, *, near: bool = True) -> float:
    """0..1: how far ``part`` of a declared title (normalised) names the line (normalised).

    ``near``: near-duplicates count (at most 0.8: never agreement on their own, see ``AGREES``).
    """
    if line == part:
        return 1.0
    if part in line:  # "原创 Headline", "Headline 东区办事处"
        cover = len(part) / len(line)
        return 0.9 * cover if cover >= 0.6 else 0.0
    if line in part and len(line) >= 4:
        if part.startswith(line) and part[len(line)] in _SUBTITLE_SEPARATORS and 3 * len(line) >= len(part):
            return 0.9  # "Headline——subtitle": the declared title adds the subtitle (not "Channel-Headline")
        cover = len(line) / len(part)
        return 0.8 * cover if cover >= 0.6 else 0.0
    if not near or 10 * len(line) < 7 * len(part) or 10 * len(part) < 7 * len(line):
        return 0.0  # the longest common run could not cover 70 % of the longer one
    if line[:2] not in part and line[-2:] not in part:
        return 0.0  # near-duplicates share their start or their end (cheap before the real comparison)
    match = SequenceMatcher(None, line, part, autojunk=False).find_longest_match(0, len(line), 0, len(part))
    ratio = match.size / max(len(line), len(part))
    return 0.8 * ratio if ratio >= 0.7 else 0.0


@dataclass(frozen=True, slots=True)
class Reference:
    """A title the page declares (og:title, <title> ...), normalised, with its separator parts."""

    source: str
    text: str
    norm: str
    #: The parts between separators (``Headline_Channel_Site``), with how far each may name the
    #: headline: the part that says most (not a known site name) fully, the others by their size.
    parts: tuple[tuple[str, float], ...]
    #: The title without its last part, and without its first (``Headline - Subtitle | Site``):
    #: a headline holding a separator of its own.
    trimmed: tuple[str, ...] = ()

    @classmethod
    def of(cls, source: str, text: str, site_names: tuple[str, ...] = ()) -> Reference:
        text = text[:MAX_DECLARED_CHARS]
        sites = {normalize(s) for s in site_names}
        pieces = [(p, _size(p)) for p in (normalize(p) for p in _parts(text)[:MAX_PARTS]) if p]
        content = [size for p, size in pieces if p not in sites] or [1]
        largest = max(content) or 1
        parts = tuple((p, 0.0 if p in sites else min(1.0, 0.3 + 0.7 * size / largest)) for p, size in pieces)
        trimmed: tuple[str, ...] = ()
        if len(pieces) > 2:
            # the headline keeps the larger share of the title: the part cut off is the site's
            first, last = pieces[0][1], pieces[-1][1]
            total = sum(size for _, size in pieces)
            trimmed = tuple(
                "".join(p for p, _ in kept)
                for kept, cut in ((pieces[:-1], last), (pieces[1:], first))
                if 2 * cut < total
            )
        return cls(source, text, normalize(text), parts, trimmed)

    @property
    def main(self) -> str:
        """The part most likely the headline."""
        return max(self.parts, key=lambda pair: pair[1])[0] if self.parts else self.norm

    def agreement(self, line: str, *, near: bool = True) -> float:
        """0..1: how far this title names ``line`` (normalised) as the headline.

        ``near``: near-duplicates count (only needed below ``AGREES``).
        """
        if not line or not self.norm:
            return 0.0
        best = _match(line, self.norm, near=near)
        for part, factor in self.parts if len(self.parts) > 1 else ():
            if factor * 1.0 > best:
                best = max(best, factor * _match(line, part, near=near))
        for part in self.trimmed if best < 1.0 else ():
            best = max(best, _match(line, part, near=False))
        return best


#: <meta> names and properties holding the title, and the site's name.
_TITLE_KEYS = frozenset({"og:title", "twitter:title", "headline", "title", "dc.title"})
_SITE_KEYS = frozenset({"og:site_name", "application-name", "apple-mobile-web-app-title"})


def _meta_is_broken(node: HtmlElement) -> bool:
    return any(_BROKEN_ATTRIBUTE_RE.search(key) for key in node.attrib)


def declared_titles(
    tree: HtmlElement, jsonld: list[dict[str, Any]] | None = None
) -> tuple[list[tuple[str, str]], list[str]]:
    """([(source, title)], site names) the page declares: og:title, twitter:title, JSON-LD, <title>.

    ``jsonld``: the page's ``jsonld_objects`` when read already (parsed once per page).

    A <meta> whose content was cut by a quote inside it (its tag then holds stray attributes)
    is left out: it holds the start of the headline only.
    """
    titles: list[tuple[str, str]] = []
    sites: list[str] = []
    #: An app's name (application-name ...) some sites fill with the page's title: no site name then.
    app_names: list[str] = []
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        if key not in _TITLE_KEYS and key not in _SITE_KEYS:
            continue
        content = " ".join((node.get("content") or "").split())
        if not content or _meta_is_broken(node):
            continue
        if key in _TITLE_KEYS:
            titles.append((key if key != "headline" else "microdata", content))
        elif key == "og:site_name":
            sites.append(content)
        else:
            app_names.append(content)
    for obj in jsonld_objects(tree) if jsonld is None else jsonld:
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if isinstance(obj.get("headline"), str) and obj["headline"].strip():
            titles.append(("json-ld", " ".join(obj["headline"].split())))
        if "WebSite" in kinds and isinstance(obj.get("name"), str):
            sites.append(obj["name"].strip())
        publisher = obj.get("publisher")
        name = publisher.get("name") if isinstance(publisher, dict) else None
        if isinstance(name, str) and any(k in _ARTICLE_TYPES for k in kinds):
            sites.append(name.strip())
    head_title = tree.find(".//title")
    if head_title is not None and (text := " ".join(head_title.text_content().split())):
        titles.append(("title", text))
    whole = {normalize(text) for _, text in titles}
    sites += [name for name in app_names if normalize(name) not in whole]
    return titles, [s for s in dict.fromkeys(sites) if s]


def strip_site_name(raw: str | None, site_names: tuple[str, ...] = ()) -> str | None:
    """A declared title without the site's or channel's name ('新闻标题_XX网' -> '新闻标题')."""
    if not raw:
        return None
    title, _ = strip_inline_pinyin(" ".join(raw.split()))
    parts = _parts(title)
    if len(parts) > 1:
        sites = {normalize(s) for s in site_names}
        content = [p for p in parts if normalize(p) not in sites]
        if content and len(content) < len(parts):
            parts = content
        longest = max(parts, key=len)
        others = [p for p in parts if p is not longest]
        # only cut when the rest looks like a site name (shorter than the headline)
        if not others or len(longest) >= 2 * max(len(p) for p in others):
            title = longest
    return title or None


#: A <title> part longer than this (characters) is no site's name.
MAX_SITE_NAME_CHARS = 40


def title_affixes(title: str | None, headline: str | None) -> dict[str, str]:
    """The parts of ``title`` before and after the headline's part (``Site - Headline`` -> prefix ``Site``).

    What a site's template learner counts to learn the site's name. Nothing when no part of the
    title is the headline (the title names something else).
    """
    wanted = normalize(headline)
    if not title or not wanted:
        return {}
    parts = _parts(title[:MAX_DECLARED_CHARS])[:MAX_PARTS]
    matches = [_match(wanted, normalize(p)) for p in parts]
    if len(parts) < 2 or max(matches) < AGREES:
        return {}
    index = matches.index(max(matches))
    affixes = {
        "title_prefix": parts[0] if index > 0 else "",
        "title_suffix": parts[-1] if index < len(parts) - 1 else "",
    }
    return {k: v for k, v in affixes.items() if v and len(v) <= MAX_SITE_NAME_CHARS}


#: Kept for callers of the earlier name.
clean_title = strip_site_name


@dataclass(frozen=True, slots=True)
class TitleEvidence:
    """What the headline is chosen from."""

    lines: Sequence[PageLine] = ()
    #: Index of the body's first line in ``lines`` (None: not located).
    body_start: int | None = None
    #: Titles the page declares ((source, text): og:title, json-ld, title ...) and the link text.
    declared: tuple[tuple[str, str], ...] = ()
    site_names: tuple[str, ...] = ()
    #: Text of the profile's title selector.
    selector: str = ""
    #: The element path of the site's learned headline (``SiteTemplate``).
    learned_path: str = ""
    url: str = ""
    #: trafilatura's title (its own reading of the same metadata), the last resort.
    guess: str | None = None
    #: Lines that are a date line or a byline (indexes into ``lines``): the info zone.
    info: frozenset[int] = frozenset()
    #: Work out every candidate's element path (``--explain``), not only the winner's.
    paths: bool = False


def _link_target(href: str, here: tuple[str, str], url: str) -> tuple[str, str] | None:
    """(host, path) ``href`` leads to from the page ``here`` ((host, path) of ``url``), None if nowhere."""
    href = href.strip()
    if href.startswith(("#", "javascript:")):
        return None
    try:
        if href.startswith("/") and not href.startswith("//"):  # the common case, without urljoin
            return (here[0], href.split("#", 1)[0].split("?", 1)[0].rstrip("/"))
        parts = urlsplit(urljoin(url, href) if url else href)
    except ValueError:  # a broken href ("http://[menu]/") leads nowhere
        return None
    return (parts.netloc, parts.path.rstrip("/"))


def _links_elsewhere(href: str, here: tuple[str, str], url: str) -> bool:
    """``href`` leads to another page than ``here`` ((host, path) of ``url``)."""
    target = _link_target(href, here, url)
    return target is not None and target != here


def _links_home(href: str, here: tuple[str, str], url: str) -> bool:
    """``href`` leads to the home page of the page's own site (from another page of it)."""
    target = _link_target(href, here, url)
    return (
        target is not None
        and target != here
        and target[0] in ("", here[0])
        and bool(_HOME_PATH_RE.match(target[1]))
    )


def _outside_main(element: HtmlElement) -> str:
    """Why ``element`` sits outside the article (in a <nav>, <aside>, caption, <footer>), '' if not."""
    for node in (element, *element.iterancestors()):
        why = _NOT_MAIN.get(node.tag) if isinstance(node.tag, str) else None
        if why:
            return why
    return ""


def _proximities(evidence: TitleEvidence, indexes: range) -> dict[int, float]:
    """For each line index: up to 0.3 for a line right above the date line or the body.

    0.3 when only headings, info lines (date line, byline) and up to four short lines stand
    between it and the body and one of them is an info line or the line is a heading; 0.25 with
    nothing else between; 0.1 with a line or two of text between (five short lines count as
    one); 0.2 for the body's first line itself. One backward pass over the window.
    """
    start = evidence.body_start
    if start is None:
        return {}
    lines = evidence.lines
    found: dict[int, float] = {}
    content = 0.0
    info_between = False
    for index in range(min(start, indexes.stop) - 1, indexes.start - 1, -1):
        if content < 1:
            found[index] = 0.3 if info_between or lines[index].heading else 0.25
        elif content <= 2:
            found[index] = 0.1
        else:
            break
        if index in evidence.info:
            info_between = True
        elif not lines[index].heading:
            # a line of text counts fully, a short one (a menu entry, a widget) a quarter
            content += 1 if len(lines[index].text) > SHORT_LINE_CHARS else SHORT_LINE_WEIGHT
    if start < len(lines):
        found[start] = 0.2
    return found


def _trim_badges(text: str, references: list[Reference]) -> str:
    """``原创 Headline`` -> ``Headline``, unless a declared title prints the badge too."""
    for reference in references:
        # the declared headline inside the line, and only a badge around it ("原创" + headline)
        main = reference.main
        position = normalize(text).find(main) if main else -1
        if position < 0:
            continue
        norm = normalize(text)
        rest = norm[:position] + norm[position + len(main) :]
        if rest and _ONLY_BADGE_RE.match(rest):
            kept = _strip_to(text, norm[position : position + len(main)])
            if kept:
                return kept
    match = _BADGE_RE.match(text)
    if match is None:
        return text
    rest = text[match.end() :].strip()
    whole = normalize(text)
    if len(_WORD_RE.findall(rest)) < 2 or any(whole in r.norm for r in references if r.source != "guess"):
        return text
    return rest


def _strip_to(text: str, wanted: str) -> str:
    """The span of ``text`` whose normalised form is ``wanted`` (spaces kept as printed), '' if none."""
    for start in range(len(text)):
        if text[start].isspace():
            continue
        for end in range(len(text), start, -1):
            if normalize(text[start:end]) == wanted:
                return text[start:end].strip()
            if len(normalize(text[start:end])) < len(wanted):
                break
    return ""


@dataclass(slots=True)
class _Window:
    """The lines read for the headline, and what is known of them once per page."""

    evidence: TitleEvidence
    references: list[Reference]
    sites: set[str]
    #: How many link lines share each list (``_list_key``): a list of links holds other articles.
    link_lists: dict[tuple[object, str], int]
    single_h1: bool
    proximity: dict[int, float]
    #: href -> whether it leads to another page (each href resolved once).
    elsewhere: dict[str, bool] = field(default_factory=dict)
    #: href -> whether it leads to the site's home page.
    home: dict[str, bool] = field(default_factory=dict)
    _here: tuple[str, str] | None = None

    def links_elsewhere(self, line: PageLine) -> bool:
        """The line is a link to another page than this one."""
        if not line.is_link or not line.href:
            return False
        known = self.elsewhere.get(line.href)
        if known is None:
            known = self.elsewhere[line.href] = _links_elsewhere(line.href, self.here, self.evidence.url)
        return known

    def links_home(self, line: PageLine) -> bool:
        """The line is a link to the site's home page (a logo, the site's name)."""
        if not line.href or not self.links_elsewhere(line):
            return False
        known = self.home.get(line.href)
        if known is None:
            known = self.home[line.href] = _links_home(line.href, self.here, self.evidence.url)
        return known

    @property
    def here(self) -> tuple[str, str]:
        """(host, path) of the page."""
        if not self._here:
            try:
                parts = urlsplit(self.evidence.url)
                self._here = (parts.netloc, parts.path.rstrip("/"))
            except ValueError:
                self._here = ("", "")
        return self._here


def _score(window: _Window, index: int, text: str, via: str = "", *, named: bool = False) -> Candidate | None:
    """The candidate a line of the page makes (``text``: the line, or a part of it), None if none.

    ``named``: the line counts only when a declared title names it (a heading far from the
    body, a line read as a date line or byline).
    """
    evidence, line = window.evidence, window.evidence.lines[index]
    norm = normalize(text)
    if not norm or len(norm) > MAX_TITLE_CHARS:
        return None
    best = 0.0
    agreeing: list[str] = []
    for reference in window.references:
        value = reference.agreement(norm, near=not named)
        best = max(best, value)
        if value >= AGREES:
            agreeing.append(reference.source)
    if named and best < AGREES:
        return None
    proximity = window.proximity.get(index, 0.0)
    # the element's place is worked out only where it is compared or shown (the winner's is added later)
    path = element_path(line.element) if evidence.learned_path or evidence.paths else ""
    learned = bool(evidence.learned_path) and path == evidence.learned_path
    if not (best >= 0.5 or learned or proximity >= 0.1 or (line.heading == 1 and window.single_h1)):
        return None  # most lines of the window: nothing makes them a headline (checked before the rest)
    elsewhere = window.links_elsewhere(line)
    refused = ""
    if len(_WORD_RE.findall(norm)) < 2:
        refused = "no words"
    elif elsewhere and window.link_lists.get(_list_key(line), 0) >= LINK_LIST:
        refused = "a link to another page, in a list of links"
    elif norm in window.sites:
        refused = "the site's name"
    elif elsewhere and window.links_home(line):
        refused = "a link to the site's home page (its name)"
    elif _NAVIGATION_RE.match(text) or _COMMANDS_RE.match(text):
        refused = "navigation"
    elif _MARKUP_RE.search(text):
        refused = "markup left by broken HTML"
    elif _ADDRESS_RE.match(text):
        refused = "a web address"
    penalty = 0.0
    if elsewhere and not refused and proximity < 0.25:  # alone right above the text: a permalink
        penalty += LINK_PENALTY
    if norm.endswith("。"):
        penalty += SENTENCE_PENALTY
    current = not line.is_link and line.element.tag == "li" and _among_links(evidence.lines, index)
    if current:  # the one item of a menu or breadcrumb that is no link: the current page's section
        penalty += CURRENT_ITEM_PENALTY
    heading = HEADING_WEIGHTS.get(line.heading, 0.0)
    if not refused and best < AGREES:
        refused = _outside_main(line.element)
    score = (
        AGREEMENT_WEIGHT * best
        + AGREEING_BONUS * min(3, len(agreeing))
        + heading
        + proximity
        + (LEARNED_WEIGHT if learned else 0.0)
        + (LENGTH_WEIGHT if len(norm) in USUAL_LENGTH else 0.0)
        - penalty
    )
    notes = [f"agrees with {', '.join(dict.fromkeys(agreeing))}"] if agreeing else []
    notes += [via] if via else []
    notes += [f"h{line.heading}"] if heading else []
    notes += [f"above the body (+{proximity:.2f})"] if proximity else []
    notes += ["the site's learned headline"] if learned else []
    notes += ["links to another page"] if elsewhere else []
    notes += [f"the current item of a list of links (-{CURRENT_ITEM_PENALTY})"] if current else []
    return Candidate(
        _trim_badges(text, window.references),
        "learned" if learned else ("heading" if line.heading else "line"),
        round(best, 3),
        round(score, 3),
        evidence=line.text[:200],
        path=path,
        refused=refused,
        notes=notes,
    )


def _among_links(lines: Sequence[PageLine], index: int) -> bool:
    """The line before or after ``index`` is a link in a list item (a menu, a breadcrumb)."""
    return any(
        0 <= other < len(lines) and lines[other].is_link and lines[other].element.tag == "li"
        for other in (index - 1, index + 1)
    )


def _list_key(line: PageLine) -> tuple[object, str]:
    """Lines of one list of links share their block's parent and tag (<li>s of one <ul>)."""
    element = line.element
    return element.getparent(), str(element.tag)


def _line_candidates(evidence: TitleEvidence, references: list[Reference]) -> list[tuple[Candidate, int]]:
    lines = evidence.lines
    start = evidence.body_start
    if start is None:
        indexes = range(min(len(lines), 200))
    else:
        indexes = range(max(0, start - LINES_ABOVE_BODY), min(len(lines), start + LINES_INTO_BODY))
    link_lists: dict[tuple[object, str], int] = {}
    for index in indexes:
        if lines[index].is_link:
            key = _list_key(lines[index])
            link_lists[key] = link_lists.get(key, 0) + 1
    window = _Window(
        evidence,
        references,
        {normalize(s) for s in evidence.site_names},
        link_lists,
        False,
        _proximities(evidence, indexes),
    )
    # the page's one h1, not counting a masthead's (its link home) nor a menu's or caption's
    h1s = [line for line in lines if line.heading == 1]
    window.single_h1 = len(h1s) == 1 or (
        1 < len(h1s) <= MAX_H1S
        and sum(1 for line in h1s if not window.links_home(line) and not _outside_main(line.element)) == 1
    )
    found: list[tuple[Candidate, int]] = []
    for index in indexes:
        # a date line or byline is the headline only when a declared title names it (a byline
        # label may be a word of the headline)
        found += _variants(window, index, named=index in evidence.info)
    if references:
        # the page's declared titles find their heading wherever it is (the body may be
        # located wrongly, a page may print its headline below a long header); a short one may be
        # the site's name a <title> holds alone (a masthead, a footer): not taken
        for index, line in enumerate(lines):
            if not line.heading or index in indexes or len(line.text) > 2 * MAX_TITLE_CHARS:
                continue
            norm = normalize(line.text)  # named as a whole, before its variants are worked out
            if any(r.agreement(norm, near=False) >= AGREES for r in references):
                named = _variants(window, index, named=True)
                found += [(c, i) for c, i in named if _size(c.value) >= MIN_FAR_SIZE]
    return found


def _variants(window: _Window, index: int, *, named: bool) -> list[tuple[Candidate, int]]:
    """The candidates line ``index`` makes.

    The line, the last step of a breadcrumb, and the line without a leading date (first, so
    that it wins a tie: the date is the page's dateline, not the headline's).
    """
    text, _ = strip_inline_pinyin(_PRIVATE_USE_RE.sub("", window.evidence.lines[index].text))
    text = _EDGE_SEPARATORS_RE.sub("", text) or text
    variants = [(text, "")]
    steps = [s.strip() for s in _BREADCRUMB_RE.split(text)]
    if len(steps) > 1 and steps[-1]:
        variants.append((steps[-1], "the last step of a breadcrumb"))
    channel = _CHANNEL_RE.match(text)
    rest = text[channel.end() :].strip() if channel else ""
    if (
        channel
        and not _ONLY_BADGE_RE.match(channel.group(0).strip())
        and not _CHANNEL_RE.match(rest)  # a row of bracketed commands
        and len(_WORD_RE.findall(rest)) >= 2
    ):
        variants.insert(0, (rest, "without the channel before it"))
    dated = _LEADING_DATE_RE.match(text)
    if dated and len(_WORD_RE.findall(text[dated.end() :])) >= 2:
        variants.insert(0, (text[dated.end() :].strip(), "without the date before it"))
    found = []
    for variant, via in variants:
        candidate = _score(window, index, variant, via, named=named)
        if candidate is not None:
            found.append((candidate, index))
    lines = window.evidence.lines
    line = lines[index]
    if line.heading and index + 1 < len(lines) and lines[index + 1].element is line.element:
        # a heading printed on two lines (<h1>Part one:<br>part two</h1>): whole if declared so
        candidate = _score(
            window, index, f"{text} {lines[index + 1].text}", "the heading's two lines", named=True
        )
        alone = max(
            (
                r.agreement(normalize(part))
                for r in window.references
                for part in (text, lines[index + 1].text)
            ),
            default=0.0,
        )
        if candidate is not None and candidate.weight > alone + AGREEING_BONUS:
            found.append((candidate, index))
    return found


def _whole_heading(
    evidence: TitleEvidence, eligible: list[tuple[Candidate, int]], best: Candidate, index: int
) -> tuple[Candidate, int, list[str]]:
    """The longer line of the winner's heading element when it holds the winner's words.

    Only when a declared title names it too: the winner was its kicker
    (<h1><span>Kicker</span>Kicker and headline</h1>, og:title the short one).
    """
    element, words = evidence.lines[index].element, normalize(best.value)
    for candidate, other in eligible:
        if (
            other != index
            and evidence.lines[other].element is element
            and candidate.weight >= AGREES
            and len(normalize(candidate.value)) > len(words)
            and words in normalize(candidate.value)
        ):
            return candidate, other, ["the whole line of its heading"]
    return best, index, []


#: Declared titles in the order they are trusted when no line of the page is the headline.
_DECLARED_ORDER = ("json-ld", "og:title", "microdata", "twitter:title", "dc.title", "title", "link", "guess")


def choose_title(evidence: TitleEvidence) -> tuple[Choice, int | None]:
    """The headline and the index of its line in ``evidence.lines`` (None when not from a line)."""
    choice = Choice("title")
    if evidence.selector:
        value, _ = strip_inline_pinyin(" ".join(evidence.selector.split()))
        choice.candidates.append(Candidate(value, "selector", 1.0, 1.0, evidence=evidence.selector[:200]))
        choice.value, choice.source, choice.score = value, "selector", 1.0
        choice.reason = "the profile's title selector"
        return choice, None
    site_names = tuple(evidence.site_names)
    # trafilatura's title is no reference: it reads the same headings, its agreement is their own
    references = [Reference.of(s, t, site_names) for s, t in evidence.declared if t.strip()]
    lines = _line_candidates(evidence, references)
    choice.candidates.extend(c for c, _ in lines)
    for source, text in evidence.declared:
        stripped = strip_site_name(text[:MAX_DECLARED_CHARS], site_names)
        choice.candidates.append(Candidate(stripped, source, 0.0, evidence=text[:200]))
    eligible = [(c, i) for c, i in lines if not c.refused and c.score >= MIN_LINE_SCORE]
    if eligible:
        best, index = max(eligible, key=lambda pair: (pair[0].score, -pair[1]))
        best, index, reason = _whole_heading(evidence, eligible, best, index)
        best.path = best.path or element_path(evidence.lines[index].element)
        choice.value, choice.source, choice.score = best.value, best.source, best.score
        choice.path = best.path
        choice.reason = "; ".join([*best.notes, *reason]) or "the best line"
        return choice, index
    declared = dict(evidence.declared)
    if evidence.guess:
        declared.setdefault("guess", evidence.guess)
    for source in _DECLARED_ORDER:
        stripped = strip_site_name((declared.get(source) or "")[:MAX_DECLARED_CHARS], site_names)
        if stripped and len(_WORD_RE.findall(stripped)) >= 2:
            choice.value, choice.source, choice.score = stripped, source, 0.5
            choice.reason = f"no line of the page qualifies: the page's {source}, site name stripped"
            return choice, None
    choice.reason = "no candidate"
    return choice, None


def selector_title(tree: HtmlElement, selector: str | None) -> str:
    """Text of the first element the profile's title selector matches ('' when none)."""
    if not selector:
        return ""
    nodes = tree.cssselect(selector)
    return element_text(nodes[0]) if nodes else ""
