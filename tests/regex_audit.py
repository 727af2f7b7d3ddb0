"""Every compiled regex that sees page text or user input, run on adversarial inputs (a child process).

``python -m tests.regex_audit`` prints one JSON line per check, ``{"start": ...}`` before it and
``{"check": ..., "seconds": ...}`` after it, so that the parent (tests/test_regex_safety.py)
can name the pattern that never returns and kill the process. Patterns are discovered, not
listed: every module-level ``re.Pattern`` (also inside module-level tuples, lists and dicts) of
the packages below, plus the patterns of every bundled site profile, so that a pattern added
later is checked too.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import sys
import time
from typing import Any

PACKAGES = ("crawler.extract", "crawler.discovery", "crawler.profiles", "crawler.search")
SIZE = 100_000


def adversarial_inputs(size: int = SIZE) -> dict[str, str]:
    """Long runs that make backtracking patterns explode; each ends in a character that breaks the run."""
    runs = {
        "digits": "1",
        "spaces": " ",
        "tabs_newlines": " \t\n",
        "separators": "|·-/:：，、 ",
        "cjk": "中",
        "cjk_credit": "记者",
        "digits_spaces": "1 ",
        "page_bar": "第1页 ",
        "dates": "2026年11月29日 ",
        "iso_dates": "2026-11-29 ",
        "latin": "a",
        "latin_words": "ab ",
        "brackets": "（(",
        "punctuation": "。，",
        "pinyin": "jī(guān)",
        "url": "/a_1",
        "mixed": "中1 a|",
    }
    out = {}
    for name, unit in runs.items():
        text = (unit * (size // len(unit) + 1))[:size]
        out[name] = text + "\x00!"
    return out


def _patterns_in(value: Any, depth: int = 0) -> list[re.Pattern[str]]:
    if isinstance(value, re.Pattern):
        return [value] if isinstance(value.pattern, str) else []
    if depth >= 2:
        return []
    if isinstance(value, dict):
        return [p for v in (*value.keys(), *value.values()) for p in _patterns_in(v, depth + 1)]
    if isinstance(value, (tuple, list, frozenset, set)):
        return [p for v in value for p in _patterns_in(v, depth + 1)]
    return []


def discover() -> dict[str, re.Pattern[str]]:
    """name -> compiled pattern, for every module-level pattern of PACKAGES and the bundled profiles."""
    found: dict[str, re.Pattern[str]] = {}
    seen: set[tuple[str, int]] = set()

    def add(name: str, pattern: re.Pattern[str]) -> None:
        key = (pattern.pattern, pattern.flags)
        if key not in seen:
            seen.add(key)
            found[name] = pattern

    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        modules = [package_name] + [
            info.name for info in pkgutil.walk_packages(package.__path__, package_name + ".")
        ]
        for module_name in modules:
            module = importlib.import_module(module_name)
            for attr, value in vars(module).items():
                for n, pattern in enumerate(_patterns_in(value)):
                    add(f"{module_name}.{attr}" + (f"[{n}]" if n else ""), pattern)
    from crawler.profiles import available_profiles, load_profile

    for name in available_profiles():
        profile = load_profile(name)
        for field in ("article_res", "list_res", "exclude_res", "boilerplate_res"):
            for n, pattern in enumerate(getattr(profile, field, ())):
                add(f"profile {name}.{field}[{n}]", pattern)
        if profile.pagination_pattern:
            add(f"profile {name}.pagination_pattern", re.compile(profile.pagination_pattern))
    return found


def main() -> None:
    """Run every pattern on every input with search, printing progress as JSON lines."""
    inputs = adversarial_inputs()
    for name, pattern in discover().items():
        for kind, text in inputs.items():
            check = f"{name} on {kind}"
            print(json.dumps({"start": check, "pattern": pattern.pattern[:300]}), flush=True)
            began = time.perf_counter()
            pattern.search(text)
            pattern.findall(text[:20_000])
            print(json.dumps({"check": check, "seconds": time.perf_counter() - began}), flush=True)
    print(json.dumps({"done": True}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
