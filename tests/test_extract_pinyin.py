from __future__ import annotations

import pytest
from lxml import html as lxml_html

from crawler.extract.pinyin import is_pinyin_syllable, strip_inline_pinyin, strip_ruby
from tests.conftest import SHARED
from tests.seed_pages import SEED_PARAGRAPHS, SEED_TITLE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("東營798名機(jī)關(guān)干部", "東營798名機關干部", id="two-syllables"),
        pytest.param("社區(qū)(村)落實", "社區(村)落實", id="real-parenthesis-kept"),
        pytest.param("(記者 李懷蘋)", "(記者 李懷蘋)", id="byline-kept"),
        pytest.param("女(nǚ)性和略(lüè)微", "女性和略微", id="u-umlaut"),
        pytest.param("全角括号機（jī）關", "全角括号機關", id="fullwidth-brackets"),
        pytest.param("the word (de) without tone", "the word (de) without tone", id="no-tone-mark-kept"),
        pytest.param("ASCII (café) stays", "ASCII (café) stays", id="not-pinyin-kept"),
    ],
)
def test_strip_inline_pinyin(text, expected):
    assert strip_inline_pinyin(text)[0] == expected


def test_seed_excerpt_loses_every_annotation():
    source = "\n".join((SEED_TITLE, *SEED_PARAGRAPHS))
    text, removed = strip_inline_pinyin(source)
    assert "(" not in text.replace("(村)", "")
    assert removed == source.count("(") - source.count("(村)")


def test_whole_seed_has_287_annotations():
    path = SHARED / "seeds" / "000_93bf28a6a7f39f23.txt"
    if not path.exists():
        pytest.skip(f"seed not found at {path}")
    assert strip_inline_pinyin(path.read_text(encoding="utf-8"))[1] == 287


@pytest.mark.parametrize(
    ("word", "expected"),
    [("jī", True), ("zhuǎn", True), ("ér", True), ("xyz", False), ("ji", False), ("café", False)],
)
def test_is_pinyin_syllable(word, expected):
    assert is_pinyin_syllable(word) is expected


def test_strip_ruby_keeps_base_text():
    tree = lxml_html.fromstring(
        "<p><ruby>機<rp>(</rp><rt>jī</rt><rp>)</rp></ruby><ruby>關<rt>guān</rt></ruby>干部</p>"
    )
    assert strip_ruby(tree) == 4
    assert tree.text_content() == "機關干部"
