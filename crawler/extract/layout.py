"""Where the article sits in the page: the headline line, the lines before the body, the lines after it.

The article's own date line and byline are printed between the headline and the body
(``2022-02-13 07:00 来源：央广网 作者：李楠``) or right after it (``责任编辑：苏亮``), while
sidebars, archives and footers print other dates and names. Reading the whole page as lines
and locating the extracted body in it tells the two apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Lines read between the headline and the body.
HEADER_LINES = 12
#: Lines read before the body when the headline is not found.
HEADER_LINES_WITHOUT_TITLE = 6
#: Lines under the headline read for its date line when the body starts right under it.
BODY_TOP_LINES = 3
#: Lines read above the headline.
ABOVE_TITLE_LINES = 3
#: Lines read after the body.
FOOTER_LINES = 8
#: How far into the body the headline is looked for when it is not before the body.
TITLE_IN_BODY_LINES = 8
#: Characters of a paragraph used to find it among the page lines.
PROBE_CHARS = 12


def _squash(text: str) -> str:
    """``text`` without its whitespace.

    ``str.split`` cuts at the characters a regex's space class matches, ~3x faster than a regex
    substitution; this runs on every line of the page.
    """
    return "".join(text.split())


@dataclass(frozen=True, slots=True)
class Layout:
    """The page as lines, with the headline and the body located (indexes into ``lines``)."""

    lines: tuple[str, ...]
    title_index: int | None = None
    body_start: int | None = None
    body_end: int | None = None

    @property
    def header(self) -> tuple[str, ...]:
        """Lines between the headline and the body (or just before the body)."""
        if self.body_start is None:
            start = (self.title_index + 1) if self.title_index is not None else 0
            return self.lines[start : start + HEADER_LINES]
        if self.title_index is not None and self.title_index < self.body_start:
            start = max(self.title_index + 1, self.body_start - HEADER_LINES)
            return self.lines[start : self.body_start]
        if self.title_index is not None:  # headline inside the extracted body
            return self.lines[self.title_index + 1 : self.title_index + 1 + HEADER_LINES_WITHOUT_TITLE]
        return self.lines[max(0, self.body_start - HEADER_LINES_WITHOUT_TITLE) : self.body_start]

    @property
    def date_header(self) -> tuple[str, ...]:
        """The header, and first the lines right under the headline when the header does not reach them.

        A date line may sit under the headline above a long block of teasers, tags and ads that
        fills the header's last ``HEADER_LINES`` lines before the body.
        """
        header = self.header
        if self.title_index is None or self.body_start is None or self.title_index >= self.body_start:
            return header
        if not header:  # the body starts right under the headline: its first lines (the extractor
            # may drop a "Pressemitteilung vom 20.01.2022" line that is not a paragraph of the text)
            return self.lines[self.title_index + 1 : self.title_index + 1 + BODY_TOP_LINES]
        top = self.lines[self.title_index + 1 : min(self.body_start, self.title_index + 1 + HEADER_LINES)]
        if not top or top == header[: len(top)]:
            return header
        skipped = self.body_start - len(header) - (self.title_index + 1)
        return top[: max(0, skipped)] + header

    @property
    def after_title(self) -> tuple[str, ...]:
        """The two lines right after the headline (an unlabelled author line lives here)."""
        if self.title_index is None:
            return ()
        return self.lines[self.title_index + 1 : self.title_index + 3]

    @property
    def above_title(self) -> tuple[str, ...]:
        """The lines just above the headline."""
        if self.title_index is None:
            return ()
        return self.lines[max(0, self.title_index - ABOVE_TITLE_LINES) : self.title_index]

    @property
    def footer(self) -> tuple[str, ...]:
        """Lines right after the body."""
        if self.body_end is None:
            return ()
        return self.lines[self.body_end + 1 : self.body_end + 1 + FOOTER_LINES]


def _find(lines: list[str], probe: str, start: int = 0) -> int | None:
    for index in range(start, len(lines)):
        if probe and probe in lines[index]:
            return index
    return None


def _probe(paragraph: str) -> str:
    return _squash(paragraph)[:PROBE_CHARS]


#: An info line is at most this long: a date line, or a byline at most ``MAX_CREDIT_CHARS``.
MAX_INFO_CHARS = 80
MAX_CREDIT_CHARS = 60


def info_lines(lines: Sequence[str], body_start: int | None, reach: int = 60) -> frozenset[int]:
    """Indexes of the date lines and bylines above the body and among its first lines (or at the top)."""
    from crawler.extract.byline import has_credit_label
    from crawler.extract.dates import is_dateline

    end = body_start + INFO_IN_BODY if body_start is not None else reach
    end = min(len(lines), end)
    found = set()
    for index in range(max(0, end - reach - INFO_IN_BODY), end):
        line = lines[index]
        size = len(_squash(line))
        if size <= MAX_INFO_CHARS and (
            (size <= MAX_CREDIT_CHARS and has_credit_label(line)) or is_dateline(line)
        ):
            found.add(index)
    return frozenset(found)


#: Lines of the extracted body looked at for a date line or byline inside it, before its prose
#: (a line of at least PROSE_CHARS characters) starts.
INFO_IN_BODY = 8
PROSE_CHARS = 50


def header_end(lines: Sequence[str], body_start: int | None, info: frozenset[int]) -> int | None:
    """Where the article's header ends: the body's start, or an info line in its first lines.

    An extracted body may open with the headline block itself (主题：, the headline, then
    ``作者：… 时间：…``): then the headline is looked for above that info line.
    """
    if body_start is None:
        return None
    for index in range(body_start, min(len(lines), body_start + INFO_IN_BODY)):
        if index in info:
            return index
        if len(_squash(lines[index])) >= PROSE_CHARS:  # the text has started
            break
    return body_start


def find_body(lines: Sequence[str], paragraphs: list[str]) -> tuple[int | None, int | None]:
    """(first, last) index of the body ``paragraphs`` among the page ``lines`` (None when not found)."""
    squashed = [_squash(line) for line in lines]
    body_start = body_end = None
    long_paragraphs = [p for p in paragraphs if len(_squash(p)) >= PROBE_CHARS] or paragraphs
    if long_paragraphs:
        body_start = _find(squashed, _probe(long_paragraphs[0]))
        if body_start is not None:
            # the first body line may be shorter than the probe: step back over paragraphs before it
            for paragraph in paragraphs[: paragraphs.index(long_paragraphs[0])][::-1]:
                if body_start > 0 and _squash(paragraph) and _squash(paragraph) in squashed[body_start - 1]:
                    body_start -= 1
            last = _find(squashed, _probe(long_paragraphs[-1]), body_start)
            body_end = last if last is not None else body_start
    return body_start, body_end


def locate(
    lines: Sequence[str], title: str | None, paragraphs: list[str], *, title_index: int | None = None
) -> Layout:
    """Locate ``title`` and the body ``paragraphs`` among the page ``lines``.

    ``title_index`` is the headline's line when the title choice read it from the page.
    """
    lines = [line for line in lines if line.strip()] if title_index is None else list(lines)
    body_start, body_end = find_body(lines, paragraphs)
    if title_index is not None:
        return Layout(tuple(lines), title_index, body_start, body_end)
    squashed = [_squash(line) for line in lines]
    if title:
        wanted = _squash(title)

        def is_title(index: int) -> bool:
            line = squashed[index]
            return bool(line) and (line == wanted or (len(line) >= 4 and (wanted in line or line in wanted)))

        limit = body_start if body_start is not None else len(lines)
        before = [i for i in range(limit - 1, -1, -1) if is_title(i)]
        # the extracted body may start with the headline block itself
        inside = [i for i in range(limit, min(len(lines), limit + TITLE_IN_BODY_LINES)) if is_title(i)]
        title_index = before[0] if before else (inside[-1] if inside else None)
    return Layout(tuple(lines), title_index, body_start, body_end)
