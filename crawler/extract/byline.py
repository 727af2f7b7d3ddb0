"""Bylines: split credit lines into authors, source outlet and editors.

Handles labelled lines (``本报记者 张三 通讯员 李四``, ``来源：大众日报 作者：王五 责任编辑：赵六``),
bracketed credits (``（记者 李怀苹）``, ``据新华社拉萨电（记者 格桑边觉）``), photo credits
(``张三/摄``), blog and forum footers (``ggjjzhzz 发表于 2005-9-15``, ``由海姑娘张贴 @ ...``) and an
unlabelled name line under the headline (``胡平``) when it starts with a common family name.
Labels are removed, several names are split, and outlet names (大众日报, 新华社, 德州日报)
are never taken for people: a value that looks like an outlet goes to ``source`` or nowhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler.extract.dates import before_section, find_dates
from crawler.extract.evidence import Candidate, Choice
from crawler.extract.outlets import LATIN_NAME_RE, cited_outlet, date_line_outlet, is_outlet, wire_outlet
from crawler.extract.patterns import (
    AUTHOR_LABELS,
    AUTHOR_PATH_SEGMENTS,
    AUTHOR_QUERY_KEYS,
    BLOG_OWNER_SUFFIXES,
    BY_WORDS,
    COMPOUND_SURNAMES,
    DATE_LABELS,
    EDITOR_LABELS,
    FILLER_RE,
    GENERIC_SOURCES,
    LEAD_CREDIT_RE,
    MODIFIED_LABELS,
    PLACEHOLDER_AUTHORS,
    POST_LINE_OPENERS,
    POST_LINE_WIDGETS,
    POSTER_LABELS,
    ROLE_QUALIFIERS,
    ROLE_WORDS,
    SOURCE_LABELS,
    SURNAMES,
    alternation,
)
from crawler.extract.script import to_simplified
from crawler.extract.structured import jsonld_objects
from crawler.extract.western_byline import (
    dated_names,
    is_agency,
    is_by_word,
    is_company,
    western_byline,
    western_names,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lxml.html import HtmlElement

    from crawler.extract.htmltext import PageLine

AUTHOR = "author"
EDITOR = "editor"
SOURCE = "source"
OTHER = "other"

#: Single-character labels that only count when followed by a separator (文：, 文/图).
_SHORT_LABELS = ("文", "摄")
_LABELS: dict[str, str] = {}
for _kind, _group in (
    (OTHER, DATE_LABELS + MODIFIED_LABELS),
    (SOURCE, SOURCE_LABELS),
    (EDITOR, EDITOR_LABELS),
    (AUTHOR, AUTHOR_LABELS),
):
    _LABELS.update(dict.fromkeys(_group, _kind))
_LONG_LABELS = tuple(label for label in _LABELS if label not in _SHORT_LABELS)

#: What may stand before a label: start of line, space, a digit or punctuation.
_BOUNDARY = r"(?:^|(?<=[\s\d|｜丨/／【】\[\]（）()《》，,。；;:：·]))"
#: A label at a boundary, then a separator (文：, 文/, 文｜ as WeChat-style pages write it) or a name;
#: a Latin label ends at a word's end ("Date" is no label in "Dateien").
LABEL_RE = re.compile(
    _BOUNDARY
    + r"(?:(?P<long>"
    + alternation(_LONG_LABELS, name="byline labels")
    + r")(?:(?<=[^A-Za-z\u00c0-\u024f])|(?![A-Za-z\u00c0-\u024f]))\s*[:：/／|｜丨]?"
    r"|(?P<short>" + alternation(_SHORT_LABELS, name="short byline labels") + r")\s*[:：/／|｜丨]\s*)"
)
#: A reporter's role after an outlet or a qualifier, glued: 澎湃新闻记者, 南都见习记者, 职工通讯员.
ROLE_RE = re.compile(
    _BOUNDARY
    + r"(?P<prefix>[\u3400-\u9fff]{2,12}?)(?P<long>"
    + alternation(ROLE_WORDS, name="ROLE_WORDS")
    + r")\s*[:：/／|｜丨]?"
)
_QUALIFIERS = frozenset(ROLE_QUALIFIERS)
#: A role's prefix this short that is neither an outlet nor a qualifier is an outlet's short name (南都).
MAX_SHORT_OUTLET = 4
#: Bracketed credits: （记者 李怀苹）, (通讯员 王五 李四), （袁源）.
BRACKET_RE = re.compile(r"[（(]\s*([^（()）]{2,40}?)\s*[)）]")
#: Photo credits: 张三/摄, 张三 摄, 记者 张三 摄影.
#: The lookahead (a 摄 within 48 characters) makes positions without one fail fast; whitespace
#: runs are bounded and possessive, so a long run of spaces or characters stays linear.
PHOTO_RE = re.compile(
    r"(?=(?s:.{2,48}?)摄)(?P<names>[\w·• 、]{2,30}?)\s{0,8}+(?:[/／]\s{0,8}+)?摄(?:影)?(?:\s|$|[）)。])"
)
#: Blog and forum footers naming the poster before a date: "ggjjzhzz 发表于 2005-9-15", "由 X 张贴 @".
POSTER_RES = (
    re.compile(
        r"^(?:posted by|由)\s*(?P<name>[^\s@]{2,20}?)\s*(?:张贴|发表|发布|发帖|提交|上传)?\s*(?:@|于|on|at)",
        re.I,
    ),
    re.compile(r"^(?P<name>[\w.&\-]{2,20})\s*(?:发表于|发布于|posted @|posted at|发表在)", re.I),
)
_NAME_SPLIT_HAN_RE = re.compile(r"[\s、，,;；/／|]+")
#: Characters that separate names in a Han credit value (outside brackets).
_HAN_SEPARATORS = frozenset(" \t\u3000、，,;；/／|")
_OPEN, _CLOSE = "(（", ")）"
#: A user name after a poster label (作者： 放飞&心情, 楼主：6xy): anything but spaces and brackets.
_USER_NAME_RE = re.compile(r"^[^\s()（）\[\]【】<>:：=\"'“”]{2,24}$")
_TITLE_PARTS_RE = re.compile(r"[\s\-_|｜–—:：]+")
_LATIN_TOKEN_RE = re.compile(r"^[A-Za-z][A-Za-z.'\-]{0,30}$")
_NAME_SPLIT_LATIN_RE = re.compile(r"\s{0,8}(?:[,;、，；/|]|\band\b|&)\s{0,8}")
_HAN_RE = re.compile(r"[\u3400-\u9fff]")
_HAN_NAME_RE = re.compile(r"^[\u3400-\u9fff·•]{2,8}$")
_DIGIT_RE = re.compile(r"\d")
#: Markup left in the text by broken HTML (size="20"): never a name or an outlet.
_MARKUP_RE = re.compile(r"[=<>{}]")
_EDGE_PUNCT = " \t:：,，;；、.。|｜丨/／()（）[]【】<>《》\"'“”-—_"
#: An outlet name is at most this long (longer runs are prose that happens to say 社 or 网).
MAX_OUTLET_CHARS = 12
#: A value on the line after its label ("作者：" / "张三") is at most this long.
MAX_LABELLED_VALUE = 30
#: A line longer than this is prose, not a byline.
MAX_BYLINE_CHARS = 80
#: After taking labels, names and dates out, at most this many word characters may remain.
MAX_BYLINE_LEFTOVER = 6


@dataclass(slots=True)
class Byline:
    """People and outlet credited by one or more byline lines."""

    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    source: str | None = None
    #: Photo credits (张三/摄, 摄影：李四), apart from the authors.
    photographers: list[str] = field(default_factory=list)
    #: Where the authors were found (``AUTHOR_SOURCES``), set by ``collect_credits``.
    origin: str | None = field(default=None, compare=False)

    def merge(self, other: Byline) -> Byline:
        """Add what ``other`` knows and this one does not (order kept, no duplicates)."""
        self.authors.extend(a for a in other.authors if a not in self.authors)
        self.editors.extend(e for e in other.editors if e not in self.editors)
        self.photographers.extend(p for p in other.photographers if p not in self.photographers)
        self.source = self.source or other.source
        return self

    def __bool__(self) -> bool:
        return bool(self.authors or self.editors or self.source or self.photographers)


def starts_with_surname(name: str) -> bool:
    """True when ``name`` begins with a common Chinese family name."""
    simplified = to_simplified(name) or name
    return simplified[:2] in COMPOUND_SURNAMES or simplified[:1] in SURNAMES


def _base_name(name: str) -> str:
    """The name without a bracketed part after it: 'Joel Spolsky (Fog Creek)' -> 'Joel Spolsky'.

    '' when the brackets are unbalanced or hold digits (阅读(1660) is a counter, not a name).
    """
    for index, char in enumerate(name):
        if char in _OPEN and index:
            inner = name[index + 1 :]
            if not inner or inner[-1] not in _CLOSE or _DIGIT_RE.search(inner):
                return ""
            return name[:index].strip()
    if any(char in _CLOSE for char in name):
        return ""
    return name


def is_user_name(name: str) -> bool:
    """A forum/blog user name after a poster label (放飞&心情, 6xy): no spaces, not an outlet or date."""
    return (
        bool(_USER_NAME_RE.match(name))
        and not name.isdigit()
        and not find_dates(name)
        and not FILLER_RE.match(name)
        and not (is_outlet(name) and not LATIN_NAME_RE.match(name))
        and bool(re.search(r"[^\W\d_]", name))
    )


def is_person_name(name: str, *, labelled: bool = True) -> bool:
    """A plausible person (or pen/user name when ``labelled``), never an outlet."""
    name = _base_name(name)
    if not name or is_outlet(name) or FILLER_RE.match(name) or _DIGIT_RE.search(name):
        return False
    if _HAN_RE.search(name):
        if not _HAN_NAME_RE.match(name):
            return False
        if labelled:
            return len(name) <= 6 or "·" in name or "•" in name
        longest = 4 if (to_simplified(name) or name)[:2] in COMPOUND_SURNAMES else 3
        return 2 <= len(name) <= longest and starts_with_surname(name)
    return labelled and bool(LATIN_NAME_RE.match(name))


def _han_parts(value: str) -> list[str]:
    """Split a Han credit value on spaces, 、 and commas, never inside brackets.

    A bracketed part stays with the name before it; consecutive Latin words stay one name.
    """
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in value:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if depth == 0 and char in _HAN_SEPARATORS:
            if current:
                parts.append("".join(current))
                current = []
            continue
        current.append(char)
    if current:
        parts.append("".join(current))
    merged: list[str] = []
    for part in parts:
        if merged and (
            part[0] in _OPEN
            or (_LATIN_TOKEN_RE.match(part) and _LATIN_TOKEN_RE.match(merged[-1].split(" ")[-1]))
        ):
            merged[-1] = f"{merged[-1]} {part}" if part[0] not in _OPEN else merged[-1] + part
        else:
            merged.append(part)
    return merged


def _strip_name(raw: str) -> str:
    name = raw.strip(" \t:：,，;；、.。|｜丨/／[]【】<>《》\"'“”-—_")
    if name.count("(") + name.count("（") < name.count(")") + name.count("）"):
        name = name.rstrip(")）")
    if name.count("(") + name.count("（") > name.count(")") + name.count("）"):
        name = name.lstrip("(（")
    return name.strip()


def split_names(value: str, *, labelled: bool = True, users: bool = False) -> list[str]:
    """Names in a credit value: 'А 李四、王五' -> ['李四', '王五']; fillers (报道, 摄) dropped.

    Western names keep their words and order ('Joel Spolsky'); a bracketed part stays with the
    name before it; with ``users`` (after a poster label) forum user names count too.
    """
    tokens = value.split()
    for index, token in enumerate(tokens[1:], start=1):
        if token.endswith((":", "：")):  # "流泉 访问统计：…": another field's label, not a name
            value = " ".join(tokens[:index])
            break
    value = value.strip(_EDGE_PUNCT)
    raws = _han_parts(value) if _HAN_RE.search(value) else _NAME_SPLIT_LATIN_RE.split(value)
    names: list[str] = []
    for raw in raws:
        name = _strip_name(raw)
        if _HAN_RE.search(name):
            name = _without_tail(name)
            name = re.sub(r"(?:报道|摄影?|供图|采写|整理)$", "", name)
        if not name or name in names:
            continue
        if is_person_name(name, labelled=labelled) or (users and is_user_name(name)):
            names.append(name)
    return names


def _outlet_value(value: str) -> str | None:
    # The outlet ends where the info line's next widget starts: 来源：X  【字体：大 中 小】
    value = re.split(r"\s{2,}|[|｜丨【\[]", value.strip(_EDGE_PUNCT))[0].strip(_EDGE_PUNCT)
    if not value or len(value) > 40 or _DIGIT_RE.fullmatch(value) or _MARKUP_RE.search(value):
        return None
    return value


@dataclass(frozen=True, slots=True)
class _Label:
    """A byline label found in a line: where it is, which label, and the outlet glued before it."""

    start: int
    #: Where the value starts (after the label and its separator).
    end: int
    label: str
    #: Where the label word itself ends (a name right there is glued to it: 记者张三).
    label_end: int
    #: 澎湃新闻 in 澎湃新闻记者 (None when no outlet is glued before the role).
    outlet: str | None = None


def _role_prefix(prefix: str) -> tuple[bool, str | None]:
    """(is a role's prefix, the outlet it names): 澎湃新闻 -> outlet; 职工 -> qualifier; prose -> no."""
    simplified = to_simplified(prefix) or prefix
    for qualifier in _QUALIFIERS:
        if simplified.endswith(qualifier):  # 观察者网专栏 (作者): the outlet before the qualifier
            rest = prefix[: len(prefix) - len(qualifier)]
            return True, rest if len(rest) >= 2 and is_outlet(rest) else None
    if is_outlet(prefix) and len(prefix) <= MAX_OUTLET_CHARS:
        return True, prefix
    return len(prefix) <= MAX_SHORT_OUTLET, None


def _label_matches(line: str) -> list[_Label]:
    """Labels of ``line``, matched on its simplified copy (記者 is 记者) at the same offsets.

    Besides the labels at a word boundary, a reporter's role glued to an outlet or a qualifier
    counts (澎湃新闻记者 张三: the outlet is the source).
    """
    simplified = to_simplified(line) or line
    text = simplified if len(simplified) == len(line) else line
    labels = [
        _Label(
            m.start(),
            m.end(),
            m.group("long") or m.group("short"),
            m.end("long") if m.group("long") else m.end("short"),
        )
        for m in LABEL_RE.finditer(text)
    ]
    taken = [range(label.start, label.end) for label in labels]
    for m in ROLE_RE.finditer(text):
        if any(m.start("long") in span or m.start() in span for span in taken):
            continue
        valid, outlet = _role_prefix(line[m.start("prefix") : m.end("prefix")])
        if valid and outlet is None and not _names_follow(line, m.end()):
            valid = False  # "在场记者说": a word before a role, then prose
        if valid:
            labels.append(_Label(m.start(), m.end(), m.group("long"), m.end("long"), outlet))
    return sorted(labels, key=lambda label: label.start)


def _names_follow(line: str, start: int) -> bool:
    """A person's name starts at ``start`` (after spaces), as a role's value does."""
    words = line[start : start + 24].split()
    return bool(words) and bool(
        split_names(words[0][:4], labelled=False) or split_names(words[0][:3], labelled=False)
    )


def has_credit_label(line: str) -> bool:
    """True when ``line`` holds a byline, source, editor or date label (an info-bar line)."""
    return bool(_label_matches(line))


#: After a name, a "sent from" (张三发自北京) or the day of a wire dateline (张三北京5日电).
_SENT_FROM_RE = re.compile(r"(?:发自|發自)[\u3400-\u9fff]{1,8}$")
_WIRE_DAY_RE = re.compile(r"[\d一二三四五六七八九十]{1,3}日[电電]$")


def _without_tail(name: str) -> str:
    """张三发自北京 -> 张三; 王小明台北5日电 -> 王小明 (the place: its last two or three characters)."""
    name = _SENT_FROM_RE.sub("", name)
    day = _WIRE_DAY_RE.search(name)
    if day is None:
        return name
    head = name[: day.start()]
    return head[:3] if len(head) >= 6 else head[:-2] if len(head) >= 4 else head


#: A name in brackets opening an info line: "[ 张三 ] 来源：某某网".
_BRACKETED_NAME_RE = re.compile(r"^\s{0,3}[\[【]\s{0,3}(?P<name>[^\[\]【】\s]{2,12})\s{0,3}[\]】]")
#: A photo credit closing a bracket: （刘通摄）, （蔡雪婧/摄）, （张三 摄影）.
_PHOTO_BRACKET_RE = re.compile(r"\s{0,3}[/／]?\s{0,3}(?:摄影?|攝影?)$")
#: A closing credit: （张三／北京报道）.
_REPORTED_FROM_RE = re.compile(
    r"^(?P<names>[^／/]{2,24}?)\s{0,3}[／/]\s{0,3}[\u3400-\u9fff]{2,8}(?:报道|報道)$"
)


def _generic_source(value: str) -> bool:
    """来源：网络 / 本站原创 / 转载: no organisation named."""
    simplified = (to_simplified(value) or value).strip(_EDGE_PUNCT)
    return simplified in _GENERIC_SOURCES


_GENERIC_SOURCES = frozenset(GENERIC_SOURCES)


def parse_byline(line: str) -> Byline:
    """Authors, editors, photographers and source named by the labels of one line."""
    byline = Byline()
    matches = _label_matches(line)
    for index, match in enumerate(matches):
        label = match.label
        end = matches[index + 1].start if index + 1 < len(matches) else len(line)
        value = line[match.end : end]
        dates = find_dates(value)
        if dates:
            value = value[: dates[0].start]
        if match.outlet and byline.source is None:
            byline.source = match.outlet
        kind = _LABELS.get(label, AUTHOR)
        # "记者张三" has no separator: only a surname tells the name from the prose after it.
        glued = (
            match.end == match.label_end and match.end < len(line) and bool(_HAN_RE.match(line[match.end]))
        )
        if kind == AUTHOR:
            poster = label in POSTER_LABELS and not glued
            names = split_names(value, labelled=not glued, users=poster)
            if label in ("摄", "摄影"):
                byline.photographers.extend(n for n in names[:3] if n not in byline.photographers)
                continue
            byline.authors.extend(n for n in names if n not in byline.authors)
            outlet = _outlet_value(value)
            short = outlet is not None and len(outlet) <= MAX_OUTLET_CHARS
            if (
                not names
                and not glued
                and byline.source is None
                and outlet is not None
                and short
                and is_outlet(outlet)
            ):
                byline.source = outlet  # 作者：新华社 names an organisation: the source
        elif kind == EDITOR:
            byline.editors.extend(n for n in split_names(value) if n not in byline.editors)
        elif kind == SOURCE and byline.source is None:
            outlet = _outlet_value(value)
            if outlet and _generic_source(outlet):
                continue
            if outlet and not is_outlet(outlet) and (names := split_names(outlet, labelled=False)):
                # "来源: 尹娟": a person named where an outlet belongs is the author.
                byline.authors.extend(n for n in names if n not in byline.authors)
            else:
                byline.source = outlet
    for photo in PHOTO_RE.finditer(line):
        names = split_names(_without_labels(photo.group("names")))
        byline.photographers.extend(n for n in names if n not in byline.photographers)
    opening = _BRACKETED_NAME_RE.match(line)
    if opening and matches and matches[0].start >= opening.end() - 1:
        # "[ 张三 ] 来源：某某网": an info bar's unlabelled name before its labels
        names = split_names(opening.group("name"), labelled=False)
        byline.authors.extend(n for n in names if n not in byline.authors)
    return byline


def _without_labels(line: str) -> str:
    for match in reversed(_label_matches(line)):
        line = line[: match.start] + " " + line[match.end :]
    return line


def _leftover(line: str, byline: Byline) -> int:
    rest = _without_labels(line)
    for date in reversed(find_dates(rest)):
        rest = rest[: date.start] + rest[date.end :]
    for name in [*byline.authors, *byline.editors, *([byline.source] if byline.source else [])]:
        rest = rest.replace(name, " ")
    rest = " ".join(token for token in rest.split() if len(token) > MAX_OUTLET_CHARS or not is_outlet(token))
    rest = re.sub(r"(?:本报讯|本报|本台|本网|报道|讯|摄影?|电)", " ", rest)
    return len(re.findall(r"[^\W\d_]", rest))


def is_byline_line(line: str) -> bool:
    """True when ``line`` is a credit line and nothing else (safe to remove from the text)."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_BYLINE_CHARS:
        return False
    inner = stripped[1:-1] if BRACKET_RE.fullmatch(stripped) else stripped
    byline = parse_byline(inner)
    if not byline and BRACKET_RE.fullmatch(stripped):
        byline = Byline(authors=split_names(inner, labelled=False))
    if not byline and not _label_matches(inner):
        return False
    return _leftover(inner, byline) <= MAX_BYLINE_LEFTOVER


def strip_lead_credits(paragraph: str) -> tuple[str, Byline]:
    """A lead paragraph without its opening credits (本报讯（记者 张三 通讯员 李四）), and the credits.

    Only brackets that hold labelled credits are taken; ``（2026年）`` or ``（上）`` stay.
    """
    match = LEAD_CREDIT_RE.match(paragraph)
    if match is None:
        return paragraph, Byline()
    credits = parse_byline(match.group("credits"))
    if not credits.authors and not credits.editors:
        return paragraph, Byline()
    credits.source = credits.source or wire_outlet(match.group(0))  # 据新华社拉萨电（记者 甲）
    return paragraph[match.end() :], credits


def bracket_credits(text: str) -> Byline:
    """Credits inside brackets anywhere in ``text``: （记者 格桑边觉）, （袁源） at a paragraph end."""
    byline = Byline()
    for match in BRACKET_RE.finditer(text):
        inner = match.group(1)
        labels = _label_matches(inner)
        reported = _REPORTED_FROM_RE.match(inner)
        if labels and labels[0].start == 0:
            byline.merge(parse_byline(inner))
        elif _PHOTO_BRACKET_RE.search(inner) and (names := split_names(_PHOTO_BRACKET_RE.sub("", inner))):
            byline.merge(Byline(photographers=names))  # （刘通摄）, （蔡雪婧/摄）: a caption's credit
        elif match.end() >= len(text.rstrip()) - 1 and reported:
            byline.merge(Byline(authors=split_names(reported.group("names"), labelled=False)))
        elif match.end() >= len(text.rstrip()) - 1 and (names := split_names(inner, labelled=False)):
            byline.merge(Byline(authors=names))
    return byline


def _post_line_name(line: str) -> str | None:
    """The name after the date of a post line: "posted @ 2004-12-27 12:40 李建忠 阅读(3727)"."""
    lowered = line.strip().lower()
    if not lowered.startswith(POST_LINE_OPENERS):
        return None
    dates = find_dates(lowered)
    if not dates or dates[0].start > max(len(o) for o in POST_LINE_OPENERS) + 2:
        return None
    rest = line.strip()[dates[0].end :].split()
    if not rest:
        return None
    name = rest[0].strip(_EDGE_PUNCT)
    if not name or name.startswith(POST_LINE_WIDGETS):
        return None
    return name if is_person_name(name) or is_user_name(name) else None


def poster_name(line: str) -> str | None:
    """The poster of a blog/forum footer line ("ggjjzhzz 发表于 2005-9-15 11:46:00"), if any."""
    if not find_dates(line):
        return None
    if name := _post_line_name(line):
        return name
    for regex in POSTER_RES:
        match = regex.search(line.strip())
        if match and is_person_name(match.group("name")):
            return match.group("name")
    return None


def name_line(line: str) -> list[str]:
    """Authors of an unlabelled name line under a headline ("胡平", "赵延东、风笑天").

    The first name must start with a common family name; every part must be a short Han name.
    """
    stripped = line.strip().strip(_EDGE_PUNCT)
    if not stripped or len(stripped) > 20 or _label_matches(stripped):
        return []
    parts = [p for p in _NAME_SPLIT_HAN_RE.split(stripped) if p]
    if not parts or not is_person_name(parts[0], labelled=False):
        return []
    names = [parts[0], *split_names(" ".join(parts[1:]))]
    short = all(2 <= len(n) <= 4 and _HAN_NAME_RE.match(n) for n in names)
    return names if short and len(names) == len(parts) else []


#: A link to a person's or an account's page.
AUTHOR_HREF_RE = re.compile(
    r"/" + alternation(AUTHOR_PATH_SEGMENTS, name="AUTHOR_PATH_SEGMENTS") + r"(?:[/.?#]|$)"
    r"|[?&]" + alternation(AUTHOR_QUERY_KEYS, name="AUTHOR_QUERY_KEYS") + r"=",
    re.IGNORECASE,
)
#: Lines read for such links around the headline: below it up to the body, and this many above.
AUTHOR_LINK_LINES = 12


def _header_lines(
    lines: Sequence[PageLine], title_index: int | None, body_start: int | None
) -> Sequence[PageLine]:
    """The lines below the headline up to the body (at most ``AUTHOR_LINK_LINES``)."""
    if title_index is None and body_start is None:
        return ()
    start = title_index + 1 if title_index is not None else max(0, (body_start or 0) - AUTHOR_LINK_LINES)
    end = body_start if body_start is not None and body_start > start else start + AUTHOR_LINK_LINES
    return lines[start : min(end, start + AUTHOR_LINK_LINES)]


def author_links(
    lines: Sequence[PageLine], title_index: int | None, body_start: int | None
) -> tuple[str, ...]:
    """Names of the person or account that posted the page, from the lines under the headline.

    A link there to a person's or account's page; a name printed there unlinked that the page
    links to such a page elsewhere (a platform's user card: "华夏人文 2020-03-09" under the
    headline, ``<a href=/c/user/1/>华夏人文</a>`` beside the text). The page's structure says it,
    not its class names (renamed, they must change nothing).
    """
    header = _header_lines(lines, title_index, body_start)
    if not header:
        return ()
    linked = {
        line.text.strip().strip("@:：")
        for line in lines
        if line.href
        and len(line.text) <= MAX_BYLINE_CHARS
        and line.is_link
        and AUTHOR_HREF_RE.search(line.href)
    }
    found = []
    for line in header:
        text = line.text.strip()
        if not text or len(text) > MAX_BYLINE_CHARS:
            continue
        if line.is_link and line.href and len(text) >= 2 and AUTHOR_HREF_RE.search(line.href):
            found.append(text)
        else:
            found += [token for token in text.split() if len(token) >= 2 and token in linked]
    return tuple(dict.fromkeys(found))


#: A class, itemprop or rel naming an author's place (class="author", "byline", itemprop="author"),
#: and one naming a comment's (a commenter is not the author).
AUTHOR_MARK_RE = re.compile(r"author|byline|autor|auteur|writer", re.IGNORECASE)
COMMENT_MARK_RE = re.compile(r"comment|reply|respond|related|teaser", re.IGNORECASE)
#: Elements looked at per line for such a mark: the line's block, its parent, and its first inline ones.
MARKED_ELEMENTS = 8


def _marks(element: HtmlElement) -> str:
    return " ".join(filter(None, (element.get("class"), element.get("itemprop"), element.get("rel"))))


def author_marked_lines(
    lines: Sequence[PageLine], title_index: int | None, body_start: int | None
) -> tuple[str, ...]:
    """Texts of the short lines under the headline that the page marks as its author's place."""
    found = []
    for line in _header_lines(lines, title_index, body_start):
        text = line.text.strip()
        if not text or len(text) > MAX_BYLINE_CHARS:
            continue
        parent = line.element.getparent()
        elements = [line.element, *([parent] if parent is not None else [])]
        elements += [e for _, e in zip(range(MARKED_ELEMENTS), line.element.iterdescendants(), strict=False)]
        marks = " ".join(_marks(e) for e in elements if isinstance(e.tag, str))
        if AUTHOR_MARK_RE.search(marks) and not COMMENT_MARK_RE.search(marks):
            found.append(text)
    return tuple(found)


#: <meta> names that hold the author (lowercased).
META_AUTHOR_NAMES = frozenset(
    {"author", "article:author", "byl", "dc.creator", "dcterms.creator", "sailthru.author", "parsely-author"}
)
_MAX_DECLARED = 10


def _jsonld_authors(value: object, people: list[str], organisations: list[str]) -> None:
    items = value if isinstance(value, list) else [value]
    for item in items[:_MAX_DECLARED]:
        if isinstance(item, str):
            people.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            kind = str(item.get("@type") or "Person")
            (people if kind == "Person" else organisations).append(item["name"])


#: Elements marked as the author: itemprop=author, <a rel=author>. Read from the attributes up (their
#: owner elements), which libxml2 evaluates in half the time of testing every element of the page.
_AUTHOR_MARKUP = "//@itemprop[.='author']/.. | //a/@rel[contains(concat(' ', ., ' '), ' author ')]/.."


def declared_credits(
    tree: HtmlElement, jsonld: list[dict[str, Any]] | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(people, organisations) a page names as its author for machines.

    JSON-LD ``author`` (Person/Organization), microdata ``itemprop=author``, ``rel=author``
    links and ``<meta name=author>``, in that order, as printed (not yet checked as names).
    ``jsonld``: the page's ``jsonld_objects`` when read already (parsed once per page).
    """
    people: list[str] = []
    organisations: list[str] = []
    for obj in jsonld_objects(tree) if jsonld is None else jsonld:
        if "author" in obj:
            _jsonld_authors(obj["author"], people, organisations)
    for node in tree.xpath(_AUTHOR_MARKUP)[:5]:
        names = node.xpath(".//*[@itemprop='name']")
        value = node.get("content") or (names[0].text_content() if names else node.text_content())
        if value and value.strip():
            people.append(value.strip())
    for node in tree.xpath("//meta[@content]")[:400]:
        key = (node.get("name") or node.get("property") or "").strip().lower()
        if key in META_AUTHOR_NAMES and (node.get("content") or "").strip():
            people.append(node.get("content").strip())
    clean = [" ".join(p.split())[:80] for p in people if p.strip()]
    bodies = tuple(dict.fromkeys(o.strip()[:80] for o in organisations if o.strip()))
    return tuple(dict.fromkeys(clean)), bodies


#: Where ``collect_credits`` looks for authors, with the weight of each (the names
#: ``Article.author_source`` takes). A source scores its weight plus AGREEMENT_BONUS for each
#: other source naming one of its people (at most MAX_AGREEING); the best one names the authors.
AUTHOR_WEIGHTS = {
    "selector": 1.0,
    "learned": 0.97,
    "header": 0.9,
    "body": 0.85,
    "footer": 0.8,
    "brackets": 0.75,
    "name-line": 0.7,
    "marked": 0.7,
    "declared": 0.6,
}
#: Who posted a blog or forum page: added to the authors (a repost names its poster and the
#: reporters it quotes). An account (头条号) only when nobody else is credited.
POSTER_SOURCES = ("poster", "blog-owner", "account")
AUTHOR_SOURCES = (*AUTHOR_WEIGHTS, *POSTER_SOURCES)
AGREEMENT_BONUS = 0.05
MAX_AGREEING = 2


#: Paragraphs read for a European-language byline at each end of the body.
WESTERN_EDGE_LINES = 2
#: The sources used on pages that are not Chinese/Japanese.
WESTERN_AUTHOR_SOURCES = frozenset({"selector", "learned", "header", "body", "marked", "declared"})


@dataclass(frozen=True, slots=True)
class CreditEvidence:
    """Where credits may be found around an article (each optional)."""

    #: Text of the profile's author selector.
    selector: str = ""
    #: Lines between the headline and the body.
    header: tuple[str, ...] = ()
    #: The two lines right after the headline.
    after_title: tuple[str, ...] = ()
    #: The line right above the headline (a date line naming the author: "04.02.2022 | Jane Doe").
    above_title: str = ""
    #: Credits parsed from the credit lines removed from the body.
    body: Byline = field(default_factory=Byline)
    #: The body paragraphs kept (bracketed credits, photo captions).
    paragraphs: tuple[str, ...] = ()
    #: Picture credit lines the cleaning took out of the text (their photographers).
    picture_credits: tuple[str, ...] = ()
    #: Lines right after the body.
    footer: tuple[str, ...] = ()
    #: trafilatura's author guess (from <meta name="author"> and friends).
    guess: str | None = None
    #: People and organisations the page declares for machines (``declared_credits``):
    #: trafilatura drops Han names from its guess.
    declared: tuple[str, ...] = ()
    declared_organisations: tuple[str, ...] = ()
    #: A Chinese page: its <meta name="author"> names the CMS or the site more often than a
    #: person, so only a Han-script name is taken from the guess.
    cjk: bool = False
    #: The headline ("胡平：论言论自由" names its author before the colon).
    title: str | None = None
    #: The first line of the page: a personal blog shows its owner's name there.
    page_top: str | None = None
    #: The text of every line of the page: a name the page declares for machines is taken only
    #: when the page prints it too.
    printed: str = ""
    #: Texts of links to a user's or author's page near the headline (a platform's account:
    #: 头条号, 企鹅号): the poster when no person is credited.
    author_links: tuple[str, ...] = ()
    #: Lines under the headline in an element marked as the author's (class="author"): a
    #: European page's unlabelled byline ("Jane Doe", "Jane Doe, 21. Jan. 2015").
    marked: tuple[str, ...] = ()
    #: Credits read at the place of the site's learned byline (``SiteTemplate``).
    learned: str = ""
    #: The site's names (og:site_name, the profile's, learned from its <title>s): a declared
    #: author that is one of them is the source.
    site_names: tuple[str, ...] = ()
    #: The page's URL: its host names the site too (automobilwoche.de, kath.net).
    url: str = ""

    @property
    def host_names(self) -> tuple[str, ...]:
        """The letters of the host's names: www.tour-magazin.de -> ('tourmagazin', 'tourmagazinde')."""
        labels = (urlsplit(self.url).hostname or "").split(".")
        if len(labels) < 2:
            return ()
        names = [label for label in labels[:-1] if label not in _HOST_PREFIXES]
        tld = labels[-1]
        return tuple(dict.fromkeys(f for n in names for f in (_letters(n), _letters(n + tld))))


def _label_alone(line: str) -> bool:
    """True for a label in a table cell of its own (作者：): the name is on the next line."""
    stripped = line.strip()
    if len(stripped) > 12 or not stripped.endswith((":", "：")):  # a menu item "摄影" is no label
        return False
    return bool(_label_matches(stripped)) and not _without_labels(stripped).strip(" :：")


def _western(line: str) -> Byline:
    """A European-language line's credits: ``western_byline``'s, else a date line's name."""
    found = western_byline(line)
    if not found:
        return Byline(authors=dated_names(line))
    return Byline(found.authors, found.editors, found.source, found.photographers)


def _lines_byline(lines: tuple[str, ...], *, western: bool = False) -> tuple[Byline, str]:
    """The credits of a block of lines, and the first line naming an author.

    ``western``: a page in a European language, whose lines without Han characters are read
    as "By/Von/Par X" credits (``western_byline``).
    """
    byline = Byline()
    first = ""
    for index, line in enumerate(lines):
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        alone = _label_alone(line) or (western and is_by_word(line))
        if alone and following and len(following) <= MAX_LABELLED_VALUE:
            line = f"{line.strip()} {following}"
        if len(line) <= MAX_BYLINE_CHARS * 2:
            credits = _western(line) if western and not _HAN_RE.search(line) else parse_byline(line)
            if credits.authors and not first:
                first = line
            byline.merge(credits)
    return byline, first


def _title_author(evidence: CreditEvidence) -> list[str]:
    """The author a headline names before its colon (茉莉：我是…), when a line says just that name."""
    title = (evidence.title or "").strip()
    for colon in ("：", ":"):
        name, found, rest = title.partition(colon)
        name = name.strip()
        if (
            found
            and rest.strip()
            and 2 <= len(name) <= 8
            and any(line.strip() == name for line in (*evidence.header, *evidence.paragraphs[:5]))
        ):
            return [name] if is_person_name(name) else []
    return []


def _blog_owner(evidence: CreditEvidence, footer: tuple[str, ...]) -> list[str]:
    """The owner of a personal blog, who wrote what it posts unless the post names someone.

    "海姑娘的博客" in its title or first line; or a page that opens with a personal name (the
    blog's title) above a post line naming nobody (发表于 2004-12-27 12:40 - (阅读:3727)).
    """
    for text in (evidence.page_top or "", evidence.title or ""):
        simplified = to_simplified(text) or text
        for suffix in BLOG_OWNER_SUFFIXES:
            if suffix not in simplified:
                continue
            before, _, after = simplified.partition(suffix)
            if after[:1] and not _TITLE_PARTS_RE.match(after[:1]):
                continue  # 查看我的博客目录: a link's words, not a blog's name
            before = text[: len(before)] if len(simplified) == len(text) else before
            owner = _TITLE_PARTS_RE.split(before)[-1].strip(_EDGE_PUNCT)
            if owner and (is_person_name(owner) or is_user_name(owner)):
                return [owner]
    post_line = any(
        line.strip().lower().startswith(POST_LINE_OPENERS) and find_dates(line) for line in footer
    )
    return name_line(evidence.page_top or "") if post_line else []


#: Between names in a declared author value: "Jane Doe, John Smith", "A und B", "A & B".
_DECLARED_SPLIT_RE = re.compile(r"\s{0,3}[;；,，、|/]\s{0,3}|\s{1,3}(?:and|und|et|y|e|en|&)\s{1,3}")
_BY_WORDS_RE = re.compile(r"^\s{0,3}" + alternation(BY_WORDS, name="BY_WORDS") + r"\s{1,3}")


def _guess_names(evidence: CreditEvidence, printed: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(people, the site) in trafilatura's author guess (<meta name=author>, JSON-LD, rel=author).

    On Chinese pages the meta author often names the CMS, the site or an account: a Han name
    is taken, a Latin one only when the page prints it near the article too. On other pages a
    declared name must be printed somewhere on the page (a CMS login, an SEO plugin's default or
    a name from another page is no byline), must not be a placeholder (admin, Name, Autor), and
    one that is the site's own name is the source, not an author.
    """
    # what the page declares, as printed (trafilatura's guess drops the punctuation between names)
    raw = [*evidence.declared, evidence.guess or ""] if evidence.cjk else [*evidence.declared[:1]]
    if not evidence.cjk and not raw:
        raw = [evidence.guess or ""]
    names: list[str] = []
    for value in raw:
        if _URL_RE.search(value):
            continue  # a profile link, not a name
        for name in _DECLARED_SPLIT_RE.split(_BY_WORDS_RE.sub("", value.strip())):
            name = _BY_WORDS_RE.sub("", name.strip()).strip(" ,;:")
            name = name if _INITIAL_END_RE.search(name) else name.strip(".")
            if is_person_name(name) and name not in names:
                names.append(name)
    if evidence.cjk:
        nearby = " ".join(printed)
        names = [n for n in names if (_HAN_RE.search(n) or n in nearby)]
        if evidence.printed:  # a CMS user the page never shows is no byline
            names = [n for n in names if n in evidence.printed]
        return names, []
    names = [n for n in names if n.casefold() not in _PLACEHOLDER_AUTHORS]
    if evidence.printed:
        shown = " ".join(evidence.printed.split()).casefold()
        names = [n for n in names if " ".join(n.split()).casefold() in shown]
    site = _site_letters(evidence)
    outlets = [n for n in names if _letters(n) in site or is_agency(n) or is_company(n)]
    return [n for n in names if n not in outlets], outlets


def _letters(text: str) -> str:
    """The letters of a name, lower-cased: "TOUR Magazin", "tour-magazin" and "Tour.Magazin" are one."""
    return "".join(c for c in text.casefold() if c.isalnum())


#: A URL in a declared author (a profile link printed where a name belongs).
_URL_RE = re.compile(r"https?://|^www\.", re.IGNORECASE)
#: A name ending with an initial keeps its period ("Nicolas Gutierrez C.").
_INITIAL_END_RE = re.compile(r"(?:^|\s)[^\W\d_]\.$")
_PLACEHOLDER_AUTHORS = frozenset(PLACEHOLDER_AUTHORS)
#: Host labels that name no site (www.example.de, m.example.com, co.uk).
_HOST_PREFIXES = frozenset({"www", "www2", "m", "mobile", "amp", "co", "com", "org", "net", "ac", "gov"})


@dataclass(slots=True)
class _Source:
    """One source's credits, for the choice."""

    origin: str
    byline: Byline
    evidence: str = ""


def _sources(evidence: CreditEvidence) -> tuple[list[_Source], list[_Source]]:
    """(article credit sources, poster sources), each with what it credits."""
    western = not evidence.cjk
    header_lines = (*evidence.header, *evidence.after_title) if western else evidence.header
    header, header_line = _lines_byline(tuple(dict.fromkeys(header_lines)), western=western)
    if western and not header.authors and (over := dated_names(evidence.above_title)):
        header.authors, header_line = over, evidence.above_title
    footer_lines = before_section(evidence.footer)  # names after a 评论/相关文章 heading are others'
    footer, footer_line = _lines_byline(footer_lines)
    edges = evidence.paragraphs[:1] + evidence.paragraphs[-2:]
    brackets = Byline()
    for paragraph in dict.fromkeys(edges):
        brackets.merge(bracket_credits(paragraph))
    # a name line under the headline, or at the top of the body when the headline opens it
    top = tuple(p for p in evidence.paragraphs[:5] if len(p) <= 20)
    named = next(
        ((names, line) for line in (*evidence.after_title, *top) if (names := name_line(line))), ([], "")
    )
    if not named[0] and (title_names := _title_author(evidence)):
        named = (title_names, evidence.title or "")
    photos = Byline()
    for paragraph in evidence.paragraphs:
        if len(paragraph) <= MAX_BYLINE_CHARS and PHOTO_RE.search(paragraph):
            photos.merge(parse_byline(paragraph))
    for paragraph in evidence.paragraphs[-2:] if evidence.cjk else ():
        # a closing credit line the text kept (供稿 摄影/张三 编辑/李四): its editors and photographers
        if len(paragraph) <= MAX_BYLINE_CHARS:
            closing = parse_byline(paragraph)
            photos.merge(Byline(editors=closing.editors, photographers=closing.photographers))
    selector = parse_byline(evidence.selector) if evidence.selector else Byline()
    if evidence.selector and not selector.authors:
        selector.authors = split_names(evidence.selector)
    learned = parse_byline(evidence.learned) if evidence.learned else Byline()
    if evidence.learned and not learned.authors:
        learned.authors = split_names(evidence.learned, users=True)
    editors = {*header.editors, *evidence.body.editors, *footer.editors, *selector.editors}
    printed = (*evidence.header, *evidence.after_title, *footer_lines)
    declared, site = _guess_names(evidence, printed)
    declared = [n for n in declared if n not in editors]  # an editor is no author
    body, body_line = Byline().merge(evidence.body), ""
    if western:  # "Von Jan Koch" opening the text, "Text: X, Foto: Y" closing it
        paragraphs = evidence.paragraphs
        ends = dict.fromkeys(paragraphs[:WESTERN_EDGE_LINES] + paragraphs[-WESTERN_EDGE_LINES:])
        body, body_line = _lines_byline(tuple(p for p in ends if len(p) <= MAX_BYLINE_CHARS), western=True)
        body.merge(evidence.body)
    for line in evidence.picture_credits:
        credits = _western(line) if western and not _HAN_RE.search(line) else parse_byline(line)
        body.merge(Byline(photographers=credits.photographers))
    article = [
        _Source("selector", selector, evidence.selector),
        _Source("learned", learned, evidence.learned),
        _Source("header", header, header_line),
        _Source("body", body, body_line),
        _Source("footer", footer, footer_line),
        _Source("brackets", brackets),
        _Source("name-line", Byline(authors=named[0]), named[1]),
        _Source("marked", *_marked_names(evidence)),
        _Source("declared", Byline(authors=declared, source=next(iter(site), None))),
        _Source("photo", photos),
    ]
    posters = [p for line in (*evidence.header, *footer_lines) if (p := poster_name(line))]
    posters += [n for line in footer_lines if _is_post_line(line) for n in parse_byline(line).authors]
    accounts = [a for a in evidence.author_links if is_person_name(a) or is_user_name(a)]
    poster = [
        _Source("poster", Byline(authors=posters[:1])),
        _Source("blog-owner", Byline(authors=_blog_owner(evidence, footer_lines))),
        _Source("account", Byline(authors=[a for a in accounts[:1] if not is_outlet(a)])),
    ]
    if not evidence.cjk:
        # On other pages the footer, poster, bracket, name-line and photo rules named the wrong
        # people on every European dev site where they decided (bench: author sources per site):
        # their credits are the header's byline and what the page declares.
        for source in (*article, *poster):
            if source.origin not in WESTERN_AUTHOR_SOURCES:
                source.byline = Byline(editors=source.byline.editors, source=source.byline.source)
    return article, poster


def _marked_names(evidence: CreditEvidence) -> tuple[Byline, str]:
    """The people an author-marked line under the headline names (European pages)."""
    if evidence.cjk:
        return Byline(), ""
    site = _site_letters(evidence)
    for index, line in enumerate(evidence.marked):
        if is_by_word(line) and index + 1 < len(evidence.marked):
            line = f"{line} {evidence.marked[index + 1]}"  # "Von:" / "Jane Doe"
        if names := [n for n in western_names(line) if _letters(n) not in site]:
            return Byline(authors=names), line
    return Byline(), ""


def _site_letters(evidence: CreditEvidence) -> set[str]:
    """The site's names as letters (og:site_name, the profile's, the host's): never an author."""
    return {_letters(n) for n in evidence.site_names} | set(evidence.host_names)


def _is_post_line(line: str) -> bool:
    """A blog's or forum's post line after the body: a poster label, and a date or a counter."""
    labels = _label_matches(line)
    return (
        bool(labels)
        and labels[0].label in POSTER_LABELS
        and (bool(find_dates(line)) or any(w in line for w in POST_LINE_WIDGETS))
    )


def choose_credits(evidence: CreditEvidence) -> tuple[Byline, dict[str, Choice]]:
    """Authors, editors, photographers and source of an article, and how each was chosen.

    Every source's credits are a candidate (``AUTHOR_WEIGHTS``); the authors are those of the
    source scoring best, its weight plus a little for each other source naming the same person.
    A blog's or forum's poster is added to them (a repost credits its reporters and its poster);
    a blog's owner or a platform account names the poster only when nobody else is credited.
    Editors and photographers are collected from every source; the source outlet is scored like
    the authors (``SOURCE_WEIGHTS``). The choices are keyed ``authors``, ``editors``, ``source``.
    """
    article, posters = _sources(evidence)
    choice = Choice("authors")
    scored: list[tuple[float, _Source]] = []
    for source in article:
        names = source.byline.authors
        if not names or source.origin not in AUTHOR_WEIGHTS:
            continue
        agreeing = sum(
            1 for other in article if other is not source and set(other.byline.authors) & set(names)
        )
        score = AUTHOR_WEIGHTS[source.origin] + AGREEMENT_BONUS * min(MAX_AGREEING, agreeing)
        scored.append((score, source))
        notes = [f"named by {agreeing} other source(s) too"] if agreeing else []
        choice.candidates.append(
            Candidate(
                list(names),
                source.origin,
                AUTHOR_WEIGHTS[source.origin],
                round(score, 3),
                evidence=source.evidence[:200],
                notes=notes,
            )
        )
    result = Byline()
    if scored:
        score, best = max(scored, key=lambda pair: pair[0])
        result.authors, result.origin = list(best.byline.authors), best.origin
        choice.score, choice.reason = round(score, 3), f"the best-scoring source: {best.origin}"
    posted = False
    for source in posters:
        names = [n for n in source.byline.authors if n not in result.authors]
        if not names or (source.origin != "poster" and (posted or result.authors)):
            continue  # a blog's owner or a platform account only when nobody else is credited
        posted = True
        choice.candidates.append(Candidate(names, source.origin, 0.5, evidence=source.evidence[:200]))
        result.authors.extend(names)
        result.origin = result.origin or source.origin
        choice.reason = (
            choice.reason + "; " if choice.reason else ""
        ) + f"the page's poster ({source.origin})"
    result.editors, editors = _choose_editors((*article, *posters))
    result.photographers = list(
        dict.fromkeys(p for source in (*article, *posters) for p in source.byline.photographers)
    )
    result.source, outlet = _choose_source((*article, *posters), evidence)
    choice.value, choice.source = list(result.authors), result.origin
    if not choice.reason:
        choice.reason = "no source names a person"
    return result, {"authors": choice, "editors": editors, "source": outlet}


def _choose_editors(sources: Sequence[_Source]) -> tuple[list[str], Choice]:
    """The editors every source names, in the order of the sources (an editor is never an author)."""
    choice = Choice("editors")
    editors: list[str] = []
    for source in sources:
        if source.byline.editors:
            weight = AUTHOR_WEIGHTS.get(source.origin, POSTER_WEIGHT)
            choice.candidates.append(
                Candidate(list(source.byline.editors), source.origin, weight, weight, source.evidence[:200])
            )
            editors.extend(e for e in source.byline.editors if e not in editors)
    choice.value = editors
    choice.source = choice.candidates[0].source if choice.candidates else None
    choice.reason = "the editors every source names, joined" if editors else "no source names an editor"
    return editors, choice


#: How far each place that names the outlet is trusted (the author sources' weights otherwise):
#: a date line naming its paper, a wire dateline, a closing citation, the site's name declared
#: as the author, a declared publishing organisation, the outlet of a photo's credit.
SOURCE_WEIGHTS = {
    "date-line": 0.88,
    "wire": 0.86,
    "citation": 0.78,
    "declared": 0.6,
    "declared-organisation": 0.55,
    "photo": 0.3,
}
POSTER_WEIGHT = 0.5
#: Paragraphs read for a wire dateline (a subtitle and the author's name may come first).
WIRE_PARAGRAPHS = 3


def _outlet_sources(evidence: CreditEvidence) -> list[_Source]:
    """Outlets printed outside a 来源 label: beside the date, in a wire dateline, in a citation."""
    if not evidence.cjk:
        return []
    found: list[_Source] = []
    for line in dict.fromkeys((*evidence.header, *evidence.after_title)):
        if outlet := date_line_outlet(line):
            found.append(_Source("date-line", Byline(source=outlet), line))
            break
    for paragraph in evidence.paragraphs[:WIRE_PARAGRAPHS]:
        if outlet := wire_outlet(paragraph):
            found.append(_Source("wire", Byline(source=outlet), paragraph))
            break
    for line in (*evidence.paragraphs[-2:], *before_section(evidence.footer)[:3]):
        if outlet := cited_outlet(line):
            found.append(_Source("citation", Byline(source=outlet), line))
            break
    return found


def _choose_source(sources: Sequence[_Source], evidence: CreditEvidence) -> tuple[str | None, Choice]:
    """The outlet behind the article: the best-scoring place naming one, agreement adding a little."""
    choice = Choice("source")
    organisations = [o for o in evidence.declared_organisations if is_outlet(o) or not _HAN_RE.search(o)]
    named = [s for s in (*sources, *_outlet_sources(evidence)) if s.byline.source]
    named += [_Source("declared-organisation", Byline(source=o)) for o in organisations[:1]]
    best: tuple[float, str] | None = None
    for source in named:
        outlet = source.byline.source or ""
        weight = SOURCE_WEIGHTS.get(source.origin, AUTHOR_WEIGHTS.get(source.origin, POSTER_WEIGHT))
        agreeing = sum(1 for other in named if other is not source and other.byline.source == outlet)
        score = round(weight + AGREEMENT_BONUS * min(MAX_AGREEING, agreeing), 3)
        notes = [f"named by {agreeing} other source(s) too"] if agreeing else []
        choice.candidates.append(
            Candidate(outlet, source.origin, weight, score, source.evidence[:200], notes=notes)
        )
        if best is None or score > best[0]:
            best, choice.source = (score, outlet), source.origin
    if best is None:
        choice.reason = "no place names the outlet"
        return None, choice
    choice.score, choice.value = best
    choice.reason = f"the best-scoring place: {choice.source}"
    return choice.value, choice


def collect_credits(evidence: CreditEvidence) -> Byline:
    """Authors, editors, photographers and source of an article (``choose_credits`` without the why)."""
    return choose_credits(evidence)[0]
