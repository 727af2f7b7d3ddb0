"""Pages that print several posts one after another: the article is the first one.

A blog's front page or archive page, and a forum thread, repeat one frame per post: a title,
a line with the post's date and time, the text, a footer (``由某某张贴 @ …``, ``阅读(3) 评论(1)``).
Both extractors then go wrong: trafilatura takes every post as one text, readability the
longest post. The frame shows the posts apart: date-and-time lines alone on their line, in
one kind of element, each followed by text printed in another. The article is the first
post (what a reader who opens the page reads first, and what the evaluation labels say):
the text from its date line to the next post's title.

A chronology inside an article (dates alone on their lines, each followed by a paragraph)
is not a frame: its dates print no time, or sit in the same place as its paragraphs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crawler.extract.dates import is_dateline
from crawler.extract.htmltext import element_path
from crawler.extract.layout import _probe as probe
from crawler.extract.layout import _squash as squash

if TYPE_CHECKING:
    from collections.abc import Sequence

    from crawler.extract.htmltext import PageLine

#: A post's date line is this short (a date, a time, perhaps a label) ...
MAX_FRAME_CHARS = 40
#: ... and prints a full date and a time: cheap test before ``is_dateline``. Bounded repeats:
#: linear on any line.
FRAME_DATE_RE = re.compile(r"(?:19|20)\d\d\D{1,3}\d{1,2}\D{1,3}\d{1,2}\D{0,3}\s{0,3}\d{1,2}:\d\d")
#: A post holds at least this many characters of text outside links and outside the frames' places.
MIN_POST_CHARS = 30
#: A post's title (the line just above its date line) is at most this long.
MAX_TITLE_CHARS = 60


def _place(line: PageLine) -> str:
    """The kind of element a line sits in: its tag, class and id, not where it is.

    A frame moved into a table cell is still a frame.
    """
    return element_path(line.element, line.element.getparent())


def _frames(lines: Sequence[PageLine]) -> list[int]:
    """Indexes of the post date lines: the first element tag repeating a date-and-time line.

    By tag alone: a frame whose date sits in a cell of its own (``<nobr>`` moved into a nested
    table) is still one of the page's frames.
    """
    by_tag: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        text = line.text
        if len(text) > MAX_FRAME_CHARS or line.is_link:
            continue
        if FRAME_DATE_RE.search(text) and is_dateline(text):
            by_tag.setdefault(line.element.tag, []).append(index)
    repeated = [indexes for indexes in by_tag.values() if len(indexes) >= 2]
    return min(repeated) if repeated else []


def _post_chars(lines: Sequence[PageLine], start: int, end: int, places: set[str]) -> int:
    """Characters of text between two frames, outside links and outside the frames' own places."""
    return sum(
        len(lines[i].text)
        for i in range(start, end)
        if not lines[i].is_link and _place(lines[i]) not in places
    )


def _title_above(lines: Sequence[PageLine], frame: int, floor: int) -> int:
    """Where the post of the date line ``frame`` starts: its title line just above, if it has one."""
    above = frame - 1
    if above > floor and not lines[above].is_link and len(lines[above].text) <= MAX_TITLE_CHARS:
        return above
    return frame


def _locate(squashed: Sequence[str], paragraphs: Sequence[str]) -> list[int]:
    """The page line of each paragraph, in order (a paragraph not found takes its predecessor's)."""
    found: list[int] = []
    at = 0
    for paragraph in paragraphs:
        start = probe(paragraph)
        index = next((i for i in range(at, len(squashed)) if start and start in squashed[i]), None)
        if index is not None:
            at = index
        found.append(at)
    return found


def first_post(
    lines: Sequence[PageLine], paragraphs: list[str], body_start: int | None, body_end: int | None
) -> list[str] | None:
    """The paragraphs of the page's first post when the body spans or misses it, else None.

    Fires only when the body found (lines ``body_start``..``body_end``) begins at the first
    post at the latest, goes on past its end, and begins before the last frame (a list of dated
    snippets above the article is no set of posts).
    """
    if body_start is None or body_end is None:
        return None
    frames = _frames(lines)
    if len(frames) < 2:
        return None
    first, second, last = frames[0], frames[1], frames[-1]
    if not (first <= body_start + 2 and body_end >= second and body_start < last):
        return None
    places = {_place(lines[first]), _place(lines[second])}
    cut = _title_above(lines, second, first)
    after_second = frames[2] if len(frames) > 2 else len(lines)
    if _post_chars(lines, first + 1, cut, places) < MIN_POST_CHARS:
        return None
    if _post_chars(lines, second + 1, after_second, places) < MIN_POST_CHARS:
        return None
    if body_start >= cut:  # the body is a later post: read the first one from the page
        return [lines[i].text for i in range(first + 1, cut) if not lines[i].is_link]
    located = _locate([squash(line.text) for line in lines], paragraphs)
    return [p for p, index in zip(paragraphs, located, strict=True) if first < index < cut]
