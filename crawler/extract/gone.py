"""Recognise pages that say the article is gone: 404 templates served with 200, deletion notices."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from crawler.extract.patterns import GONE_RE

#: A notice is short; a long article that merely mentions "页面不存在" is still an article.
MAX_NOTICE_CHARS = 300


def is_gone_notice(title: str | None, text: str, html: str = "") -> bool:
    """True when a fetched page is a short notice that the article was deleted or never existed.

    ``text`` is the extracted article text; extraction often finds nothing on such pages, so
    the visible text of ``html`` is checked too when the article text is short.
    """
    if len(text) > MAX_NOTICE_CHARS:
        return False
    if GONE_RE.search(title or "") or GONE_RE.search(text):
        return True
    return bool(html) and bool(GONE_RE.search(_visible_text(html)[:5000]))


def _visible_text(html: str) -> str:
    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, etree.ParserError):
        return ""
    for element in tree.xpath("//script|//style"):
        element.drop_tree()
    return " ".join(tree.text_content().split())
