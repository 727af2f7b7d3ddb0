"""The objects a page states for machines in JSON-LD (dates, authors and titles read from them).

Every ``<script type="application/ld+json">`` parsed, lists and ``@graph`` arrays flattened,
bounded (a page may hold anything there); a script that is not JSON is skipped.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: Scripts read, and objects taken from each.
MAX_SCRIPTS = 20
MAX_OBJECTS = 50


def jsonld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page (nested lists and @graph included), in page order."""
    found: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()')[:MAX_SCRIPTS]:
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        taken = 0
        while stack and taken < MAX_OBJECTS:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item[:MAX_OBJECTS]))
            elif isinstance(item, dict):
                found.append(item)
                taken += 1
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"][:MAX_OBJECTS]))
    return found
