"""Scrapy's telnet console and remote-control endpoint are off in every crawl unless a setting turns them on.

Both run Python inside the crawl for whoever holds their password or token (the telnet password
is printed in the crawl's log); the project uses neither.
"""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.extensions.remote_control import RemoteControl
from scrapy.extensions.telnet import TelnetConsole
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.cli.running import project_settings
from spiders.news import NewsSpider

CONSOLES = [("TELNETCONSOLE_ENABLED", TelnetConsole), ("REMOTE_CONTROL_ENABLED", RemoteControl)]


def _crawler(**overrides: Any) -> Any:
    """A crawler with the project's console settings (the rest needs no reactor here)."""
    settings = project_settings(overrides)
    return get_crawler(NewsSpider, {name: settings[name] for name, _ in CONSOLES})


@pytest.mark.parametrize(("setting", "extension"), CONSOLES)
def test_off_by_default(setting: str, extension: type) -> None:
    crawler = _crawler()
    assert crawler.settings.getbool(setting) is False
    with pytest.raises(NotConfigured):
        build_from_crawler(extension, crawler)


@pytest.mark.parametrize(("setting", "extension"), CONSOLES)
def test_a_setting_turns_one_on(setting: str, extension: type) -> None:
    """--set NAME=true reaches the extension: it is configured (the telnet one then wants a reactor)."""
    try:
        build_from_crawler(extension, _crawler(**{setting: True}))
    except NotConfigured as exc:
        reason = str(exc)
    else:
        reason = "configured"
    assert reason == "configured" or "reactor" in reason
