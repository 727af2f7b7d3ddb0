"""Profile patterns: alternation under repetition (`(a|aa)+$`) is refused like nested repetition.

`(a|aa)+$` takes seconds on a 34-character path and 1.6 times longer per character; the
check refuses the shapes whose choices inside a repetition can match the same text, and keeps
ordinary profile patterns (the bundled profiles' among them).
"""

from __future__ import annotations

import json

import pytest

from crawler.profiles import ProfileError, available_profiles, load_profile, parse_profile

REFUSED = [
    r"(a|aa)+$",
    r"^(?:x|xx)*y",
    r"(a|b|ab)*c",
    r"(a?a)+$",
    r"(\d{1,3},?)+$",
    r"(?:/(?:news|n)(?:ews)?)+\.htm",
    r"(\w+\s?)+$",
    r"((?:ab|a)(?:b|))+$",
]
ACCEPTED = [
    r"(?:ab|cd)+",
    r"(x|xy)+$",
    r"(ab|a)+c",
    r"(\d|\w)+",  # one character class to Python's parser: no choice at all
    r"(\d{1,3},)+",
    r"(?:a|aa)++",  # possessive: never gives back
    r"(?>a|aa)+",  # atomic: each round's choice is final
    r"/\d{6}/t\d{8}_\d+\.htm$",
    r"^/news/[a-z]+/(index_\d+\.html|\?page=\d+)$",
    r"^https?://(bbs|v|ad|m)\.dzwww\.com/",
    r"/(news/(local|society)|county)/\d{4}-\d{2}/\d{2}/content_\d+\.htm$",
    r"index(_\d+)?\.htm$",
    r"/edge/(?!index\.htm)[a-z0-9-]+\.htm(\?.*)?$",
    r"^大众网记者.{0,6}报道$",
    r"^(?:责任编辑|编辑)[:：]\s*\S{2,4}$",
]


def _profile(pattern: str) -> str:
    return f"name: t\nbase_url: http://t.invalid/\narticle_patterns: [{json.dumps(pattern)}]\n"


@pytest.mark.parametrize("pattern", REFUSED)
def test_ambiguous_repetitions_are_refused(pattern: str) -> None:
    with pytest.raises(ProfileError, match=r"ambiguous repetition|nested repetition") as raised:
        parse_profile(_profile(pattern), source="t.yaml")
    assert "t.yaml:3" in str(raised.value)


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_ordinary_patterns_are_kept(pattern: str) -> None:
    profile = parse_profile(_profile(pattern), source="t.yaml")
    assert profile.article_patterns == [pattern]


def test_the_issues_pattern_is_named_with_the_way_out() -> None:
    with pytest.raises(ProfileError) as raised:
        parse_profile(_profile("(a|aa)+$"), source="t.yaml")
    message = str(raised.value)
    assert "ambiguous repetition" in message and "(?:a|aa)++" in message


@pytest.mark.parametrize("name", available_profiles())
def test_every_bundled_profile_passes(name: str) -> None:
    load_profile(name)
