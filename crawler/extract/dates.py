"""Publication dates: parse the forms Chinese portals print, and prefer the article's own date line.

Forms: ``2022年2月13日 07:00``, ``2022-02-13 07:00:00``, ``2022/02/13``, ``2022.02.13``,
``9/17/2004 5:54:13 AM`` (ASP.NET's default), and relative ones (刚刚, 5分钟前, 3小时前,
昨天 08:00, 前天) resolved against the fetch time. A date printed without a zone is in the
site's zone (the profile's, Asia/Shanghai by default).

Which date is the article's: the date line between the headline and the body first (a
``发布时间：`` label wins over an unlabelled date), then structured metadata, then the lines
right after the body, then the edges of the body itself, then trafilatura's guess; dates in
copyright lines, ranges (``2005-3-30 ~ 2005-3-31``) and dates after the fetch are never taken.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING

from crawler.extract.patterns import (
    DATE_LABELS,
    DATE_NOISE_RE,
    MODIFIED_LABELS,
    OUTLET_RE,
    RELATIVE_DATE_WORDS,
    alternation,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from zoneinfo import ZoneInfo

    from lxml.html import HtmlElement

PUBLISHED = "published"
MODIFIED = "modified"

_TIME = (
    r"(?:\s*(?:T|\s)?\s*(?P<H>[01]?\d|2[0-3])\s*[:：时]\s*(?P<M>[0-5]\d)"
    r"(?:\s*[:：分]\s*(?P<S>[0-5]\d))?(?:[.,]\d+)?)?"
)
_AMPM = r"(?:\s*(?P<ampm>AM|PM|am|pm|上午|下午))?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
#: Absolute forms, tried in this order at every position.
ABSOLUTE_RES = (
    re.compile(_YEAR + r"\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号]?" + _TIME),
    re.compile(
        _YEAR + r"(?P<sep>[-/.])(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)" + _TIME
    ),
    re.compile(r"(?<![\d/])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/" + _YEAR + _TIME + _AMPM),
)
_RELATIVE_RE = re.compile(
    r"(?P<n>\d{1,3})\s*(?P<unit>秒|分钟|小时|天|minutes?|hours?|days?)\s*(?:前|ago)"
    r"|(?P<word>" + alternation(tuple(RELATIVE_DATE_WORDS), name="RELATIVE_DATE_WORDS") + r")"
    r"(?:\s*(?P<H>[01]?\d|2[0-3])\s*[:：]\s*(?P<M>[0-5]\d))?"
)
_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}
_LABEL_RE = re.compile(
    r"(?P<modified>" + alternation(MODIFIED_LABELS, name="MODIFIED_LABELS") + r")"
    r"|(?P<published>" + alternation(DATE_LABELS, name="DATE_LABELS") + r")"
)
_RANGE_RE = re.compile(r"^\s*(?:~|～|—|–|-|至|到|to)\s*\S")

#: How far (characters) a label may sit before the date it introduces.
LABEL_REACH = 12
#: A dateline may hold this many letters besides its date (星期日, 来源 words are not letters here).
DATELINE_LEFTOVER = 3
#: Unlabelled datelines count only this close to the headline (above it) ...
ABOVE_TITLE_DATELINES = 3
#: ... or to the end of the body (below it: further down are lists of related links).
FOOTER_DATELINES = 2
#: A date this far after the fetch time is a typo or a future event, not a publication date.
FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date found in a line of text."""

    value: datetime
    start: int
    end: int
    has_time: bool
    #: PUBLISHED or MODIFIED when a label introduces the date, else None.
    label: str | None = None


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _build(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    hour = int(parts.get("H") or 0)
    if (parts.get("ampm") or "").lower() in ("pm", "下午") and hour < 12:
        hour += 12
    if (parts.get("ampm") or "").lower() in ("am", "上午") and hour == 12:
        hour = 0
    try:
        return datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            hour,
            int(parts.get("M") or 0),
            int(parts.get("S") or 0),
        )
    except ValueError:
        return None


def _relative(match: re.Match[str], now: datetime) -> datetime:
    if match.group("n"):
        unit = match.group("unit")
        name = _UNITS.get(unit) or (unit.rstrip("s") + "s")
        return now - timedelta(**{name: int(match.group("n"))})
    value = now - timedelta(days=RELATIVE_DATE_WORDS[match.group("word")])
    if match.group("H"):
        value = value.replace(
            hour=int(match.group("H")), minute=int(match.group("M")), second=0, microsecond=0
        )
    return value


def _label_before(text: str, start: int) -> str | None:
    head = text[max(0, start - LABEL_REACH) : start]
    labels = list(_LABEL_RE.finditer(head))
    if not labels:
        return None
    return MODIFIED if labels[-1].group("modified") else PUBLISHED


def find_dates(text: str, *, now: datetime | None = None) -> list[DateMatch]:
    """Every date in ``text`` (naive, in the page's zone), in order; ranges and copyright lines skipped.

    ``now`` (aware) resolves relative forms; without it they are ignored.
    """
    text = _normalize(text)
    if DATE_NOISE_RE.search(text):
        return []
    found: list[DateMatch] = []
    taken: list[range] = []
    for regex in ABSOLUTE_RES:
        for match in regex.finditer(text):
            if any(match.start() in span for span in taken):
                continue
            value = _build(match)
            if value is None:
                continue
            taken.append(range(match.start(), match.end()))
            found.append(
                DateMatch(
                    value,
                    match.start(),
                    match.end(),
                    bool(match.group("H")),
                    _label_before(text, match.start()),
                )
            )
    if now is not None and not found:
        for match in _RELATIVE_RE.finditer(text):
            value = _relative(match, now).replace(tzinfo=None)
            found.append(
                DateMatch(value, match.start(), match.end(), True, _label_before(text, match.start()))
            )
    found.sort(key=lambda m: m.start)
    return _drop_ranges(text, found)


def _drop_ranges(text: str, found: list[DateMatch]) -> list[DateMatch]:
    ranged: set[int] = set()
    for first, second in pairwise(found):
        if _RANGE_RE.match(text[first.end : second.start + 1]) and second.start - first.end <= 4:
            ranged.update((first.start, second.start))
    return [m for m in found if m.start not in ranged]


def localize(value: datetime, tz: ZoneInfo) -> datetime:
    """Attach the site's zone to a naive date (aware dates are kept as they are)."""
    return value if value.tzinfo else value.replace(tzinfo=tz)


def parse_date(text: str | None, *, tz: ZoneInfo, now: datetime | None = None) -> datetime | None:
    """The first date in ``text`` as an aware datetime, or None."""
    if not text:
        return None
    iso = _parse_iso(text.strip())
    if iso is not None:
        return localize(iso, tz)
    local_now = now.astimezone(tz) if now is not None else None
    matches = find_dates(text, now=local_now)
    return localize(matches[0].value, tz) if matches else None


#: Structured publication dates: <meta> names/properties and itemprop, most specific first.
STRUCTURED_XPATHS = (
    '//meta[@property="article:published_time" or @name="article:published_time"]/@content',
    '//meta[translate(@name,"PUBDATE","pubdate")="pubdate" or translate(@name,"PUBLISHDATE","publishdate")='
    '"publishdate" or @name="publish_date" or @name="publishdate" or @name="firstpublishedtime"'
    ' or @name="DC.date.issued" or @name="dc.date.issued" or @name="sailthru.date"]/@content',
    '//*[@itemprop="datePublished"]/@content | //*[@itemprop="datePublished"]/@datetime',
)
_JSONLD_DATE_RE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


def structured_date(tree: HtmlElement) -> str | None:
    """The publication date a page declares in its metadata (<meta>, itemprop, JSON-LD), as printed."""
    for xpath in STRUCTURED_XPATHS:
        for value in tree.xpath(xpath):
            if str(value).strip():
                return str(value).strip()
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        match = _JSONLD_DATE_RE.search(script)
        if match:
            return match.group(1)
    return None


def _parse_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _plausible(value: datetime, tz: ZoneInfo, now: datetime | None) -> bool:
    if value.year < 1990:
        return False
    return now is None or localize(value, tz) <= now + FUTURE_SLACK


def is_dateline(line: str) -> bool:
    """True when ``line`` is a date and little else ("2022年02月13日", "发布时间：2022-02-13 07:00")."""
    rest = _normalize(line)
    for match in reversed(find_dates(rest)):
        rest = rest[: match.start] + rest[match.end :]
    if len(rest) == len(_normalize(line)):
        return False
    rest = _LABEL_RE.sub("", rest)
    rest = " ".join(token for token in re.split(r"[\s|｜丨]+", rest) if not OUTLET_RE.search(token))
    return len(re.findall(r"[^\W\d_]", rest)) <= DATELINE_LEFTOVER


def _from_lines(
    lines: Iterable[str],
    *,
    tz: ZoneInfo,
    now: datetime | None,
    labelled_only: bool = False,
    datelines: int = 10**6,
) -> tuple[datetime | None, datetime | None]:
    """(published, modified) from a block of lines: a labelled date first, else the first date.

    With ``labelled_only``, an unlabelled date counts only on a line of its own (a dateline),
    and only in the first ``datelines`` lines.
    """
    local_now = now.astimezone(tz) if now is not None else None
    first: datetime | None = None
    modified: datetime | None = None
    labelled: datetime | None = None
    for number, line in enumerate(lines):
        for match in find_dates(line, now=local_now):
            if not _plausible(match.value, tz, now):
                continue
            if match.label == MODIFIED:
                modified = modified or localize(match.value, tz)
            elif match.label == PUBLISHED:
                labelled = labelled or localize(match.value, tz)
            elif first is None and (not labelled_only or (number < datelines and is_dateline(line))):
                first = localize(match.value, tz)
        if labelled is not None:
            return labelled, modified
    return first, modified


@dataclass(frozen=True, slots=True)
class DateEvidence:
    """Where dates may be found, best first (each optional)."""

    #: Text of the profile's date selector.
    selector: str = ""
    #: Lines between the headline and the body (the article's own date line lives here).
    header: tuple[str, ...] = ()
    #: Dates from structured metadata (<meta> published_time/PubDate, JSON-LD datePublished).
    structured: str | None = None
    #: The few lines just above the headline (some portals print the date line there).
    above_title: tuple[str, ...] = ()
    #: Lines right after the body (blog footers: "posted @ 2004-12-27 12:40").
    footer: tuple[str, ...] = ()
    #: First and last lines of the body (a dateline or a labelled date; prose dates never).
    body_edges: tuple[str, ...] = ()
    #: trafilatura's/htmldate's guess.
    guess: str | None = None
    #: Lines of the whole page: a guess whose day is printed nowhere in them is not taken
    #: (htmldate turns "1998年3月号" into 1998-01-01); empty = no check.
    page_lines: tuple[str, ...] = ()
    #: Trust the guess before the page's lines (htmldate is made for Western pages; Chinese
    #: portals print their date line in forms it misreads).
    guess_first: bool = False


def _guess(evidence: DateEvidence, tz: ZoneInfo, now: datetime) -> datetime | None:
    value = parse_date(evidence.guess, tz=tz, now=now)
    if value is None or not _plausible(value, tz, now):
        return None
    if evidence.page_lines:
        printed = {m.value.date() for line in evidence.page_lines for m in find_dates(line)}
        structured = parse_date(evidence.structured, tz=tz, now=now)
        if value.date() not in printed and (structured is None or structured.date() != value.date()):
            return None
    return value


def published_date(
    evidence: DateEvidence, *, tz: ZoneInfo, now: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """(published_at, modified_at) from the evidence, taking the first source that has a date."""
    now = now or datetime.now(UTC)
    if evidence.selector:
        value = parse_date(evidence.selector, tz=tz, now=now)
        if value is not None:
            return value, None
    structured = parse_date(evidence.structured, tz=tz, now=now)
    if structured is not None and not _plausible(structured, tz, now):
        structured = None
    guess = _guess(evidence, tz, now)
    modified: datetime | None = None
    steps: list[tuple[tuple[str, ...], bool, int] | datetime | None] = [
        guess if evidence.guess_first else None,
        structured,
        (evidence.header, False, 0),
        (evidence.above_title, True, ABOVE_TITLE_DATELINES),
        (evidence.body_edges, True, len(evidence.body_edges)),
        (evidence.footer, True, FOOTER_DATELINES),
        guess,
    ]
    if not evidence.guess_first:  # on CJK pages the printed date line beats <meta>
        steps[1], steps[2] = steps[2], steps[1]
    for step in steps:
        if isinstance(step, datetime):
            return step, modified
        if isinstance(step, tuple):
            lines, labelled_only, datelines = step
            published, later = _from_lines(
                lines, tz=tz, now=now, labelled_only=labelled_only, datelines=datelines
            )
            modified = modified or later
            if published is not None:
                return published, modified
    return None, modified
