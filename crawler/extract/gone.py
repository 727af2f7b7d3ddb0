"""Recognise pages that say the article is gone: 404 templates served with 200, deletion notices."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

#: Phrases of deletion / not-found notices on Chinese and English news sites.
GONE_PHRASES = (
    "该文章已删除",
    "文章已删除",
    "文章已被删除",
    "该信息已删除",
    "信息已被删除",
    "页面不存在",
    "文章不存在",
    "您访问的页面不存在",
    "您访问的文章不存在",
    "页面已删除",
    "该页面已被删除",
    "内容已下线",
    "稿件已撤回",
    "page not found",
    "article has been removed",
    "this article is no longer available",
)
GONE_RE = re.compile("|".join(re.escape(p) for p in GONE_PHRASES), re.IGNORECASE)
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
