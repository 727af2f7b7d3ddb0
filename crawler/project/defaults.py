"""A project setting's value in force: the crawl's settings, else its one default in crawler/settings.py.

Components built outside a project crawl (tests, scrapyd with other settings, `scrapy shell`)
get the same defaults without repeating them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler import settings as project

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


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
