"""The outlet behind an article where no 来源 label names it: the forms Chinese pages print it in.

- a date line that also names the paper: ``2003-7-24 钱江晚报``, ``原创 南方都市报 2019-09-09 16:01``,
  ``http://www.sina.net 2005年03月21日 11:21 《理财周刊》``;
- a wire dateline opening the text: ``据新华社拉萨电（记者 甲）``, ``（新华社记者甲某地5日电）``,
  ``中新网北京3月5日电``, ``【某某网2005年07月03日报道】``;
- a citation closing it: ``——《某某之春》1998年3月号``, ``（摘自《某某学刊》2000年第2期）``.

Each returns the outlet's name as printed (traditional script kept), or None.
"""

from __future__ import annotations

import re

from crawler.extract.dates import find_dates
from crawler.extract.patterns import GENERIC_SOURCES, OUTLET_FILLERS, OUTLET_RE, alternation
from crawler.extract.script import to_simplified

#: A wire dateline: an outlet (新华社, 中新网, 人民日报), a place and a day, then 电 ("sent").
WIRE_RE = re.compile(
    r"(?:^|[（(【\[])\s{0,3}(?:据|據)?\s{0,3}"
    r"(?P<outlet>[\u3400-\u9fff]{1,10}?(?:通讯社|通訊社|社|日报|日報|晚报|晚報|时报|時報|报|報|网|網|电视台|電視台|台))"
    r"(?:记者|記者)?[\u3400-\u9fff\d月日 ]{0,20}?(?:电|電)(?=[）)】\]（(\s，,]|$)"
)
#: A bracketed report credit opening the text: 【某某网2005年07月03日报道】.
REPORTED_RE = re.compile(
    r"^\s{0,3}[【\[]\s{0,3}(?P<outlet>[^\s【】\[\]\d]{2,12}?)\s{0,3}\d{4}\s{0,2}年\s{0,2}\d{1,2}\s{0,2}月"
    r"\s{0,2}\d{1,2}\s{0,2}日\s{0,3}(?:报道|報道|讯|訊)\s{0,3}[】\]]"
)
#: A citation of the publication: ——《某某》1998年3月号, 摘自《某某》.
CITATION_RE = re.compile(
    r"^\s{0,3}[（(]?\s{0,3}(?:"
    + alternation(
        ("摘自", "转自", "轉自", "选自", "選自", "原载", "原載", "刊于", "刊於", "载于", "載於", "出自"),
        name="citations",
    )
    + r"|—{1,2}|-{2})\s{0,3}《(?P<outlet>[^《》]{2,20})》"
)
#: A name in Latin letters (a person or a user, never taken for a Chinese outlet).
LATIN_NAME_RE = re.compile(r"^[A-Za-z][\w.&'\- ]{1,40}$")
#: Tokens of a date line that are neither a date nor an outlet: a URL, 原创, a time.
_URL_TOKEN_RE = re.compile(r"^(?:https?://|www\.)\S{0,200}$", re.IGNORECASE)
_TITLE_MARKS_RE = re.compile(r"^《(?P<inner>[^《》]{2,20})》$")
_GENERIC = frozenset(GENERIC_SOURCES) | frozenset(OUTLET_FILLERS)
#: A date line naming its outlet is short.
MAX_DATE_LINE = 60
#: An outlet's name is at most this long.
MAX_OUTLET = 12


def is_outlet(name: str) -> bool:
    """True for a newspaper, site, agency or institution name (大众日报, 新华社, 央视网)."""
    simplified = to_simplified(name) or name
    return bool(OUTLET_RE.search(simplified)) and not LATIN_NAME_RE.match(name)


def _usable(name: str, *, checked: bool) -> str | None:
    """``name`` when it can be an outlet (not generic; an outlet's marker unless the form says so)."""
    name = name.strip()
    simplified = to_simplified(name) or name
    if not 2 <= len(name) <= MAX_OUTLET or simplified in _GENERIC:
        return None
    return name if checked or is_outlet(name) else None


def date_line_outlet(line: str) -> str | None:
    """The outlet a date line names beside its date: ``2003-7-24 钱江晚报``, ``中国网 2019-11-25``."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_DATE_LINE:
        return None
    dates = find_dates(stripped)
    if not dates:
        return None
    rest = stripped
    for date in reversed(dates):
        rest = rest[: date.start] + " " + rest[date.end :]
    tokens = [t for t in rest.split() if not _URL_TOKEN_RE.match(t) and any(c.isalpha() for c in t)]
    tokens = [t for t in tokens if (to_simplified(t) or t) not in _GENERIC]
    if len(tokens) != 1:
        return None
    marked = _TITLE_MARKS_RE.match(tokens[0])
    return _usable(marked.group("inner"), checked=True) if marked else _usable(tokens[0], checked=False)


def wire_outlet(paragraph: str) -> str | None:
    """The agency or paper of a dateline opening ``paragraph``: 据新华社拉萨电, （新华社记者甲某地5日电）."""
    head = paragraph[:80]
    reported = REPORTED_RE.match(head)
    if reported:
        return _usable(reported.group("outlet"), checked=True)
    match = WIRE_RE.search(head)
    if match is None or match.start() > 2:
        return None
    return _usable(match.group("outlet"), checked=False)


def cited_outlet(line: str) -> str | None:
    """The publication a closing citation names: ——《某某》1998年3月号, （摘自《某某学刊》）."""
    match = CITATION_RE.match(line[:60])
    return _usable(match.group("outlet"), checked=True) if match else None
