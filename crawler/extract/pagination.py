"""Multi-page articles: find every page of an article, and merge the pages into one article.

Chinese portals split long articles over ``foo.html``, ``foo_2.html`` ... (DedeCMS, PHPCMS),
``t2022_123.html``, ``t2022_123_1.html`` ... (TRS: ``_1`` is the second page), ``index.htm``,
``index_1.htm`` ..., or ``?page=2``. Only links that look like page links (a number, 第N页,
下一页/上一页, 尾页) and share the article's URL stem count, so related articles never do.
When the numbering is known, the pages in between are listed too: a page that the bar
does not show is still fetched, and one that cannot be fetched is reported by
``merge_pages`` instead of being skipped silently.

Both functions are pure; the spider fetches the pages.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import html as lxml_html

from crawler.extract.patterns import NEXT_PAGE_TEXTS, PAGE_PARAMS, alternation
from crawler.extract.script import detect_script, to_simplified
from crawler.extract.urls import join_url, normalize_url
from crawler.items import content_hash

if TYPE_CHECKING:
    from crawler.items import Article

#: Link texts of a pagination bar.
PAGE_TEXT_RE = re.compile(
    r"^\s*(?:\d{1,3}|\[\d{1,3}\]|第\s*\d{1,3}\s*页|上一页|上页|前一页|尾页|末页|首页|"
    + alternation(NEXT_PAGE_TEXTS, name="NEXT_PAGE_TEXTS")[3:-1]
    + r")\s*$"
)
_SUFFIX_RE = re.compile(r"^(?P<stem>.+?)_(?P<n>\d{1,3})(?P<ext>\.s?html?|\.php|\.aspx?|\.jsp)$", re.I)
_EXT_RE = re.compile(r"^(?P<stem>.+?)(?P<ext>\.s?html?|\.php|\.aspx?|\.jsp)$", re.I)
#: Never list more pages than this (a broken bar must not make the spider fetch 10,000 URLs).
MAX_PAGES = 50


def _path_template(path: str) -> tuple[str, str] | None:
    """(stem, ext) of an article path: /a/foo_3.html and /a/foo.html -> ('/a/foo', '.html')."""
    match = _SUFFIX_RE.match(path) or _EXT_RE.match(path)
    return (match.group("stem"), match.group("ext")) if match else None


def _page_param(query: str) -> str | None:
    for key, _ in parse_qsl(query, keep_blank_values=True):
        if key.lower() in PAGE_PARAMS:
            return key
    return None


def _numbered(link: str, url: str) -> int | None:
    """The page number of ``link`` if it is a page of the article at ``url``, else None."""
    here, there = urlsplit(url), urlsplit(link)
    if there.hostname != here.hostname:
        return None
    template = _path_template(here.path)
    if template and there.query == here.query:
        stem, ext = template
        match = _SUFFIX_RE.match(there.path)
        if match and match.group("stem") == stem and match.group("ext").lower() == ext.lower():
            return int(match.group("n"))
        if there.path == stem + ext:
            return 0
    if there.path == here.path:
        key = _page_param(there.query) or _page_param(here.query)
        if key:
            theirs = dict(parse_qsl(there.query, keep_blank_values=True))
            ours = dict(parse_qsl(here.query, keep_blank_values=True))
            theirs_rest = {k: v for k, v in theirs.items() if k != key}
            ours_rest = {k: v for k, v in ours.items() if k != key}
            if theirs_rest == ours_rest:
                value = theirs.get(key, "")
                return int(value) if value.isdigit() else 0
    return None


def _url_for(url: str, number: int) -> str:
    """URL of page ``number`` (0 = the first page without a number) in the scheme of ``url``."""
    parts = urlsplit(url)
    key = _page_param(parts.query)
    if key is not None:
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != key]
        if number:
            query.append((key, str(number)))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    template = _path_template(parts.path)
    if template is None:
        return url
    stem, ext = template
    path = f"{stem}_{number}{ext}" if number else f"{stem}{ext}"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def find_page_links(html: str | lxml_html.HtmlElement, url: str) -> list[str]:
    """All pages of the article at ``url``, in order, ``url``'s own page included.

    Returns ``[url]`` for a single-page article. Pages between the first and the highest
    page number linked are listed even if the bar skips them (1 2 3 ... 9).
    """
    tree = lxml_html.fromstring(html) if isinstance(html, str) else html
    numbers: dict[int, str] = {}
    key_in_query = False
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        # The link text first: it is cheap, and most links of a page are not page links.
        if not PAGE_TEXT_RE.match(anchor.text_content()):
            continue
        joined = join_url(url, href)
        if joined is None:
            continue
        link = normalize_url(joined)
        number = _numbered(link, url)
        if number is None:
            continue
        numbers.setdefault(number, link)
        key_in_query = key_in_query or _page_param(urlsplit(link).query) is not None
    here = _numbered(normalize_url(url), url)
    if not numbers or here is None:
        return [url]
    numbers.setdefault(here, normalize_url(url))
    numbers.setdefault(0, _url_for(normalize_url(url) if key_in_query else url, 0))
    first = 1 if 1 in numbers else 2
    last = min(max(numbers), first + MAX_PAGES - 2)
    ordered = [numbers[0]] + [
        numbers.get(n) or _url_for(numbers[0] if not key_in_query else url, n) for n in range(first, last + 1)
    ]
    if ordered == [numbers[0]]:
        return [url]
    return [url if link == normalize_url(url) else link for link in ordered]


@dataclasses.dataclass(frozen=True, slots=True)
class PagesToMerge:
    """A multi-page article's fetched pages, for ``merge_pages`` in an extraction worker.

    Merging converts scripts and the merged article needs its search terms: both need the
    language dictionaries (OpenCC, jieba's), which the crawl process does not load (~50 MB).
    """

    pages: tuple[Article, ...]
    missing: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        """The first page's URL (what failures and logs name)."""
        return self.pages[0].url

    def merge(self) -> Article:
        """What a worker runs for this job; the crawl process too, should the worker fail."""
        return merge_pages(list(self.pages), self.missing)


def merge_pages(pages: list[Article], missing: list[str] | tuple[str, ...] = ()) -> Article:
    """One article from its pages in order: texts joined, credits united, missing pages reported.

    Metadata (title, dates, source, canonical URL) comes from the first page. Paragraphs that
    repeat a previous page (a lead or credit line printed on every page) are kept once.
    ``quality`` gets ``pages`` and, when some are missing, ``incomplete: True``.
    """
    if not pages:
        raise ValueError("merge_pages needs at least one fetched page")
    first = pages[0]
    seen: set[str] = set()
    paragraphs: list[str] = []
    for page in pages:
        for line in page.text.splitlines():
            if line and line not in seen:
                seen.add(line)
                paragraphs.append(line)
    text = "\n".join(paragraphs)
    quality: dict[str, object] = {}
    for page in pages:
        for key, value in page.quality.items():
            if isinstance(value, bool) or key not in quality:
                quality[key] = quality.get(key) or value
            elif isinstance(value, int) and isinstance(quality[key], int):
                quality[key] = quality[key] + value  # type: ignore[operator]
    quality["pages"] = len(pages) + len(missing)
    if missing:
        quality["incomplete"] = True
        quality["missing_pages"] = len(missing)
    fingerprints: list[str] = []
    for page in pages:
        fingerprints.extend(fp for fp in page.fingerprints if fp not in fingerprints)
    dated = next((p for p in pages if p.published_at), first)
    return dataclasses.replace(
        first,
        text=text,
        text_simplified=to_simplified(text),
        script=detect_script(text) or first.script,
        authors=list(dict.fromkeys(a for p in pages for a in p.authors)),
        editors=list(dict.fromkeys(e for p in pages for e in p.editors)),
        source=next((p.source for p in pages if p.source), None),
        author_source=next((p.author_source for p in pages if p.authors), None),
        published_at=dated.published_at,
        date_source=dated.date_source,
        date_confidence=dated.date_confidence,
        page_urls=[p.url for p in pages],
        missing_pages=list(missing),
        warc=[record for p in pages for record in p.warc],
        quality=quality,
        fingerprints=fingerprints,
        content_hash=content_hash(first.title, text),
        search={},  # the first page's search fields do not cover the merged text
    )
