"""A project setting's value in force: the crawl's settings, else its one default in crawler/settings.py.

Components built outside a project crawl (tests, scrapyd with other settings, `scrapy shell`)
get the same defaults without repeating them.

The one rule for the environment: a connection setting's environment variable (CONNECTION_ENV)
beats the setting from every source (crawler/settings.py, `-s`/`--set`, a scrapyd job), so the
servers of one machine are set once, in its environment, for every command. Command-line options
that name a server (`crawl --frontier`) are given to the crawl as that variable.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from crawler import settings as project

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


#: Connection setting -> the environment variable that beats it.
CONNECTION_ENV = {
    "MONGO_URI": "MONGO_URI",
    "MONGO_DATABASE": "MONGO_DATABASE",
    "FRONTIER_URL": "NEWSARCHIVE_FRONTIER",
}


def connection_value(name: str, configured: str | None = None) -> str | None:
    """Connection setting ``name``: its environment variable when set, else ``configured``, else None."""
    return os.environ.get(CONNECTION_ENV[name]) or configured or None


def connection_setting(settings: BaseSettings, name: str) -> str | None:
    """Connection setting ``name`` of a crawl's settings, the environment winning (the rule above)."""
    return connection_value(name, project_value(settings, name))


def project_value(settings: BaseSettings, name: str) -> Any:
    """settings[name] when it is set, else the default in crawler/settings.py (None if neither)."""
    value = settings.get(name)
    return getattr(project, name, None) if value is None else value


def project_int(settings: BaseSettings, name: str) -> int:
    """An integer setting with its project default."""
    return int(project_value(settings, name))


def project_float(settings: BaseSettings, name: str) -> float:
    """A number setting with its project default."""
    return float(project_value(settings, name))


def project_bool(settings: BaseSettings, name: str) -> bool:
    """A boolean setting with its project default ("0", "false" and "False" are false)."""
    value = project_value(settings, name)
    return value.strip().lower() not in ("0", "false", "no", "") if isinstance(value, str) else bool(value)
