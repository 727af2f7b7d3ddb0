"""Every relative link of the README and docs/ leads to a file of the repository, and every
#anchor to a heading of its page; code that points a reader at a page's section names one that exists."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: [text](target) outside code; images too. Targets with a scheme are external and not checked.
LINK_RE = re.compile(r"!?\[[^\]\n]*\]\(([^)\s]+)\)")
FENCE_RE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE_SPAN_RE = re.compile(r"`[^`\n]*`")
HEADING_RE = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
#: Sources that send a reader to a section: `docs/NAME.md "Section"` or `README's "Section"`.
POINTER_RE = re.compile(r"""(docs/[\w-]+\.md|README)(?:\\?'s)?,? "([^"\n]+)\"""")


def prose(text: str) -> str:
    """The text without fenced code blocks and code spans (links there are examples, not links)."""
    return CODE_SPAN_RE.sub("", FENCE_RE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "").strip().lower()
    return "".join(c for c in text if c.isalnum() or c in "-_ ").replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every anchor of a page, duplicates numbered as GitHub numbers them (name, name-1, ...)."""
    seen: Counter[str] = Counter()
    found = set()
    for heading in HEADING_RE.findall(FENCE_RE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(heading)
        found.add(base if not seen[base] else f"{base}-{seen[base]}")
        seen[base] += 1
    return found


def headings(path: Path) -> set[str]:
    """The headings of a page as written, without code quotes."""
    text = FENCE_RE.sub("", path.read_text(encoding="utf-8"))
    return {heading.replace("`", "") for heading in HEADING_RE.findall(text)}


def broken_links(page: Path, text: str | None = None) -> list[str]:
    """The relative links of page (or of text placed there) that do not resolve, and what is wrong."""
    problems = []
    if text is None:
        text = page.read_text(encoding="utf-8")
    for target in LINK_RE.findall(prose(text)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue
        file_part, _, anchor = target.partition("#")
        path = (page.parent / unquote(file_part)).resolve() if file_part else page
        if not path.is_relative_to(ROOT) or not path.exists():
            problems.append(f"{target}: no such file")
        elif anchor and (path.suffix != ".md" or unquote(anchor) not in anchors(path)):
            problems.append(f"{target}: no heading with that anchor in {path.name}")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_relative_links_resolve(page: Path) -> None:
    assert broken_links(page) == []


def test_a_broken_link_or_anchor_is_found() -> None:
    text = (
        "[ok](search.md#cookbook-raw-queries) [up](../README.md) [no file](nowhere.md) "
        "[no anchor](search.md#not-a-heading) `[code](ignored.md)` [web](https://example.org/x)\n"
    )
    assert broken_links(ROOT / "docs" / "probe.md", text) == [
        "nowhere.md: no such file",
        "search.md#not-a-heading: no heading with that anchor in search.md",
    ]


def test_slugs_follow_github() -> None:
    assert slug("Where the answers come from: the local search index, or MongoDB's indexes") == (
        "where-the-answers-come-from-the-local-search-index-or-mongodbs-indexes"
    )
    assert slug("`newsarchive trends`") == "newsarchive-trends"
    assert slug("Measured (`bench/reprints.py`)") == "measured-benchreprintspy"
    assert (
        slug("Partitioned Parquet datasets (`export --dataset`)")
        == "partitioned-parquet-datasets-export---dataset"
    )


def test_code_points_to_sections_that_exist() -> None:
    sources = [
        path
        for folder in ("crawler", "spiders", "pipelines", "bench", "tests")
        for path in (ROOT / folder).rglob("*.py")
        if path != Path(__file__).resolve()
    ] + [ROOT / "scrapy.cfg", ROOT / "pyproject.toml", ROOT / ".ci" / "run", ROOT / "run"]
    missing = []
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for page, section in POINTER_RE.findall(text):
            doc = ROOT / ("README.md" if page == "README" else page)
            if not doc.exists() or section not in headings(doc):
                missing.append(f'{source.relative_to(ROOT)}: {page} "{section}"')
        for page in re.findall(r"\bdocs/[\w-]+\.md\b", text):
            if not (ROOT / page).exists():
                missing.append(f"{source.relative_to(ROOT)}: {page}")
    assert missing == []
