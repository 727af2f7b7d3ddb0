"""The User-Agent: project, version and the user's contact; never a made-up URL."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from crawler import __version__
from crawler import settings as project_defaults
from crawler.profiles import ProfileError, parse_profile
from spiders.news import NewsSpider, apply_politeness

PROFILE = "name: site\nbase_url: http://news.example.cn/\n"


def _agent(profile_text: str, **settings: object) -> str:
    crawler = get_crawler(NewsSpider)
    crawler.settings.frozen = False
    for name in ("USER_AGENT", "CRAWL_CONTACT"):  # the project's defaults, at project priority
        crawler.settings.set(name, getattr(project_defaults, name), priority="project")
    for name, value in settings.items():
        crawler.settings.set(name, value, priority="cmdline")
    apply_politeness(crawler, parse_profile(profile_text))
    return crawler.settings.get("USER_AGENT")


def test_without_a_contact_nothing_is_invented(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSARCHIVE_CONTACT", raising=False)
    agent = _agent(PROFILE)
    assert agent == f"newsarchive/{__version__} (archival crawler for regional news)"
    assert "http" not in agent


def test_the_contact_comes_from_profile_setting_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSARCHIVE_CONTACT", "env@example.org")
    assert _agent(PROFILE).endswith("; contact: env@example.org)")
    assert _agent(PROFILE, CRAWL_CONTACT="https://lab.example.edu/crawl").endswith(
        "; contact: https://lab.example.edu/crawl)"
    )
    assert _agent(PROFILE + "contact: desk@example.cn\n", CRAWL_CONTACT="x@y.z").endswith(
        "; contact: desk@example.cn)"
    )


def test_an_explicit_user_agent_wins() -> None:
    assert _agent(PROFILE + "contact: desk@example.cn\n", USER_AGENT="MyArchive/1.0") == "MyArchive/1.0"


@pytest.mark.parametrize("contact", ['"a@b.cn\\r\\nX-Evil: 1"', '"邮箱@例子.cn"', "'" + "x" * 201 + "'"])
def test_a_contact_that_cannot_go_into_a_header_is_refused(contact: str) -> None:
    with pytest.raises(ProfileError, match="key 'contact': a contact is one line of printable ASCII"):
        parse_profile(PROFILE + f"contact: {contact}\n")
