from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from crawler.profiles import ProfileError, available_profiles, load_profile, load_profile_file, parse_profile
from crawler.profiles.loader import BUNDLED_DIR

if TYPE_CHECKING:
    from pathlib import Path

MINIMAL = "name: x\nbase_url: http://news.example.cn\n"


def test_minimal_profile_gets_defaults() -> None:
    profile = parse_profile(MINIMAL)
    assert profile.base_url == "http://news.example.cn/"
    assert profile.domains == ["news.example.cn"]
    assert profile.timezone == "Asia/Shanghai"
    assert profile.politeness.obey_robots is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MINIMAL + "start_url: [/]\n", "x.yaml:3: unknown key 'start_url' (allowed here:"),
        (
            MINIMAL + "selectors:\n  titel: h1\n",
            "x.yaml:4: unknown key 'selectors.titel' (allowed here: author, body",
        ),
        (
            MINIMAL + "article_patterns:\n  - ok\n  - '('\n",
            "x.yaml:5: key 'article_patterns.1': not a valid regular",
        ),
        (MINIMAL + "timezone: Mars/Base\n", "x.yaml:3: key 'timezone': unknown time zone 'Mars/Base'"),
        (MINIMAL + "encoding: klingon\n", "x.yaml:3: key 'encoding': unknown encoding 'klingon'"),
        ("name: x\nbase_url: ftp://a/\n", "x.yaml:2: key 'base_url': must be an absolute http(s) URL"),
        ("base_url: http://a/\n", "missing required key 'name'"),
        ("name: Bad Name\nbase_url: http://a/\n", "x.yaml:1: key 'name'"),
        (MINIMAL + "politeness: {concurrency: 0}\n", "x.yaml:3: key 'politeness.concurrency'"),
        (
            MINIMAL + "schedule: {every_minutes: 5, cron: '* * * * *'}\n",
            "give exactly one of every_minutes or cron",
        ),
        ("name: [x\n", "x.yaml:2: not valid YAML"),
        ("- just a list\n", "a profile must be a mapping"),
    ],
)
def test_bad_profile_names_line_key_and_problem(text: str, expected: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "x.yaml")
    assert expected in str(info.value)


def test_file_name_must_match_profile_name(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(ProfileError, match="named 'other'"):
        load_profile_file(path)


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(ProfileError, match=r"no profile named 'nope' \(known: "):
        load_profile("nope")


def test_unknown_profile_names_the_folders_searched_and_the_one_to_add_it_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSARCHIVE_PROFILES", raising=False)
    with pytest.raises(ProfileError) as error:
        load_profile("mine")
    message = str(error.value)
    assert f"{tmp_path / 'profiles'} (does not exist)" in message
    assert f"{BUNDLED_DIR} (bundled profiles)" in message
    assert f"write {tmp_path / 'profiles' / 'mine.yaml'}" in message
    # ... and following it works: the folder it names is searched
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "mine.yaml").write_text(
        MINIMAL.replace("name: x", "name: mine"), encoding="utf-8"
    )
    assert load_profile("mine").name == "mine"
    assert "mine" in available_profiles()


def test_a_missing_profile_file_is_named_as_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProfileError, match=r"^gone\.yaml: no such profile file"):
        load_profile("gone.yaml")


def test_with_base_url_moves_allowed_domains_along() -> None:
    profile = parse_profile(MINIMAL + "start_urls: [/news/]\n").with_base_url("http://127.0.0.1:9999/")
    assert profile.domains == ["127.0.0.1"]
    assert profile.absolute(profile.start_urls[0]) == "http://127.0.0.1:9999/news/"


def test_every_bundled_profile_is_valid() -> None:
    names = available_profiles()
    assert {"dezhou", "dongying", "dzwww", "demo"} <= set(names)
    for name in names:
        profile = load_profile(name)
        assert profile.name == name
        assert profile.start_urls or profile.feeds or profile.sitemaps


def test_real_site_profiles_say_they_are_untested() -> None:
    for name in ("dezhou", "dongying", "dzwww"):
        profile = load_profile(name)
        assert profile.verified is False
        assert "not tested" in profile.notes.lower()
