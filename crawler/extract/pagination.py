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
from urllib.parse import urlsplit, urlunsplit

from lxml import html as lxml_html

from crawler.extract.patterns import NEXT_PAGE_TEXTS, PAGE_PARAMS, alternation
from crawler.extract.script import detect_script, to_simplified
from crawler.extract.urls import clean_url, join_url
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
#: The number a page link's own text states: 3, [3], 第3页.
_LABEL_NUMBER_RE = re.compile(r"^\s*(?:\[|第\s*)?(?P<n>\d{1,3})\s*(?:\]|页)?\s*$")
#: Never list more pages than this (a broken bar must not make the spider fetch 10,000 URLs).
MAX_PAGES = 50
#: What a headline may end with on later pages: (2), （第2页）, 2/5.
_HEADLINE_PAGE_CHARS = " \t()（）[]【】0123456789第页/_-—:："


def _path_template(path: str) -> tuple[str, str] | None:
    """(stem, ext) of an article path: /a/foo_3.html and /a/foo.html -> ('/a/foo', '.html')."""
    match = _SUFFIX_RE.match(path) or _EXT_RE.match(path)
    return (match.group("stem"), match.group("ext")) if match else None


def _pairs(query: str) -> list[tuple[str, str]]:
    """The query's name=value pairs exactly as written (never decoded: GBK bytes stay bytes)."""
    pairs = []
    for pair in query.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            pairs.append((name, value))
    return pairs


def _page_param(query: str) -> str | None:
    for key, _ in _pairs(query):
        if key.lower() in PAGE_PARAMS:
            return key
    return None


def _numbered(link: str, url: str) -> int | None:
    """The number of ``link`` as a page of the article at ``url`` (0: its first page), else None."""
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
            theirs, ours = _pairs(there.query), _pairs(here.query)
            if sorted(p for p in theirs if p[0] != key) == sorted(p for p in ours if p[0] != key):
                value = dict(theirs).get(key, "")
                return int(value) if value.isdigit() and len(value) <= 3 else (None if value else 0)
    return None


def _url_for(url: str, number: int) -> str:
    """URL of page ``number`` (0 = the first page without a number) in the scheme of ``url``."""
    parts = urlsplit(url)
    key = _page_param(parts.query)
    if key is not None:
        query = [pair for pair in parts.query.split("&") if pair and pair.partition("=")[0] != key]
        if number:
            query.append(f"{key}={number}")
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(query), ""))
    template = _path_template(parts.path)
    if template is None:
        return url
    stem, ext = template
    path = f"{stem}_{number}{ext}" if number else f"{stem}{ext}"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def find_page_links(html: str | lxml_html.HtmlElement, url: str) -> list[str]:
    """All pages of the article at ``url``, in order, ``url``'s own page included.

    Returns ``[url]`` for a single-page article. A page number is taken on evidence, never from a
    parameter's name or a suffix alone: a link whose text states its number (2 -> ``_2`` or TRS's
    ``_1``), or, from the first page, a 下一页 to page 2. From a numbered page (``nx_5.html``,
    ``?p=101``) the series must also lead back to its first page or state numbers: ``nx_5.html``
    whose 下一页 is ``nx_6.html`` is an article of its own, and so is ``archives.php?p=101``.
    Pages between the first and the highest number stated are listed even if the bar skips them (1 2 3 ... 9).
    """
    tree = lxml_html.fromstring(html) if isinstance(html, str) else html
    here_url = clean_url(url)
    key = _page_param(urlsplit(here_url).query)
    value = dict(_pairs(urlsplit(here_url).query)).get(key or "", "")
    here = int(value) if value.isdigit() and len(value) <= 3 else _numbered(here_url, here_url)
    if here is None:
        return [url]
    near: dict[int, str] = {}
    far: dict[int, str] = {}
    confirmed = False
    key_in_query = False
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        # The link text first: it is cheap, and most links of a page are not page links.
        label = anchor.text_content()
        if not PAGE_TEXT_RE.match(label):
            continue
        joined = join_url(url, href)
        if joined is None:
            continue
        link = clean_url(joined)
        number = _numbered(link, here_url)
        if number is None or link == here_url:
            continue
        stated = _LABEL_NUMBER_RE.match(label)
        if stated is not None and number in (int(stated.group("n")), int(stated.group("n")) - 1):
            confirmed = True
            near.setdefault(number, link)
        elif number == 0 or abs(number - here) <= 1 or (here == 0 and number <= 2):
            near.setdefault(number, link)
        else:
            far.setdefault(number, link)  # 尾页 / 下一页 to a far page: only with stated numbers
        key_in_query = key_in_query or _page_param(urlsplit(link).query) is not None
    numbers = {**far, **near} if confirmed else near
    if not numbers or not (confirmed or (here == 0 and min(numbers) <= 2) or (here > 0 and 0 in numbers)):
        return [url]
    numbers.setdefault(here, here_url)
    numbers.setdefault(0, _url_for(here_url, 0))
    first = 1 if 1 in numbers else 2
    last = min(max(numbers), first + MAX_PAGES - 2)
    template = numbers[0] if not key_in_query else here_url
    ordered = [numbers[0]] + [numbers.get(n) or _url_for(template, n) for n in range(first, last + 1)]
    if ordered == [numbers[0]]:
        return [url]
    return [url if link == here_url else link for link in ordered]


def continues(first: Article, page: Article) -> bool:
    """True when ``page`` is a further page of the article whose first page is ``first``.

    The pages of one article repeat its headline (a page number aside: "标题(2)"); a 下一页 that
    leads to another headline leads to another article. Pages without a headline are given
    the benefit of the doubt.
    """
    a, b = _headline(first.title), _headline(page.title)
    return not a or not b or a == b


def _headline(title: str | None) -> str:
    return "".join((title or "").split()).rstrip(_HEADLINE_PAGE_CHARS)


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
        date_precision=dated.date_precision,
        page_urls=[p.url for p in pages],
        missing_pages=list(missing),
        warc=[record for p in pages for record in p.warc],
        quality=quality,
        fingerprints=fingerprints,
        content_hash=content_hash(first.title, text),
        search={},  # the first page's search fields do not cover the merged text
    )
