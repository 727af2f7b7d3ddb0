"""spiders/ and pipelines/ are found by Scrapy's project discovery, never installed into site-packages."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

from crawler.project.egg import PACKAGES
from crawler.project.layout import PROJECT_PACKAGES
from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

FIND = """
import importlib.util, json, os, sys
before = [importlib.util.find_spec(name) is not None for name in ("spiders", "pipelines")]
from crawler.project.layout import init_project
init_project()
import pipelines.articles, spiders.news
print(json.dumps({"before": before, "spiders": spiders.__file__, "pipelines": pipelines.__file__,
                  "settings": os.environ["SCRAPY_SETTINGS_MODULE"]}))
"""


def test_the_installed_command_finds_the_project_from_any_folder(tmp_path: Path) -> None:
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # no PYTHONPATH, no SCRAPY_* variables
    done = subprocess.run(
        [sys.executable, "-c", FIND],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["before"] == [False, False]  # not importable from site-packages
    assert found["spiders"] == str(ROOT / "spiders" / "__init__.py")
    assert found["pipelines"] == str(ROOT / "pipelines" / "__init__.py")
    assert found["settings"] == "crawler.settings"


def test_the_egg_holds_the_project_packages_as_the_checkout_does() -> None:
    assert ("crawler", *PROJECT_PACKAGES) == PACKAGES
    assert all((ROOT / package / "__init__.py").is_file() for package in PROJECT_PACKAGES)
