"""One source for every default (crawler/settings.py) and one rule for environment vs setting."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.settings import Settings

from crawler.frontier import FrontierAddon, frontier_url
from crawler.project.defaults import CONNECTION_ENV, connection_setting
from crawler.store.connection import resolve_database, resolve_uri

if TYPE_CHECKING:
    import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FROM = {
    "MONGO_URI": "mongodb://from-setting:27017/",
    "MONGO_DATABASE": "from_setting",
    "FRONTIER_URL": "redis://from-setting:6379/0",
}
FROM_ENVIRONMENT = {
    "MONGO_URI": "mongodb://from-environment:27017/",
    "MONGO_DATABASE": "from_environment",
    "FRONTIER_URL": "redis://from-environment:6379/0",
}


def test_the_environment_beats_the_setting_for_every_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in CONNECTION_ENV.values():
        monkeypatch.delenv(variable, raising=False)
    settings = Settings(SETTINGS_FROM)
    assert {name: connection_setting(settings, name) for name in CONNECTION_ENV} == SETTINGS_FROM
    for name, variable in CONNECTION_ENV.items():
        monkeypatch.setenv(variable, FROM_ENVIRONMENT[name])
    assert {name: connection_setting(settings, name) for name in CONNECTION_ENV} == FROM_ENVIRONMENT
    # ... as read by the store and the frontier add-on (their one reader of each)
    assert resolve_uri(settings.get("MONGO_URI")) == FROM_ENVIRONMENT["MONGO_URI"]
    assert resolve_database(settings.get("MONGO_DATABASE")) == FROM_ENVIRONMENT["MONGO_DATABASE"]
    assert frontier_url(settings) == FROM_ENVIRONMENT["FRONTIER_URL"]
    FrontierAddon().update_settings(settings)
    assert settings["REDIS_URL"] == FROM_ENVIRONMENT["FRONTIER_URL"]


def _fallbacks(path: Path) -> list[str]:
    """`<...>settings.get*("NAME", fallback)` calls: a default written somewhere else than crawler/settings.py."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = ast.unparse(node.func.value)
        name = node.args[0] if node.args else None
        if (
            node.func.attr.startswith("get")
            and owner.endswith("settings")
            and isinstance(name, ast.Constant)
            and isinstance(name.value, str)
            and name.value.isupper()
            and (len(node.args) > 1 or node.keywords)
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_defaults_are_written_only_in_the_settings_module() -> None:
    files = [
        p for folder in ("crawler", "spiders", "pipelines") for p in sorted((ROOT / folder).rglob("*.py"))
    ]
    found = [line for path in files for line in _fallbacks(path)]
    assert found == [], "use the default in crawler/settings.py (crawler.project.defaults):\n" + "\n".join(
        found
    )
