"""Remove the boilerplate that trafilatura leaves in the text, paragraph by paragraph.

Three layers, applied in this order to every paragraph (line) of the extracted text:

1. learned: paragraphs whose fingerprint the site's ``BoilerplateLearner`` has learned;
2. the site's own ``boilerplate_patterns`` from its profile;
3. generic rules for Chinese and English (``patterns.py``): copyright and disclaimer notices
   (a 版权与免责声明 heading takes its numbered clauses with it), share/print/close widgets,
   原标题 lines, pagination bars, and credit lines (责任编辑, 来源, 记者), which are parsed
   into metadata rather than thrown away.

Rules match a simplified copy of each line, so traditional pages need no rules of their own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crawler.extract.byline import (
    BRACKET_RE,
    Byline,
    bracket_credits,
    is_byline_line,
    parse_byline,
    strip_lead_credits,
)
from crawler.extract.learned import fingerprint
from crawler.extract.patterns import (
    CLAUSE_RE,
    CLAUSE_WORDS_RE,
    DISCLAIMER_HEADING_RE,
    DISCLAIMER_RE,
    IMAGE_CREDIT_RE,
    LINK_LINE_RE,
    ORIGINAL_TITLE_RE,
    TRAILING_WIDGET_RE,
    WIDGET_RE,
)
from crawler.extract.script import to_simplified

if TYPE_CHECKING:
    from collections.abc import Sequence

#: A paragraph this short holding a disclaimer phrase is a notice, wherever the phrase is.
MAX_NOTICE_CHARS = 160
#: In a longer paragraph the phrase must open it (within this many characters) to remove it.
NOTICE_LEAD_CHARS = 40
#: A widget phrase removes its paragraph only when the paragraph is this short.
MAX_WIDGET_CHARS = 40
#: ... and opens it (after symbols only: 【, [, ·) or stands in a line without sentence punctuation.
SENTENCE_PUNCTUATION_RE = re.compile(r"[，。；！？]")
_WORD_RE = re.compile(r"[^\W_]")
#: A credit line under a picture (Foto: dpa, © Getty Images) is at most this long.
MAX_IMAGE_CREDIT_CHARS = 80
#: The profile's patterns (user input) see at most this many characters of a paragraph, so even a
#: pattern that backtracks quadratically stays bounded; boilerplate lines are far shorter.
MAX_SITE_PATTERN_CHARS = 1000
#: Learned boilerplate is not applied to an article when it would remove more than this share of it.
MAX_LEARNED_SHARE = 0.5
#: Opening credits (本报讯（记者 张三）) are looked for in this many first kept paragraphs.
LEAD_PARAGRAPHS = 2
#: Pagination bars: page numbers and navigation words only, bare or bracketed ([1] [2] [下一页]).
#: Each token starts with a character no other token starts with, so every repetition is
#: possessive: linear time on any line
#: (the nested, backtracking form took seconds on a bar of 15 numbers and grew 4x per number).
PAGINATION_RE = re.compile(
    r"^(?:[\s|·]++|上一页|下一页|首页|尾页|末页|共\s*+\d++\s*+页|第\s*+\d++\s*+页|\d{1,3}+|[<>«»]++"
    r"|[\[【](?:\d{1,3}+|上一页|下一页|首页|尾页|末页)[\]】])++$"
)

LEARNED = "learned"
SITE = "site"
DISCLAIMER = "disclaimer"
WIDGET = "widget"
ORIGINAL_TITLE = "original_title"
IMAGE_CREDIT = "image_credit"
BYLINE = "byline"
PAGINATION = "pagination"


@dataclass(slots=True)
class CleanedText:
    """Paragraphs kept, what was removed (kind -> count), and the credits parsed on the way."""

    paragraphs: list[str]
    removed: Counter[str] = field(default_factory=Counter)
    byline: Byline = field(default_factory=Byline)
    #: Picture credit lines removed from the text (``Foto: Jane Doe``): they still name photographers.
    picture_credits: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The kept paragraphs, one per line."""
        return "\n".join(self.paragraphs)


#: How a paragraph with a widget glued to its end ends (a cheap test before the expression).
_TRAILING_WIDGET_ENDS = ("页", ">", "》", "»", "多", "部", "表")


def is_disclaimer(line: str) -> bool:
    """A copyright/disclaimer/reprint notice (not a paragraph that merely mentions copyright)."""
    match = DISCLAIMER_RE.search(line)
    if match is None:
        return False
    return len(line) <= MAX_NOTICE_CHARS or match.start() <= NOTICE_LEAD_CHARS


def is_widget(line: str) -> bool:
    """A share/print/close/related-links widget or a permalink line, not prose that uses the words.

    Old pages break sentences into short lines (``他就能分享到一份胜利者的光荣。``): a widget's
    words open its line (after symbols only), or the line has no sentence punctuation.
    """
    if LINK_LINE_RE.match(line):  # Trackback: http://…, 本文链接：http://…
        return True
    if len(line) > MAX_WIDGET_CHARS:
        return False
    match = WIDGET_RE.search(line)
    if match is None:
        return False
    opens = not _WORD_RE.search(line[: match.start()])
    return opens or not SENTENCE_PUNCTUATION_RE.search(line)


def is_image_credit(line: str) -> bool:
    """A picture's credit line (``Foto: dpa``, ``© Getty Images``, ``图片来源：网络``)."""
    return len(line) <= MAX_IMAGE_CREDIT_CHARS and bool(IMAGE_CREDIT_RE.match(line))


def _is_clause(line: str) -> bool:
    return bool(CLAUSE_RE.match(line)) or bool(CLAUSE_WORDS_RE.search(line) and len(line) <= MAX_NOTICE_CHARS)


def _simplified(line: str) -> str:
    return to_simplified(line) or line


def clean_paragraphs(
    paragraphs: Sequence[str],
    *,
    site_patterns: Sequence[re.Pattern[str]] = (),
    learned: frozenset[str] = frozenset(),
) -> CleanedText:
    """Apply the three layers to ``paragraphs``; credit lines are parsed into ``byline``.

    Learned paragraphs are a minority of any real article; when they would be most of this
    one (templated reports whose paragraphs differ only in their figures), the learned layer
    is not applied to it and ``removed["learned_ignored"]`` says so.
    """
    result = CleanedText(paragraphs=[])
    if learned:
        hits = sum(1 for p in paragraphs if p.strip() and fingerprint(p.strip()) in learned)
        if hits and hits > MAX_LEARNED_SHARE * sum(1 for p in paragraphs if p.strip()):
            result.removed["learned_ignored"] = hits
            learned = frozenset()
    in_disclaimer = False
    for raw in paragraphs:
        line = raw.strip()
        if line.endswith(_TRAILING_WIDGET_ENDS):
            line, cut = TRAILING_WIDGET_RE.subn("", line)
            line = line.strip()
            if cut:
                result.removed[WIDGET] += 1
        if not line:
            continue
        simple = _simplified(line)
        kind: str | None = None
        if in_disclaimer and (_is_clause(simple) or is_disclaimer(simple)):
            kind = DISCLAIMER
        else:
            in_disclaimer = False
            if learned and fingerprint(line) in learned:
                kind = LEARNED
            elif any(
                p.search(line[:MAX_SITE_PATTERN_CHARS]) or p.search(simple[:MAX_SITE_PATTERN_CHARS])
                for p in site_patterns
            ):
                kind = SITE
            elif DISCLAIMER_HEADING_RE.match(simple):
                kind, in_disclaimer = DISCLAIMER, True
            elif is_disclaimer(simple):
                kind = DISCLAIMER
            elif ORIGINAL_TITLE_RE.match(simple):
                kind = ORIGINAL_TITLE
            elif PAGINATION_RE.match(simple):
                kind = PAGINATION
            elif is_byline_line(line):
                kind = BYLINE
                result.byline.merge(
                    bracket_credits(line) if BRACKET_RE.fullmatch(line) else parse_byline(line)
                )
            elif is_image_credit(simple):
                kind = IMAGE_CREDIT
                result.picture_credits.append(line)
            elif is_widget(simple):
                kind = WIDGET
        if kind is None and len(result.paragraphs) < LEAD_PARAGRAPHS:
            line, credits = strip_lead_credits(line)
            if credits:
                result.byline.merge(credits)
                result.removed[BYLINE] += 1
                if not line:
                    continue
        if kind is None:
            result.paragraphs.append(line)
        else:
            result.removed[kind] += 1
    return result
