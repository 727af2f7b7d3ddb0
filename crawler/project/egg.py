"""Build the scrapyd egg: the project's packages plus the entry point scrapyd reads.

scrapyd runs a project from an egg (a zip with EGG-INFO metadata) whose `[scrapy] settings`
entry point names the settings module. `scrapyd-deploy` would build one through a generated
setup.py that leaves the profiles (package data) out and installs `spiders`/`pipelines` the
way a checkout must not; this writes exactly what scrapyd needs, nothing else.
"""

from __future__ import annotations

import zipfile
from typing import TYPE_CHECKING

from crawler import __version__
from crawler.project.layout import PROJECT_PACKAGES
from crawler.project.workdir import project_root

if TYPE_CHECKING:
    from pathlib import Path

#: The installed package and the project's own, at the egg's top level as in the checkout (layout.py).
PACKAGES = ("crawler", *PROJECT_PACKAGES)
#: Package data the crawl needs at run time (profiles, schema).
DATA_SUFFIXES = (".yaml", ".yml", ".json")
SKIP_PARTS = frozenset(("__pycache__", "tests"))


def build_egg(out: Path, root: Path | None = None) -> list[str]:
    """Write the egg to `out`; returns the archived names."""
    root = root or project_root()
    names: list[str] = []
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as egg:
        for package in PACKAGES:
            for path in sorted((root / package).rglob("*")):
                relative = path.relative_to(root)
                if not path.is_file() or SKIP_PARTS & set(relative.parts):
                    continue
                if path.suffix == ".py" or path.suffix in DATA_SUFFIXES:
                    egg.write(path, relative.as_posix())
                    names.append(relative.as_posix())
        metadata = {
            "EGG-INFO/PKG-INFO": f"Metadata-Version: 2.1\nName: newsarchive\nVersion: {__version__}\n",
            "EGG-INFO/entry_points.txt": "[scrapy]\nsettings = crawler.settings\n",
            "EGG-INFO/top_level.txt": "\n".join(PACKAGES) + "\n",
            "EGG-INFO/zip-safe": "\n",
        }
        for name, text in metadata.items():
            egg.writestr(name, text)
            names.append(name)
    return names
