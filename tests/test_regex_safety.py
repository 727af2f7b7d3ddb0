"""No regex that sees page text or user input takes more than linear time, whatever the page."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import Page, default_profile, extract_page
from crawler.profiles import ProfileError, parse_profile
from tests.conftest import ROOT
from tests.regex_audit import SIZE

#: A check is one search over 100,000 characters (plus a findall over 20,000): milliseconds when
#: linear; a quadratic pattern needs hours, an exponential one forever. The margin is for a busy CI.
LIMIT_S = 3.0


@pytest.mark.timeout(900)
def test_every_discovered_pattern_is_linear_on_adversarial_input() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.regex_audit"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        output, _ = process.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    rows = [json.loads(line) for line in output.splitlines() if line.strip()]
    started = [r for r in rows if "start" in r]
    done = [r for r in rows if "check" in r]
    if len(done) < len(started):
        stuck = started[len(done)]
        pytest.fail(f"never returned: {stuck['start']} (pattern {stuck['pattern']!r})")
    assert rows[-1] == {"done": True}
    names = {r["check"].split(" on ")[0] for r in done}
    # Discovery works: the patterns the issue named are among those checked.
    assert "crawler.extract.boilerplate.PAGINATION_RE" in names
    assert any(n.startswith("crawler.extract.byline.") for n in names)
    assert any(n.startswith("profile demo.") for n in names)
    slow = [f"{r['check']}: {r['seconds']:.2f} s" for r in done if r["seconds"] > LIMIT_S]
    assert not slow, f"super-linear on {SIZE:,} characters:\n" + "\n".join(slow)


@pytest.mark.parametrize(
    "pattern",
    [r"^(a+)+$", r"(\w*\s?)*x", r"^(?:x|\d+)*$", "(" * 300 + "a" + ")" * 300],
)
def test_profiles_refuse_patterns_that_can_backtrack_without_bound(pattern: str) -> None:
    with pytest.raises(ProfileError, match=r"nested repetition|longer than"):
        parse_profile(
            f"name: t\nbase_url: http://t.invalid/\nboilerplate_patterns: [{json.dumps(pattern)}]\n",
            source="t.yaml",
        )


def test_profiles_keep_ordinary_patterns() -> None:
    profile = parse_profile(
        "name: t\nbase_url: http://t.invalid/\n"
        "article_patterns: ['/\\d{6}/t\\d{8}_\\d+\\.htm$', '^/news/.*\\.html$']\n"
        "boilerplate_patterns: ['^大众网记者.{0,6}报道$', '(?:ab|cd)+']\n",
        source="t.yaml",
    )
    assert len(profile.article_res) == 2


# Fuzzing the extraction entry point ----------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "记者",
        "张三",
        "责任编辑",
        "来源：",
        "2026年11月29日",
        "2026-11-29 08:30",
        "第1页",
        "下一页",
        "上一页",
        "首页",
        "尾页",
        "|",
        "·",
        " ",
        "  ",
        "\u3000",
        "（",
        "）",
        "摄",
        "本报讯",
        "版权所有",
        "免责声明",
        "1",
        "12",
        "123",
        "jī(guān)",
        "<<",
        "»",
        "新华社济南11月22日电",
        "Copyright 2026",
        "By John Smith",
    ]
)
_TEXT = st.one_of(
    st.lists(_WORDS, max_size=400).map("".join),
    st.text(max_size=300),
    st.builds(lambda unit, n: unit * n, _WORDS, st.integers(min_value=1, max_value=3000)),
)
_TAGS = st.sampled_from(["p", "div", "span", "a", "h1", "td", "li", "ruby", "rt", "form", "table"])


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    """An HTML page of random nesting, text runs and attributes (sometimes not HTML at all)."""
    parts = []
    for _ in range(draw(st.integers(min_value=0, max_value=30))):
        tag = draw(_TAGS)
        attrs = draw(st.sampled_from(["", ' class="content"', ' href="/a_2.html"', ' id="x"']))
        parts.append(
            f"<{tag}{attrs}>{draw(_TEXT)}</{tag}>" if draw(st.booleans()) else f"<{tag}>{draw(_TEXT)}"
        )
    title = draw(_TEXT)
    charset = draw(st.sampled_from(["utf-8", "gbk", "big5", "latin-1", "bogus"]))
    page = f'<html><head><meta charset="{charset}"><title>{title}</title></head><body>{"".join(parts)}</body>'
    return page.encode("utf-8", "surrogatepass") if draw(st.booleans()) else page.encode("gb18030", "replace")


@pytest.mark.timeout(600)  # a hang guard only: speed is measured by bench/extraction_cpu.py, not here
@settings(
    max_examples=60,
    deadline=None,  # wall-clock deadlines fail under load; linear time is checked on the patterns above
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(html_pages())
def test_extraction_of_generated_pages_gives_an_article(body: bytes) -> None:
    url = "http://fuzz.invalid/news/2026-11/29/content_1.htm"
    article = extract_page(Page(url=url, body=body), default_profile(url))
    assert article.url == url
    assert isinstance(article.text, str)
