"""Publication dates: parse the forms Chinese portals print, and prefer the article's own date line.

Forms: ``2022年2月13日 07:00``, ``2022-02-13 07:00:00``, ``2022/02/13``, ``2022.02.13``,
``9/17/2004 5:54:13 AM`` (ASP.NET's default), and relative ones (刚刚, 5分钟前, 3小时前,
昨天 08:00, 前天) resolved against the fetch time. A date printed without a zone is in the
site's zone (the profile's, Asia/Shanghai by default).

Which date is the article's: the date line between the headline and the body first (a
``发布时间：`` label wins over an unlabelled date), then structured metadata, then the lines
right after the body, then the edges of the body itself, then trafilatura's guess; dates in
copyright lines, ranges (``2005-3-30 ~ 2005-3-31``) and dates after the fetch are never taken.
On a Western page, a day only its metadata names is not taken when the page prints it nowhere
(a recipe or an "about us" page shows no date; its CMS still declares one).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler.extract.evidence import Candidate, Choice
from crawler.extract.patterns import (
    DATE_LABELS,
    DATE_NOISE_RE,
    GENERIC_DATE_LABELS,
    MODIFIED_LABELS,
    MONTH_NAMES,
    OUTLET_RE,
    RELATIVE_DATE_WORDS,
    SCRIPT_DATE_KEYS,
    SCRIPT_TIMESTAMP_KEYS,
    SECTION_HEADING_RE,
    alternation,
)
from crawler.extract.structured import jsonld_objects

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
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
#: The end of a year: no digit follows, unless a day or a clock time glued to it ("3. März
#: 20215. März 2021", "9 de junio de 202118:45 hs": two <time>s, or a date and a time, whose
#: markup runs together).
_YEAR_END = r"(?!\d(?!\d?[.:/]))"
#: ... and the start of the day glued to such a year or clock time ("…:0024. März 2021").
_GLUED = r"|(?<=(?:19|20)\d\d)|(?<=:[0-5]\d)"
_MONTH_WORDS = (
    *("january", "february", "march", "april", "may", "june", "july", "august", "september"),
    *("october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept"),
    *("sep", "oct", "nov", "dec"),
)
_MONTHS = alternation(_MONTH_WORDS, name="MONTH_WORDS") + r"\b"
#: A clock time after an English date: ", 10:22 PM", " at 10:22".
_CLOCK = (
    r"(?:,?\s{0,3}(?:at\s{1,3})?(?P<H>[01]?\d|2[0-3]):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?"
    r"(?:\s{0,2}(?P<ampm>AM|PM|am|pm))?)?"
)
#: A clock time after a European date: " 14:30", ", 14.30 Uhr", " um 14:30", " à 14h30", " - 14:30".
_EU_CLOCK = (
    r"(?:,?\s{0,3}(?:um|à|a las|alle|om|at|-|–|\|)?\s{0,3}(?P<H>[01]?\d|2[0-3])[:.h](?P<M>[0-5]\d)"
    r"(?::(?P<S>[0-5]\d))?(?:\s{0,2}Uhr)?)?"
)
#: Absolute forms, tried in this order at every position.
ABSOLUTE_RES = (
    re.compile(_YEAR + r"\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号]?" + _TIME),
    re.compile(
        _YEAR + r"(?P<sep>[-/.])(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)" + _TIME
    ),
    re.compile(r"(?<![\d/])(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/" + _YEAR + _TIME + _AMPM),
    # English month names: "Aug 1, 2005", "August 1st, 2005 10:22 PM", "1 August 2005"
    re.compile(
        r"\b(?P<mon>"
        + _MONTHS
        + r")\.?\s{0,3}(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?,?\s{0,3}"
        + _YEAR
        + _YEAR_END
        + _CLOCK,
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:(?<!\d)"
        + _GLUED
        + r")(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\.?\s{0,3}(?P<mon>"
        + _MONTHS
        + r")\.?,?\s{0,3}"
        + _YEAR
        + _YEAR_END
        + _CLOCK,
        re.IGNORECASE,
    ),
    # European day first: 17.01.2022, 17.1.2022 14:30, 27/01/2022 (only when the day cannot be a month)
    re.compile(
        r"(?:(?<![\d.])"
        + _GLUED
        + r")(?P<d>3[01]|[12]\d|0?[1-9])\.\s?(?P<m>1[0-2]|0?[1-9])\.\s?"
        + _YEAR
        + r"(?!\.\d)"
        + _YEAR_END
        + _EU_CLOCK
    ),
    re.compile(
        r"(?:(?<![\d/])"
        + _GLUED
        + r")(?P<d>1[3-9]|2\d|3[01])/(?P<m>1[0-2]|0?[1-9])/"
        + _YEAR
        + _YEAR_END
        + _EU_CLOCK
    ),
    # European month names: "17. Januar 2022", "3 février 2021", "5 de marzo de 2020"
    re.compile(
        r"(?:(?<!\d)"
        + _GLUED
        + r")(?P<d>3[01]|[12]\d|0?[1-9])\.?\s{0,3}(?:de\s{1,3})?(?P<mon>"
        + alternation(tuple(MONTH_NAMES), name="MONTH_NAMES")
        + r")\.?,?\s{0,3}(?:del?\s{1,3})?"
        + _YEAR
        + _YEAR_END
        + _EU_CLOCK,
        re.IGNORECASE,
    ),
    # Chinese numerals, as official documents date themselves: 二〇二二年二月十一日
    re.compile(
        r"(?P<cy>[〇零○一二三四五六七八九]{4})\s{0,2}年\s{0,2}(?P<cm>十[一二]?|[一二三四五六七八九])\s{0,2}月"
        r"\s{0,2}(?P<cd>三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])\s{0,2}[日号]"
    ),
)
_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_RELATIVE_RE = re.compile(
    r"(?P<n>\d{1,3})\s*(?P<unit>秒|分钟|小时|天|minutes?|hours?|days?)\s*(?:前|ago)"
    r"|(?P<word>" + alternation(tuple(RELATIVE_DATE_WORDS), name="RELATIVE_DATE_WORDS") + r")"
    r"(?:\s*(?P<H>[01]?\d|2[0-3])\s*[:：]\s*(?P<M>[0-5]\d))?"
)
#: A character every absolute date holds (a digit, after NFKC, or the 年 of 二〇二二年).
_DATE_HINT_RE = re.compile(r"[0-9年]")
_UNITS = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}
_LABEL_RE = re.compile(
    r"(?P<modified>" + alternation(MODIFIED_LABELS, name="MODIFIED_LABELS") + r")"
    r"|(?P<published>" + alternation(DATE_LABELS, name="DATE_LABELS") + r")"
)
_RANGE_RE = re.compile(r"^\s*(?:~|～|—|–|-|至|到|to)\s*\S")
#: The first day of a range whose end the date is: "4-18 Mar 2019", "7. - 13. Februar 2022",
#: "2. bis 16. Mai 2019" (an event's or a report's span, not a day of publication).
_DAY_RANGE_START_RE = re.compile(
    r"(?<![\d.])(?P<d>3[01]|[12]\d|0?[1-9])"
    r"(?:\.?[-–—]|\.\s{1,2}[-–—]\s{1,2}|\.?\s{1,2}(?:bis|to|au|al|till)\s{1,2})$"
)
#: Characters before a date read for the start of such a range.
DAY_RANGE_REACH = 12

#: How far (characters) a label may sit before the date it introduces.
LABEL_REACH = 24
#: A dateline may hold this many letters besides its date (星期日, 来源 words are not letters here).
DATELINE_LEFTOVER = 3
#: A date beside a name or a place ("Bettina Kugler 19.10.2019"): at most these words and letters.
CREDITED_DATELINE_WORDS = 3
CREDITED_DATELINE_LETTERS = 24
_WORD_SPLIT_RE = re.compile(r"[\s|｜丨•·,/–—-]+")
_LETTER_RE = re.compile(r"[^\W\d_]")
_HAN_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
#: Unlabelled datelines count only this close to the headline (above it) ...
ABOVE_TITLE_DATELINES = 3
#: ... or to the end of the body (below it: further down are lists of related links).
FOOTER_DATELINES = 2
#: A date opening one of the body's first lines is its dateline ("27.1.2022 – Bei der …"); the
#: lead may follow a subheading and a byline.
LEAD_DATELINES = 3
#: A date after the fetch time is a typo, a future event or a wrong zone, never a publication date.
FUTURE_SLACK = timedelta(0)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date found in a line of text."""

    value: datetime
    start: int
    end: int
    has_time: bool
    #: PUBLISHED or MODIFIED when a label introduces the date, else None.
    label: str | None = None
    #: 刚刚, 3小时前, 昨天: counted only opening a line or on a date line ("会议昨天召开" is prose).
    relative: bool = False


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _chinese_number(text: str) -> int:
    """十 -> 10, 十一 -> 11, 二十三 -> 23, 七 -> 7."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _ymd(parts: dict[str, str | None]) -> tuple[int, int, int]:
    if parts.get("cy"):
        year = int("".join(str(_CN_DIGITS[c]) for c in parts["cy"] or ""))
        return year, _chinese_number(parts["cm"] or ""), _chinese_number(parts["cd"] or "")
    if parts.get("mon"):
        name = (parts["mon"] or "").lower()
        month = MONTH_NAMES.get(name) or _MONTH_NUMBERS[name[:3]]
    else:
        month = int(parts["m"] or 0)
    return int(parts["y"] or 0), month, int(parts["d"] or 0)


def _build(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    hour = int(parts.get("H") or 0)
    if (parts.get("ampm") or "").lower() in ("pm", "下午") and hour < 12:
        hour += 12
    if (parts.get("ampm") or "").lower() in ("am", "上午") and hour == 12:
        hour = 0
    try:
        return datetime(
            *_ymd(parts),
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


def find_dates(text: str, *, now: datetime | None = None, stamps: bool = False) -> list[DateMatch]:
    """Every date in ``text`` (naive, in the page's zone), in order; ranges and copyright lines skipped.

    ``now`` (aware) resolves relative forms; without it they are ignored. ``stamps`` reads
    copyright lines too (whether a page prints a day, not which day is the article's).
    """
    text = _normalize(text)
    if not stamps and DATE_NOISE_RE.search(text):
        return []
    found: list[DateMatch] = []
    taken: list[range] = []
    # every absolute form holds a digit or a Chinese numeral year: most lines are skipped at once
    for regex in ABSOLUTE_RES if _DATE_HINT_RE.search(text) else ():
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
                    bool(match.groupdict().get("H")),
                    _label_before(text, match.start()),
                )
            )
    if now is not None and not found:
        for match in _RELATIVE_RE.finditer(text):
            value = _relative(match, now).replace(tzinfo=None)
            found.append(
                DateMatch(value, match.start(), match.end(), True, _label_before(text, match.start()), True)
            )
    found.sort(key=lambda m: m.start)
    return _drop_ranges(text, found)


def _drop_ranges(text: str, found: list[DateMatch]) -> list[DateMatch]:
    ranged: set[int] = set()
    for first, second in pairwise(found):
        if _RANGE_RE.match(text[first.end : second.start + 1]) and second.start - first.end <= 4:
            ranged.update((first.start, second.start))
    for match in found:
        start = _DAY_RANGE_START_RE.search(text[max(0, match.start - DAY_RANGE_REACH) : match.start])
        if start is not None and int(start.group("d")) < match.value.day:
            ranged.add(match.start)
    return [m for m in found if m.start not in ranged]


def localize(value: datetime, tz: ZoneInfo) -> datetime:
    """Attach the site's zone to a naive date (aware dates are kept as they are)."""
    return value if value.tzinfo else value.replace(tzinfo=tz)


def parse_date(text: str | None, *, tz: ZoneInfo, now: datetime | None = None) -> datetime | None:
    """The first date in ``text`` as an aware datetime, or None."""
    if not text:
        return None
    iso = _parse_iso(text.strip()) or _zoned_rfc2822(text.strip())
    if iso is not None:
        return localize(iso, tz)
    local_now = now.astimezone(tz) if now is not None else None
    matches = find_dates(text, now=local_now)
    return localize(matches[0].value, tz) if matches else None


#: <meta> names/properties (lowercased) that state the publication date, with their weight:
#: article:published_time and friends are written for this; a bare "date" is often the page's.
META_PUBLISHED = {
    "article:published_time": 0.9,
    "og:article:published_time": 0.9,
    "og:published_time": 0.9,
    "datepublished": 0.9,
    "pubdate": 0.85,
    "publishdate": 0.85,
    "publish_date": 0.85,
    "publish-date": 0.85,
    "publication_date": 0.85,
    "firstpublishedtime": 0.85,
    "dc.date.issued": 0.8,
    "dcterms.issued": 0.8,
    "dcterms.created": 0.75,
    "sailthru.date": 0.75,
    "parsely-pub-date": 0.8,
    "article.published": 0.8,
    "date": 0.6,
    "dc.date": 0.6,
}
#: <meta> names/properties that state the last modification.
META_MODIFIED = ("article:modified_time", "og:updated_time", "datemodified", "lastmod", "last-modified")
#: Weight of a hidden input and of script data naming the publication time (pubtime, publish_time ...).
HIDDEN_INPUT_WEIGHT = 0.8
SCRIPT_WEIGHT = 0.7
#: Inline script text read for such data (characters).
MAX_SCRIPT_CHARS = 300_000
#: A date or a Unix timestamp assigned in a script ("pubtime": "2019-09-07 19:02:26", ct = "1581517074"):
#: found by its value first (rare), then its key is read just before it.
_SCRIPT_VALUE_RE = re.compile(
    r"""[:=]\s{0,3}["']?"""
    r"""(?P<value>(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}[^"'<>,;\n]{0,20}|1\d{9}(?:\d{3})?(?!\d))"""
)
_SCRIPT_KEY_RE = re.compile(
    r"""(?<![\w$])(?:(?P<key>"""
    + alternation(SCRIPT_DATE_KEYS, name="SCRIPT_DATE_KEYS")
    + r")|(?P<stamp>"
    + alternation(SCRIPT_TIMESTAMP_KEYS, name="SCRIPT_TIMESTAMP_KEYS")
    + r"""))["']?\s{0,3}$""",
    re.IGNORECASE,
)
#: Characters before a value read for its key.
SCRIPT_KEY_REACH = 40
#: Weight of JSON-LD/microdata datePublished (schema.org, written for machines).
STRUCTURED_WEIGHT = 0.9
#: Containers whose dates belong to something else than the article (class/id words).
#: Containers of readers' comments and reviews (class/id words): their dates are the commenters'.
_COMMENTS_RE = re.compile(r"comment(?!ary)|repl(?:y|ies)", re.I)
_ASIDE_RE = re.compile(r"comment|related|sidebar|recommend|widget|footer|aside|reply|rail|promo", re.I)
_URL_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/_]?(?P<m>0[1-9]|1[0-2])[-/_]?(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)


@dataclass(frozen=True, slots=True)
class StructuredDates:
    """Dates a page declares for machines: (printed value, source, weight) each, best first."""

    published: tuple[tuple[str, str, float], ...] = ()
    modified: tuple[str, ...] = ()
    #: <time datetime> elements of the article (not of comments or sidebars).
    time_elements: tuple[tuple[str, float], ...] = ()


def _marker(node: HtmlElement) -> str:
    """An element's class and id, where templates name what a container holds."""
    return f"{node.get('class') or ''} {node.get('id') or ''}"


def _is_aside(element: HtmlElement) -> bool:
    for node in element.iterancestors():
        if node.tag in ("aside", "footer") or _ASIDE_RE.search(_marker(node)):
            return True
    return False


def structured_dates(tree: HtmlElement, jsonld: list[dict[str, Any]] | None = None) -> StructuredDates:
    """What the page's metadata says: <meta>, JSON-LD, microdata, <time datetime>.

    ``jsonld``: the page's ``jsonld_objects`` when read already (parsed once per page).
    """
    published: list[tuple[str, str, float]] = []
    modified: list[str] = []
    for obj in jsonld_objects(tree) if jsonld is None else jsonld:
        value = obj.get("datePublished") or obj.get("dateCreated")
        if isinstance(value, str) and value.strip():
            published.append((value.strip(), "json-ld", STRUCTURED_WEIGHT))
        if isinstance(obj.get("dateModified"), str):
            modified.append(obj["dateModified"].strip())
    for node in tree.xpath("//@itemprop[.='datePublished']/..")[:5]:  # from the attribute up: faster
        value = node.get("content") or node.get("datetime") or node.text_content()
        if value and value.strip() and not _is_aside(node):  # a comment's or a review's own date
            published.append((value.strip()[:60], "microdata", STRUCTURED_WEIGHT))
    for node in tree.xpath("//meta[@content]")[:400]:
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        value = (node.get("content") or "").strip()
        if not value or node.get("itemprop") == "datePublished":  # read above, as microdata: one source
            continue
        if key in META_PUBLISHED:
            published.append((value[:60], "meta", META_PUBLISHED[key]))
        elif key in META_MODIFIED:
            modified.append(value[:60])
    published.extend(_form_and_script_dates(tree))
    published.sort(key=lambda item: -item[2])
    times: list[tuple[str, float]] = []
    for node in tree.xpath("//time[@datetime]")[:30]:
        if _is_aside(node):
            continue
        in_article = any(a.tag == "article" for a in node.iterancestors())
        weight = 0.75 if node.get("pubdate") is not None or in_article else 0.6
        times.append((node.get("datetime").strip()[:60], weight))
    return StructuredDates(tuple(published), tuple(modified), tuple(times[:3]))


def _timestamp(value: str) -> str:
    """A Unix timestamp (seconds or milliseconds) as an ISO date in UTC."""
    seconds = int(value[:10])
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def _form_and_script_dates(tree: HtmlElement) -> list[tuple[str, str, float]]:
    """Publication times kept for scripts: hidden inputs (name="pubtime") and inline script data."""
    found: list[tuple[str, str, float]] = []
    keys = {k.lower() for k in SCRIPT_DATE_KEYS}
    for node in tree.iter("input"):
        name = (node.get("name") or node.get("id") or "").strip().lower()
        value = (node.get("value") or "").strip()
        if name in keys and value and (node.get("type") or "").lower() == "hidden":
            found.append((value[:60], "hidden-input", HIDDEN_INPUT_WEIGHT))
    budget = MAX_SCRIPT_CHARS
    for script in tree.iter("script"):
        text = script.text or ""
        if script.get("src") or not text or (script.get("type") or "").endswith("ld+json"):
            continue
        text, budget = text[:budget], budget - len(text)
        for match in _SCRIPT_VALUE_RE.finditer(text):
            key = _SCRIPT_KEY_RE.search(text, max(0, match.start() - SCRIPT_KEY_REACH), match.start())
            if key is None:
                continue
            value = match.group("value")
            if value.isdigit():
                found.append((_timestamp(value), "script", SCRIPT_WEIGHT))
            elif key.group("key"):
                found.append((value.strip()[:60], "script", SCRIPT_WEIGHT))
            if len(found) >= 5:
                return found
        if budget <= 0:
            break
    return found


def url_date(url: str | None) -> datetime | None:
    """The day a URL path names (/2005/07/31/, /2005-03-21/, t20220213_123.html), or None."""
    if not url:
        return None
    path = urlsplit(url).path
    for match in _URL_DATE_RE.finditer(path):
        try:
            return datetime(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        except ValueError:
            continue
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


@lru_cache(maxsize=256)  # asked for each date of a line: a line of hundreds of dates is read once
def _beside_date(line: str) -> tuple[str, ...] | None:
    """The words of ``line`` beside its dates and labels (outlets dropped); None when it has no date."""
    rest = _normalize(line)
    for match in reversed(find_dates(rest)):
        rest = rest[: match.start] + rest[match.end :]
    if len(rest) == len(_normalize(line)):
        return None
    rest = _LABEL_RE.sub("", rest)
    return tuple(token for token in _WORD_SPLIT_RE.split(rest) if token and not OUTLET_RE.search(token))


def _letters(words: tuple[str, ...]) -> int:
    return sum(len(_LETTER_RE.findall(word)) for word in words)


def is_dateline(line: str) -> bool:
    """True when ``line`` is a date and little else ("2022年02月13日", "发布时间：2022-02-13 07:00")."""
    words = _beside_date(line)
    return words is not None and _letters(words) <= DATELINE_LEFTOVER


#: A line is a sentence (not a date line or an info bar) from this length, with this many words of
#: an alphabet or a full stop or comma of CJK text.
SENTENCE_CHARS = 50
SENTENCE_WORDS = 8
_CJK_SENTENCE_RE = re.compile(r"[。，；！？]")


def in_sentence(line: str) -> bool:
    """True when ``line`` is prose, not a date line or an info bar ("2022-02-13 07:00 来源：… 作者：…")."""
    text = line.strip()
    if len(text) < SENTENCE_CHARS or is_credited_dateline(text):
        return False
    return len(text.split()) >= SENTENCE_WORDS or bool(_CJK_SENTENCE_RE.search(text))


def is_credited_dateline(line: str) -> bool:
    """A date beside a few words (a name, a place, an outlet), or a date and little else.

    "Bettina Kugler 19.10.2019, 05:00 Uhr", "Handball Schweiz • 02.02.2022", "Bonn, 11.10.2021".

    Words of an alphabet only: Chinese runs no spaces through a phrase (由某某张贴 @ date is a post's).
    """
    words = _beside_date(line)
    if words is None:
        return False
    named = [word for word in words if _LETTER_RE.search(word)]
    return _letters(words) <= DATELINE_LEFTOVER or (
        len(named) <= CREDITED_DATELINE_WORDS
        and _letters(words) <= CREDITED_DATELINE_LETTERS
        and not any(_HAN_RE.search(word) for word in named)
    )


def label_only(line: str) -> str | None:
    """PUBLISHED or MODIFIED when ``line`` is a date label and nothing else, else None.

    Table layouts put "发布日期：" in a cell of its own and the date in the next one.
    """
    text = _normalize(line).strip()
    if len(text) > 20:
        return None
    stripped = text.strip(" \t:|｜【】[]")
    match = _LABEL_RE.fullmatch(stripped)
    # without its colon only a label that says "published" ("Mise en ligne" over its date):
    # "时间" or "Date" alone is a menu item or a table's column head
    if match is None or (not text.endswith(":") and stripped in GENERIC_DATE_LABELS):
        return None
    return MODIFIED if match.group("modified") else PUBLISHED


@dataclass(frozen=True, slots=True)
class LinesDate:
    """The date a block of lines gives, and how it was printed."""

    published: datetime | None = None
    modified: datetime | None = None
    #: A label (发布时间：) introduced it.
    labelled: bool = False
    #: A relative form (昨天, 3小时前): only as right as the fetch time it was resolved against.
    relative: bool = False
    #: The line it was read from.
    line: str = ""


def _from_lines(
    lines: Iterable[str],
    *,
    tz: ZoneInfo,
    now: datetime | None,
    labelled_only: bool = False,
    datelines: int = 10**6,
    openers: int = 0,
) -> LinesDate:
    """The date of a block of lines: a labelled date first, else the first date.

    With ``labelled_only``, an unlabelled date counts only on a line of its own (a dateline),
    and only in the first ``datelines`` lines, or opening one of the first ``openers`` lines
    (a lead's dateline: "27.1.2022 – Bei der Erinnerung …").
    """
    local_now = now.astimezone(tz) if now is not None else None
    first: tuple[datetime, bool, str] | None = None
    first_dateline: tuple[datetime, bool, str] | None = None
    labelled: tuple[datetime, bool, str] | None = None
    modified: datetime | None = None
    pending: str | None = None
    for number, line in enumerate(lines):
        carried, pending = pending, label_only(line)
        if pending:
            continue
        for match in find_dates(line, now=local_now):
            if not _plausible(match.value, tz, now):
                continue
            label = match.label or (carried if match.start <= 1 else None)
            if label == MODIFIED:
                modified = modified or localize(match.value, tz)
                continue
            if label == PUBLISHED:
                labelled = labelled or (localize(match.value, tz), match.relative, line)
                continue
            counts = (
                not labelled_only
                or (number < datelines and is_credited_dateline(line))
                or (number < openers and match.start <= 1 and not match.relative)
            ) and (not match.relative or match.start <= 1 or is_dateline(line))
            if counts and first is None:
                first = (localize(match.value, tz), match.relative, line)
            if counts and first_dateline is None and not match.relative and is_dateline(line):
                first_dateline = (localize(match.value, tz), match.relative, line)
        if labelled is not None:  # the rest of its line was read too (更新时间 after 发布时间)
            return LinesDate(labelled[0], modified, True, labelled[1], labelled[2])
    # a date line of its own beats a date inside other text (a related article's "2023-04-01 标题")
    first = first_dateline or first
    if first is None:
        return LinesDate(modified=modified)
    return LinesDate(first[0], modified, False, first[1], first[2])


@dataclass(frozen=True, slots=True)
class DateEvidence:
    """Where dates may be found (each optional)."""

    #: Text of the profile's date selector.
    selector: str = ""
    #: Lines between the headline and the body (the article's own date line lives here).
    header: tuple[str, ...] = ()
    #: Dates from structured metadata (<meta> published_time/PubDate, JSON-LD datePublished).
    structured: str | None = None
    #: All of the page's machine-readable dates (``structured_dates``); ``structured`` is kept
    #: for callers that only have one printed value.
    declared: StructuredDates | None = None
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
    #: htmldate without its free-text search (markup, <meta>, URL only): on Western pages the
    #: best single source; its extensive guess (``guess``) is then a weak one.
    strict_guess: str | None = None
    #: Trust the guess before the page's lines (htmldate is made for Western pages; Chinese
    #: portals print their date line in forms it misreads).
    guess_first: bool = False
    #: The page's URL (a day in its path is weak evidence, and corroboration).
    url: str | None = None
    #: The Last-Modified response header: the last resort (servers stamp pages they rebuild).
    last_modified: str | None = None
    #: Lines at the place of the site's learned date line (``SiteTemplate``).
    learned: tuple[str, ...] = ()
    #: The element holding each of ``page_lines`` (a commenter's date is told by its container).
    line_elements: tuple[HtmlElement, ...] = ()


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """One date the page offers for its publication, with where it was found and how far it is trusted."""

    value: datetime
    source: str
    weight: float
    has_time: bool = True
    #: What it was read from (the line, the meta value), for ``--explain``.
    evidence: str = ""
    #: Printed with its zone (…Z, +01:00) or a Unix timestamp: one moment, whatever the site's zone.
    zoned: bool = False


@dataclass(frozen=True, slots=True)
class DateChoice:
    """The chosen publication date, where it came from and how sure we are (0..1)."""

    published: datetime | None = None
    modified: datetime | None = None
    source: str | None = None
    confidence: float | None = None
    candidates: tuple[DateCandidate, ...] = ()
    #: Why the day won (or why there is no date).
    reason: str = ""
    #: "month" when only the month is known (``published`` is its first day), else None.
    precision: str | None = None

    def explained(self) -> Choice:
        """The choice as ``--explain`` prints it."""
        choice = Choice("date", self.published, self.source, self.confidence, reason=self.reason)
        for candidate in sorted(self.candidates, key=lambda c: -c.weight):
            choice.candidates.append(
                Candidate(candidate.value, candidate.source, candidate.weight, evidence=candidate.evidence)
            )
        return choice


#: Weights of the printed evidence. On Chinese pages the article's own date line beats
#: <meta> (portals fill PubDate with the CMS's time); on Western pages htmldate comes first. A
#: dateline just above the headline is printed for the reader too: above htmldate's reading of
#: the markup, below a date line under the headline and the page's own datePublished.
LINE_WEIGHTS = {
    "selector": 1.0,
    "learned": 0.97,
    "date-line-label": 0.95,
    "date-line": 0.88,
    "date-in-text": 0.5,
    "above-title": 0.86,
    "body-edge": 0.55,
    "footer": 0.6,
    "labelled-elsewhere": 0.8,
}
#: htmldate's reading of a Western page's markup (<meta>, JSON-LD, <time>, date classes, the URL):
#: the best single source when the page states nothing else, but a reading of the same markup,
#: so below a date line printed under the headline and the page's own datePublished.
GUESS_WEIGHT_WESTERN = 0.85
#: What htmldate's pick adds to a day another source names: it breaks ties, it does not agree.
TIE_BREAK = 0.01
#: A relative date (昨天, 3小时前) is only as right as the fetch time it was resolved against (a
#: saved page read later has none): below what the page's metadata and scripts state.
RELATIVE_WEIGHT = 0.65
#: htmldate's free-text search when its markup search found nothing: often a sidebar's date.
GUESS_WEIGHT_FREE_TEXT = 0.4
URL_WEIGHT = 0.5
LAST_MODIFIED_WEIGHT = 0.15
#: Confidence of an update date taken for the publication when the page states nothing else.
MODIFIED_CONFIDENCE = 0.3
#: Confidence of a magazine issue's month ("1998年3月号") when the page states no day.
ISSUE_MONTH_CONFIDENCE = 0.5
#: A magazine issue named by its month: 1998年3月号, 2001年10月刊.
_ISSUE_MONTH_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s{0,2}年\s{0,2}(?P<m>1[0-2]|0?[1-9])\s{0,2}月\s{0,2}[号刊]"
)


def issue_month(lines: Iterable[str], *, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The first day of the month of a magazine issue the lines name (the article's only date), or None."""
    for line in lines:
        match = _ISSUE_MONTH_RE.search(_normalize(line)) if "月" in line else None
        if match is not None:
            value = localize(datetime(int(match.group("y")), int(match.group("m")), 1), tz)
            if _plausible(value, tz, now):
                return value
    return None


#: On CJK pages <meta>/JSON-LD weigh this much less than their own weight (below the date line).
CJK_STRUCTURED_PENALTY = 0.1
#: Each other source naming the same day adds this much (at most ``MAX_AGREEING`` of them).
AGREEMENT_BONUS = 0.05
MAX_AGREEING = 2
#: Sources that never corroborate another one (a server's rebuild time, a guess built from the
#: page's own metadata).
_NOT_CORROBORATING = frozenset({"last-modified", "htmldate", "htmldate-guess"})
#: Readings of the page's markup by htmldate, not sources of their own.
_DERIVED = frozenset({"htmldate", "htmldate-guess"})
#: Sources never taken alone: htmldate's free-text guess only adds to a day another source names.
_NOT_ALONE = frozenset({"htmldate-guess"})


def _guess(evidence: DateEvidence, tz: ZoneInfo, now: datetime) -> datetime | None:
    value = parse_date(evidence.guess, tz=tz, now=now)
    if value is None or not _plausible(value, tz, now):
        return None
    if evidence.page_lines and not printed_on_page(value.date(), evidence.page_lines):
        declared = [evidence.structured] + [
            v for v, _, _ in (evidence.declared or StructuredDates()).published
        ]
        structured = {d.astimezone(tz).date() for v in declared if (d := parse_date(v, tz=tz, now=now))}
        if value.date() not in structured:
            return None
    return value


#: A day with a two-digit year, as some pages print it under the headline: 28.01.22, 10/04/21
#: (a slash date either way round).
_SHORT_YEAR_RE = re.compile(
    r"(?<![\d./])(?P<a>3[01]|[12]\d|0?[1-9])(?P<sep>[./])(?P<b>3[01]|[12]\d|0?[1-9])(?P=sep)(?P<y>\d{2})(?![\d./])"
)
#: A day and a month without the year, as a date line under the headline may print them
#: ("Publicado el 23 de junio", "June 23"): the year is the page's.
_DAY_MONTH_RE = re.compile(
    r"(?<!\d)(?P<d>3[01]|[12]\d|0?[1-9])\.?\s{0,3}(?:de\s{1,3})?(?P<mon>"
    + alternation(tuple(MONTH_NAMES), _MONTH_WORDS, name="MONTH_NAMES and MONTH_WORDS")
    + r")\b(?!\.?,?\s{0,3}(?:del?\s{1,3})?\d)"
    + r"|\b(?P<mon2>"
    + alternation(_MONTH_WORDS, name="MONTH_WORDS")
    + r")\.?\s{0,3}(?P<d2>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b(?!,?\s{0,3}\d)",
    re.IGNORECASE,
)


#: A line holding the year this short may end a date the markup split over lines ("28." /
#: "Januar" / "2022" in three spans of one <time>): it is also read with the two lines before it.
SPLIT_DATE_LINE = 12


def printed_on_page(
    day: date, lines: Iterable[str], *, updates: bool = False, date_lines: Iterable[str] = ()
) -> bool:
    """True when one of ``lines`` prints ``day``, in any form read here.

    Also 02/10/2020 read either way round, 28.01.22 and 10/04/21, a day in a copyright line
    ("© 07.02.2018 - 09:41 h": the page's own stamp), and in ``date_lines`` (the lines under
    the headline) a day and month without the year: whether a reader of the page sees that day
    somewhere, not which date the line is. An update date ("last modified on …") is not it,
    unless ``updates``.
    """
    year, shorts = str(day.year), (f".{day.year % 100:02d}", f"/{day.year % 100:02d}")
    previous: list[str] = []
    for line in lines:
        if year in line:
            texts = [line]
            if len(line) <= SPLIT_DATE_LINE and previous:
                texts.append(" ".join([*previous, line]))
            if any(_prints_day(day, text, updates) for text in texts):
                return True
        elif any(short in line for short in shorts) and _prints_short_day(day, line):
            return True
        previous = [*previous[-1:], line[-SPLIT_DATE_LINE:]]
    return any(_prints_day_month(day, line) for line in date_lines)


def _prints_short_day(day: date, line: str) -> bool:
    for match in _SHORT_YEAR_RE.finditer(line):
        first, second, short = int(match.group("a")), int(match.group("b")), int(match.group("y"))
        readings = {(first, second)} if match.group("sep") == "." else {(first, second), (second, first)}
        if short == day.year % 100 and (day.day, day.month) in readings:
            return True
    return False


def _prints_day_month(day: date, line: str) -> bool:
    for match in _DAY_MONTH_RE.finditer(_normalize(line)):
        name = (match.group("mon") or match.group("mon2")).lower()
        number = MONTH_NAMES.get(name) or _MONTH_NUMBERS[name[:3]]
        if (int(match.group("d") or match.group("d2")), number) == (day.day, day.month):
            return True
    return False


def _prints_day(day: date, text: str, updates: bool = False) -> bool:
    text = _normalize(text)
    for match in find_dates(text, stamps=True):
        if (
            match.label == MODIFIED and not updates
        ):  # "last modified on …": another day than the publication's
            continue
        value = match.value.date()
        if value == day or (
            value.day <= 12
            and (value.year, value.day, value.month) == (day.year, day.month, day.day)
            and "/" in text[match.start : match.end]  # 01.11.2023 is 1 November only
        ):
            return True
    return False


def before_section(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The lines before the first comments/related-articles heading (their dates are not the article's)."""
    for index, line in enumerate(lines):
        if SECTION_HEADING_RE.match(line.strip()):
            return lines[:index]
    return lines


def _has_time(value: datetime) -> bool:
    return (value.hour, value.minute, value.second) != (0, 0, 0)


def date_candidates(
    evidence: DateEvidence, *, tz: ZoneInfo, now: datetime
) -> tuple[list[DateCandidate], datetime | None]:
    """Every plausible publication date of the page, and the modification date if one is stated."""
    found: list[DateCandidate] = []
    modified: datetime | None = None

    def add(value: datetime | None, source: str, weight: float, printed: str | None = None) -> None:
        if value is not None and _plausible(value, tz, now):
            zoned = value.tzinfo is not tz
            found.append(
                DateCandidate(value, source, round(weight, 3), _has_time(value), (printed or "")[:200], zoned)
            )

    if evidence.selector:
        add(
            parse_date(evidence.selector, tz=tz, now=now),
            "selector",
            LINE_WEIGHTS["selector"],
            evidence.selector,
        )
    penalty = 0.0 if evidence.guess_first else CJK_STRUCTURED_PENALTY
    declared = evidence.declared or StructuredDates(
        published=((evidence.structured, "meta", STRUCTURED_WEIGHT),) if evidence.structured else ()
    )
    for printed, source, weight in declared.published:
        value = parse_date(printed, tz=tz, now=now)
        if source == "script" and value is not None and not evidence.guess_first:
            value = value.astimezone(tz)  # a Unix timestamp on a Chinese portal: shown in the site's zone
        add(value, source, weight - (penalty if source != "script" else 0.0), printed)
    for printed, weight in declared.time_elements:
        add(parse_date(printed, tz=tz, now=now), "time-element", weight - penalty, printed)
    for printed in declared.modified:
        value = parse_date(printed, tz=tz, now=now)
        if value is not None and _plausible(value, tz, now):
            modified = modified or value
    blocks = (
        ("learned", evidence.learned, False, 0),
        ("date-line", evidence.header, False, 0),
        ("above-title", evidence.above_title, True, ABOVE_TITLE_DATELINES),
        ("body-edge", evidence.body_edges, True, len(evidence.body_edges)),
        ("footer", before_section(evidence.footer), True, FOOTER_DATELINES),
    )
    for source, lines, labelled_only, datelines in blocks:
        # a date opening a line: the lead's dateline, or one above the headline ("21.10.2021 - Text: …")
        openers = LEAD_DATELINES if source in ("body-edge", "above-title") else 0
        found_in = _from_lines(
            lines, tz=tz, now=now, labelled_only=labelled_only, datelines=datelines, openers=openers
        )
        modified = modified or found_in.modified
        if found_in.published is not None:
            name = "date-line-label" if source == "date-line" and found_in.labelled else source
            if name == "date-line" and in_sentence(found_in.line):
                name = "date-in-text"  # a date inside a sentence under the headline: often another event's
            weight = min(LINE_WEIGHTS[name], RELATIVE_WEIGHT) if found_in.relative else LINE_WEIGHTS[name]
            add(found_in.published, name, weight, found_in.line)
    if not found and evidence.page_lines:
        # nothing where a date line sits: a date the page labels as its publication anywhere
        # ("Mise en ligne" over "23 mai 2019" in a details box the body extractor left out),
        # before the comments or related articles (a commenter's "发表于 …" is not the article's)
        lines = before_section(evidence.page_lines)
        elsewhere = _from_lines(lines, tz=tz, now=now, labelled_only=True, datelines=0)
        if elsewhere.published is not None and elsewhere.labelled and not elsewhere.relative:
            add(elsewhere.published, "labelled-elsewhere", LINE_WEIGHTS["labelled-elsewhere"], elsewhere.line)
    if evidence.strict_guess:
        add(
            parse_date(evidence.strict_guess, tz=tz, now=now),
            "htmldate",
            GUESS_WEIGHT_WESTERN,
            evidence.strict_guess,
        )
    guess = _guess(evidence, tz, now)
    if guess is not None and (guess.month, guess.day) == (1, 1) and not _has_time(guess):
        guess = None  # htmldate's reading of a bare year ("© 2013", "1998年3月号")
    if evidence.guess_first and evidence.strict_guess is None:
        add(guess, "htmldate", GUESS_WEIGHT_WESTERN, evidence.guess)
    else:  # a free-text guess: a sidebar's or a comment's date as often as the article's
        add(guess, "htmldate-guess", GUESS_WEIGHT_FREE_TEXT, evidence.guess)
    in_url = url_date(evidence.url)
    if in_url is not None:
        add(localize(in_url, tz), "url", URL_WEIGHT, evidence.url)
    if evidence.last_modified:
        add(_http_date(evidence.last_modified), "last-modified", LAST_MODIFIED_WEIGHT, evidence.last_modified)
    return found, modified


#: An e-mail style date with its zone, as some pages fill datePublished: "Sat, 12 Jun 2021 03:15:00 GMT".
_RFC2822_RE = re.compile(
    r"[A-Za-z]{3},\s{1,3}\d{1,2}\s{1,3}[A-Za-z]{3}\s{1,3}\d{4}\s{1,3}\d\d:\d\d(?::\d\d)?\s{1,3}(?:GMT|UTC|UT|Z|[+-]\d{4})"
)


def _zoned_rfc2822(text: str) -> datetime | None:
    """An e-mail style date stating its zone, as an aware datetime (None for other text)."""
    if not _RFC2822_RE.fullmatch(text):
        return None
    parsed = _http_date(text)
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _http_date(value: str) -> datetime | None:
    from email.utils import parsedate_to_datetime

    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


#: A time stated in UTC (…Z, +00:00) is on the page's day only in the page's zone, which is not
#: known: from this hour it may be the next day's local time, before UTC_PREVIOUS_DAY_BEFORE the
#: previous day's (zones span −12 to +14 hours).
UTC_NEXT_DAY_FROM = 10
UTC_PREVIOUS_DAY_BEFORE = 12
UTC_NEIGHBOUR_PENALTY = 0.05


def candidate_days(candidate: DateCandidate) -> tuple[date, ...]:
    """The days a candidate names: its own date (as printed), and for a UTC time the day next to it.

    A time stated in UTC may be on the neighbouring day in the page's own zone.
    """
    value = candidate.value
    days = [value.date()]
    offset = value.utcoffset()
    if candidate.has_time and offset is not None and not offset:
        if value.hour >= UTC_NEXT_DAY_FROM:
            days.append(value.date() + timedelta(days=1))
        if value.hour < UTC_PREVIOUS_DAY_BEFORE:
            days.append(value.date() - timedelta(days=1))
    if (swapped := read_the_other_way(candidate)) is not None:
        days.append(swapped)
    return tuple(days)


def read_the_other_way(candidate: DateCandidate) -> date | None:
    """The day a printed slash date names read day first, when it was read month first.

    "02/10/2020" is 10 February in the US and 2 October in most of the world: the page's other
    sources say which (their day agreeing with this reading counts as corroboration).
    """
    value = candidate.value
    if candidate.source not in _VISIBLE or value.day > 12 or value.day == value.month:
        return None
    printed = (f"{value.month:02d}/{value.day:02d}/{value.year}", f"{value.month}/{value.day}/{value.year}")
    if not any(form in candidate.evidence for form in printed):
        return None
    return date(value.year, value.day, value.month)


#: Sources printed on the page for readers (the others are metadata, or read from it).
_VISIBLE = frozenset({"selector", "learned", "date-line-label", "date-line"})


def _utc_time(candidate: DateCandidate) -> bool:
    offset = candidate.value.utcoffset()
    return candidate.has_time and offset is not None and not offset


def _printed_local_day(
    day: date, by_day: dict[date, list[DateCandidate]], candidates: list[DateCandidate]
) -> date:
    """The day the page prints, when the metadata's day is only its UTC reading of the same time.

    "19.10.2019" under the headline and datePublished 2019-10-18T23:10:00Z (and htmldate's
    reading of it) name one moment: the reader's day is the printed one.
    """
    metadata = [c for c in by_day[day] if c.source not in _VISIBLE and c.value.date() == day]
    if not metadata or any(c.source in _VISIBLE for c in by_day[day] if c.value.date() == day):
        return day
    derived = ("htmldate", "htmldate-guess")
    if not all(_utc_time(c) or c.source in derived for c in metadata):
        return day
    for printed in sorted((c for c in candidates if c.source in _VISIBLE), key=lambda c: -c.weight):
        other = printed.value.date()
        if other != day and any(_utc_time(c) and other in candidate_days(c) for c in metadata):
            return other
    return day


#: A page's own zone is at most this far from UTC, in steps of a quarter hour.
MAX_ZONE_OFFSET = timedelta(hours=14)
_ZONE_STEP = timedelta(minutes=15)


def page_offset(candidates: list[DateCandidate]) -> timedelta | None:
    """The page's own UTC offset, when its dates say it, else None (the site's zone is a guess).

    A time printed with a non-zero offset (+01:00) states it; so does a UTC time whose clock the
    page also prints without a zone (05:30:59Z and "2023-11-08 23:30:59": -06:00).
    """
    stated = [
        offset for c in candidates if c.zoned and (offset := c.value.utcoffset()) and c.source != "script"
    ]
    if stated:
        return max(set(stated), key=stated.count)
    utc = [c.value.replace(tzinfo=None) for c in candidates if _utc_time(c) and c.zoned]
    local_times = []
    for c in candidates:
        if c.has_time and not c.zoned:
            local_times.append(c.value.replace(tzinfo=None))
            if (other := read_the_other_way(c)) is not None:  # "11/6/2021 23:15" may be 11 June
                local_times.append(datetime.combine(other, c.value.time()))
    for local in local_times:
        for moment in utc:
            offset = local - moment
            if offset and abs(offset) <= MAX_ZONE_OFFSET and not offset % _ZONE_STEP:
                return offset
    return None


def _in_page_zone(candidates: list[DateCandidate]) -> list[DateCandidate]:
    """Times stated in UTC shown in the page's own zone when its dates say which (its day is the reader's)."""
    offset = page_offset(candidates)
    if offset is None:
        return candidates
    zone = timezone(offset)
    return [replace(c, value=c.value.astimezone(zone)) if _utc_time(c) and c.zoned else c for c in candidates]


def _unprinted(day: date, candidates: list[DateCandidate], evidence: DateEvidence, kept: bool) -> bool:
    """Only htmldate's readings, or only the metadata (unless ``kept``), name an unprinted ``day``.

    Not a date a reader is told. htmldate's: a CMS's creation stamp in a script, a month
    turned into its first day ("Ausgabe 8/2021"). The metadata's: a WordPress page, a recipe,
    a product page, whose datePublished is the CMS's record of the post. ``kept`` when the
    page prints only prose dates or its update day: the metadata is then all there is. The
    metadata's day may also be printed under the headline without its year.
    """
    if all(c.source in _DERIVED for c in candidates):  # htmldate reads comments' dates too
        return not printed_on_page(day, _outside_comments(day, evidence))
    if kept or any(c.source in _PRINTED for c in candidates):
        return False
    return not printed_on_page(day, evidence.page_lines, date_lines=evidence.header)


def _outside_comments(day: date, evidence: DateEvidence) -> Sequence[str]:
    """The page's lines less those printing ``day``'s year inside readers' comments or reviews."""
    if not evidence.line_elements:
        return evidence.page_lines
    years = (str(day.year), f"{day.year % 100:02d}")
    return [
        line
        for line, element in zip(evidence.page_lines, evidence.line_elements, strict=False)
        if not any(y in line for y in years) or not _in_comments(element)
    ]


def _in_comments(element: HtmlElement) -> bool:
    """Inside a comments/replies container (not one wrapping the article's headline too)."""
    for node in (element, *element.iterancestors()):
        if node.tag in ("body", "html"):
            return False
        if _COMMENTS_RE.search(_marker(node)):
            return node.find(".//h1") is None
    return False


def _keeps_declarations(candidates: list[DateCandidate], modified: datetime | None) -> bool:
    """True when the page prints dates, but only in prose or for its update (a declared date is kept)."""
    printed = [c for c in candidates if c.source in _PRINTED]
    return bool(printed) and all(
        c.source == "date-in-text" or (modified is not None and c.value.date() == modified.date())
        for c in printed
    )


#: Sources read off the page's text (the others are its metadata, its URL, or readings of them).
_PRINTED = frozenset({*_VISIBLE, "above-title", "body-edge", "footer", "date-in-text", "labelled-elsewhere"})
#: The page's own metadata, which htmldate reads too.
_DECLARED = frozenset({"meta", "json-ld", "microdata", "time-element"})


def _shown_update(modified: datetime | None, evidence: DateEvidence) -> datetime | None:
    """The update date, when it may fill a gap: on a Western page only one the page prints."""
    if modified is None or not evidence.guess_first or not evidence.page_lines:
        return modified
    return modified if printed_on_page(modified.date(), evidence.page_lines, updates=True) else None


def _gap_filled(
    evidence: DateEvidence,
    modified: datetime | None,
    candidates: tuple[DateCandidate, ...],
    reason: str,
    *,
    tz: ZoneInfo,
    now: datetime,
) -> DateChoice:
    """No publication day: a magazine issue's month, else the update date, fills the gap (or nothing)."""
    lines = (*evidence.header, *evidence.above_title, *evidence.body_edges, *evidence.footer)
    month = issue_month(lines, tz=tz, now=now)
    if month is not None:  # a magazine's article dated by its issue only
        return DateChoice(
            month,
            modified,
            "issue-month",
            ISSUE_MONTH_CONFIDENCE,
            candidates,
            "only the issue's month",
            "month",
        )
    if modified is not None:  # a page that only says when it was updated: that day fills the gap
        return DateChoice(
            modified, modified, "modified", MODIFIED_CONFIDENCE, candidates, "only an update date"
        )
    return DateChoice(modified=modified, candidates=candidates, reason=reason)


def choose_date(evidence: DateEvidence, *, tz: ZoneInfo, now: datetime | None = None) -> DateChoice:
    """Score every candidate and take the best day: its own weight plus a little per other source agreeing.

    The stored value is the best candidate of that day (one printing a time preferred to a bare
    day of equal standing); the confidence is its score, capped at 1. No candidate, no date.
    """
    now = now or datetime.now(UTC)
    candidates, modified = date_candidates(evidence, tz=tz, now=now)
    candidates = _in_page_zone(candidates)
    if not candidates:
        return _gap_filled(evidence, _shown_update(modified, evidence), (), "", tz=tz, now=now)
    by_day: dict[date, list[DateCandidate]] = {}
    for candidate in candidates:
        for day in candidate_days(candidate):
            by_day.setdefault(day, []).append(candidate)
    # on a Western page, metadata alone does not date a page that prints no date (Chinese portals
    # print their date line in forms the lines may miss: their metadata is kept)
    kept = not evidence.guess_first or _keeps_declarations(candidates, modified)
    by_day = {
        d: cs
        for d, cs in by_day.items()
        if any(c.source not in _NOT_ALONE for c in cs)
        and (not evidence.page_lines or not _unprinted(d, cs, evidence, kept))
    }
    if not by_day:
        reason = "only metadata or htmldate's readings, of a day the page prints nowhere (comments aside)"
        return _gap_filled(
            evidence, _shown_update(modified, evidence), tuple(candidates), reason, tz=tz, now=now
        )

    def score(day: date) -> float:
        day_candidates = by_day[day]
        own = [c for c in day_candidates if c.value.date() == day] or day_candidates
        top = max(own, key=lambda c: c.weight)
        # a UTC time names its neighbouring day only as the reading of a date printed for it
        others = {
            c.source
            for c in day_candidates
            if c is not top
            and c.source not in _NOT_CORROBORATING
            and (c.value.date() == day or top.source in _VISIBLE or read_the_other_way(c) == day)
        }
        others.discard(top.source)
        if top.source == "htmldate":  # htmldate read the page's metadata: that is not a second voice
            others -= _DECLARED
        # htmldate read the same markup: its pick among the page's dates only breaks a tie
        tie = any(c.source == "htmldate" and c is not top and c.value.date() == day for c in own)
        # a UTC time that may be this day only in some zone counts a little less than one printed for it
        return (
            top.weight
            - (0.0 if top.value.date() == day else UTC_NEIGHBOUR_PENALTY)
            + AGREEMENT_BONUS * min(MAX_AGREEING, len(others))
            + (TIE_BREAK if tie else 0.0)
        )

    day = _printed_local_day(max(by_day, key=score), by_day, candidates)
    ranked = sorted(by_day[day], key=lambda c: (c.value.date() != day, -c.weight))
    chosen = ranked[0]
    if not chosen.has_time:
        timed = [
            c for c in ranked if c.has_time and c.weight >= chosen.weight - 0.3 and c.value.date() == day
        ]
        chosen = timed[0] if timed else chosen
    agreeing = sorted({c.source for c in by_day[day]} - {ranked[0].source})
    reason = f"{day.isoformat()}: {ranked[0].source} (weight {ranked[0].weight})"
    reason += f", agreeing: {', '.join(agreeing)}" if agreeing else ""
    return DateChoice(
        published=chosen.value,
        modified=modified,
        source=ranked[0].source,
        confidence=round(min(1.0, score(day)), 2),
        candidates=tuple(candidates),
        reason=reason,
    )


def published_date(
    evidence: DateEvidence, *, tz: ZoneInfo, now: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """(published_at, modified_at): ``choose_date`` without the bookkeeping."""
    choice = choose_date(evidence, tz=tz, now=now)
    return choice.published, choice.modified
