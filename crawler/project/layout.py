"""How every entry point finds the Scrapy project: `spiders/` and `pipelines/` beside scrapy.cfg.

They are the Scrapy project layout, top-level packages with generic names that must never be
installed into site-packages (pyproject.toml installs only `crawler`). One mechanism finds them,
Scrapy's own project discovery (scrapy.utils.conf.init_env): the folder of the closest
scrapy.cfg goes on sys.path and its `[settings] default` names the settings module.

- `scrapy crawl ...` in the checkout: Scrapy runs that discovery itself.
- the installed `newsarchive` command, from any folder: init_project() runs it from the checkout.
- the tests: tests/conftest.py calls init_project() (pytest runs from the checkout as well).
- scrapyd: the egg (crawler/project/egg.py) has PROJECT_PACKAGES at its top level, as the
  checkout has, and scrapyd puts the egg on sys.path.
"""

from __future__ import annotations

import contextlib
import os

from crawler.project.workdir import project_root

#: The project's own top-level packages, next to scrapy.cfg (SPIDER_MODULES, ITEM_PIPELINES).
PROJECT_PACKAGES = ("spiders", "pipelines")


def init_project() -> None:
    """Scrapy's project discovery, run from the checkout (project_root()): spiders/, pipelines/ importable."""
    from scrapy.utils.conf import init_env

    with contextlib.chdir(project_root()):
        init_env()
    # scrapy.cfg names it; this is the same value for a checkout whose scrapy.cfg was not found
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
