"""Real pages from ../shared/eval: what must never reach the stored text (one case per page and phrase)."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path  # noqa: TC003 (fixture annotation)

import pytest

from crawler.extract import Page, decode_html, extract_page
from crawler.extract.page import default_profile
from crawler.items import Article  # noqa: TC001 (return annotation of a cached loader)
from tests.conftest import SHARED

EVAL = SHARED / "eval"
#: Phrases that are never article text (disclaimers, credits, pinyin annotations).
NEVER = (
    "免责声明",
    "凡本网注明",
    "版权所有",
    "转载请注明",
    "不得转载",
    "ICP备",
    "违法和不良信息举报",
    "责任编辑",
    "(jī)",
    "Copyright",
)

#: (dataset, page id) pairs: pages where plain trafilatura keeps such a phrase, and clean ones.
PAGES = [
    ("gne-pages", "csdn-1"),
    ("gne-pages", "guancha-2"),
    ("gne-pages", "guancha-3"),
    ("gne-pages", "guancha-guancha"),
    ("gne-pages", "ifeng-3"),
    ("gne-pages", "zsnews-1"),
    ("gne-pages", "zyyfy-1"),
    ("gne-pages", "qq-2"),
    ("cwced", "f70d9c97-9d64-415e-a7e4-840c9258eaf5"),
    ("cwced", "500b350d-d38d-4fb0-9e81-75e0c95e95a8"),
    ("cwced", "47f387e6-6467-41fd-a165-b13c1171c6e7"),
]


@cache
def load(dataset: str, page_id: str) -> tuple[Article, str]:
    """The one loader: bytes as stored, decoded by our encoding module inside extract_page."""
    path = EVAL / dataset / "html" / f"{page_id}.html.gz"
    if not path.exists():
        pytest.skip(f"{path} not found")
    with gzip.open(path, "rb") as handle:
        body = handle.read()
    gold_path = EVAL / dataset / "ground-truth.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8")).get(page_id, {}) if gold_path.exists() else {}
    url = gold.get("url") or f"http://{dataset}.example/{page_id}.html"
    return extract_page(Page(url=url, body=body), default_profile(url)), gold.get("articleBody", "")


@pytest.fixture(autouse=True)
def _needs_eval(shared_eval: Path) -> None:
    """Skip the module without ../shared/eval."""


@pytest.mark.parametrize(("dataset", "page_id"), PAGES)
@pytest.mark.parametrize("phrase", NEVER)
def test_phrase_never_reaches_the_text(dataset, page_id, phrase):
    article, gold = load(dataset, page_id)
    if phrase in gold:
        pytest.skip("the annotated article itself holds this phrase")
    assert phrase not in article.text


@pytest.mark.parametrize(("dataset", "page_id"), PAGES)
def test_page_has_text(dataset, page_id):
    assert len(load(dataset, page_id)[0].text) > 100


def test_stale_gb2312_meta_page_is_read_as_utf8(shared_eval: Path):
    with gzip.open(EVAL / "gne-pages" / "html" / "qq-2.html.gz", "rb") as handle:
        page = decode_html(handle.read())
    assert (page.encoding, page.overridden) == ("utf-8", "gb18030")


def test_editor_line_becomes_metadata():
    article, _ = load("cwced", "f70d9c97-9d64-415e-a7e4-840c9258eaf5")
    assert article.editors == ["李楠"]
    assert article.source == "央广网"
