"""Recognise pages that say the article is gone: 404 templates served with 200, deletion notices.

Judged from the article's own words, never from the rest of the page: a sidebar listing a
headline "…页面不存在…" or a brief whose headline says "…文章已删除…" is still an article. A
page is a notice when its text is a short notice line (with at most a few words besides, such
as 返回首页); when extraction found no text at all, its headline or the page's own text outside
links (never a list of linked headlines) may say so instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.extract.patterns import GONE_RE

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: A page whose own text outside links is longer than this is not a bare notice.
MAX_NOTICE_CHARS = 300
#: A notice says it in one short line ("对不起，该文章已删除！"); a longer line is a sentence of an article.
MAX_NOTICE_LINE = 40
#: Words besides the notice lines ("返回首页", "3秒后自动跳转").
MAX_OTHER_CHARS = 40
#: Text nodes read from a page without article text (bounded work on huge pages).
MAX_NODES = 2000


def is_gone_notice(title: str | None, text: str, tree: HtmlElement | None = None) -> bool:
    """True when a fetched page is a notice that the article was deleted or never existed.

    ``text`` is the extracted article text; ``tree`` the parsed page, read only when ``text``
    is empty (extraction often finds nothing on such pages).
    """
    if text.strip():
        return _is_notice(text)
    if title and len(title) <= MAX_NOTICE_LINE and GONE_RE.search(title):
        return True
    own = _text_outside_links(tree) if tree is not None else ""
    return len(own) <= MAX_NOTICE_CHARS and _is_notice(own)


def _is_notice(text: str) -> bool:
    """Short notice lines and almost nothing else."""
    if len(text) > MAX_NOTICE_CHARS * 4:
        return False
    notices = other = 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if len(line) <= MAX_NOTICE_LINE and GONE_RE.search(line):
            notices += 1
        else:
            other += len(line)
    return notices > 0 and other <= MAX_OTHER_CHARS


def _text_outside_links(tree: HtmlElement) -> str:
    """The page's visible words that are not link texts, one text node a line."""
    nodes = tree.xpath(
        "//body//text()[not(ancestor::a) and not(ancestor::script) and not(ancestor::style)"
        " and not(ancestor::noscript) and not(ancestor::option)]"
    )
    lines = []
    size = 0
    for node in nodes[:MAX_NODES]:
        line = str(node).strip()
        if line:
            lines.append(line)
            size += len(line)
            if size > MAX_NOTICE_CHARS * 4:
                break
    return "\n".join(lines)
