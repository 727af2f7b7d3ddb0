"""Snippets: the excerpt around the matches, in the article's own script, with the matches marked."""

from __future__ import annotations

from crawler.search.snippets import ELLIPSIS, Snippet, find_matches, highlight, make_snippet


def marked(snippet: Snippet) -> list[str]:
    return [snippet.text[a:b] for a, b in snippet.highlights]


def test_traditional_text_is_shown_as_published_with_simplified_needles_marked() -> None:
    snippet = make_snippet({"text": "黃河三角洲的東營濕地迎來候鳥。"}, ["东营", "湿地"])
    assert snippet.text == "黃河三角洲的東營濕地迎來候鳥。"
    assert marked(snippet) == ["東營", "濕地"]


def test_window_goes_to_the_densest_matches_with_ellipses() -> None:
    text = "东营。" + "无关的内容。" * 60 + "这里东营的湿地和候鸟都在。" + "其他内容。" * 60
    snippet = make_snippet({"text": text}, ["东营", "湿地", "候鸟"], width=40)
    assert snippet.text.startswith(ELLIPSIS) and snippet.text.endswith(ELLIPSIS)
    assert marked(snippet) == ["东营", "湿地", "候鸟"]
    assert snippet.text[1:].startswith("这里")  # starts after the sentence end before the window


def test_without_a_match_in_the_text_the_snippet_is_its_start() -> None:
    snippet = make_snippet({"text": "第一句。第二句。" * 30}, ["标题里的词"], width=10)
    assert snippet.text == "第一句。第二句。第一" + ELLIPSIS and snippet.highlights == []


def test_case_insensitive_and_longest_match_first() -> None:
    assert find_matches("The WETLAND and wetlands", ["wetland", "wetlands"]) == [(4, 11), (16, 24)]
    assert marked(highlight("G20峰会", ["g20"])) == ["G20"]
