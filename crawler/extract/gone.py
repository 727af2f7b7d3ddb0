"""Recognise pages that say the article is gone: 404 templates served with 200, deletion notices."""

from __future__ import annotations

from crawler.extract.patterns import GONE_RE

#: A notice is short; a long article that merely mentions "页面不存在" is still an article.
MAX_NOTICE_CHARS = 300


def is_gone_notice(title: str | None, text: str, page_text: str = "") -> bool:
    """True when a fetched page is a short notice that the article was deleted or never existed.

    ``text`` is the extracted article text; extraction often finds nothing on such pages, so
    the page's visible text (``page_text``) is checked too when the article text is short.
    """
    if len(text) > MAX_NOTICE_CHARS:
        return False
    return any(GONE_RE.search(part[:5000]) for part in (title or "", text, page_text))
