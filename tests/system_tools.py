"""The system tools the tests need beyond Python packages, and what happens when one is missing.

One table (TOOLS) serves both sides, so the README's command and CI's are the same command:

* before pytest, `./run test` (which `.ci/run` calls) runs `python -m tests.system_tools`: a
  missing tool is installed with apt-get when it can be (root, apt-get present, the network
  reachable, NEWSARCHIVE_INSTALL_TOOLS not 0), else named with its install command;
* during the run, a test whose tool is missing skips with one line naming that command
  (`require`), and the run ends with one summary line per missing tool saying how many tests
  skipped for it (`skip_summary`). With CI set, a missing tool fails the test instead: CI
  installs everything, so a skip there would hide a test that never ran.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

#: Set to 0 to never install anything (the missing tools' tests skip).
INSTALL_ENV = "NEWSARCHIVE_INSTALL_TOOLS"
#: How a skip for a missing tool starts; the summary counts skips by it.
SKIP_PREFIX = "needs "


def _found(*names: str) -> bool:
    return any(shutil.which(name) for name in names)


def _cjk_font() -> bool:
    """A font with Chinese glyphs, as fontconfig sees it (screenshots stay readable)."""
    if not shutil.which("fc-list"):
        return False
    listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


def _go_or_database() -> bool:
    """The tests' database can be had: MONGO_URI, a FerretDB already built, or Go to build it."""
    from crawler.localdb.build import GO_LOCATIONS, binary_path

    if os.environ.get("MONGO_URI") or binary_path().exists():
        return True
    return _found("go") or any(Path(p).exists() for p in GO_LOCATIONS)


@dataclass(frozen=True)
class Tool:
    """A program some tests need, how to tell it is there, and how to get it."""

    name: str
    #: Debian packages that provide it (none: apt-get cannot, the hint says what to do).
    packages: tuple[str, ...]
    #: The tests that need it (a noun phrase) ...
    needed_by: str
    present: Callable[[], bool]
    #: ... and what happens to them without it.
    when_missing: str = "will skip"
    #: What to do when no Debian package serves (shown instead of the apt-get command).
    manual: str = ""

    @property
    def skips(self) -> bool:
        """Whether the tests that need it skip (or, under CI, fail) without it."""
        return self.when_missing == "will skip"

    @property
    def install_command(self) -> str:
        """The one line a person runs to get it."""
        if not self.packages:
            return self.manual
        sudo = "" if os.geteuid() == 0 else "sudo "
        return f"{sudo}apt-get install -y {' '.join(self.packages)}"


TOOLS: tuple[Tool, ...] = (
    Tool(
        "go",
        (),
        "the tests that store articles",
        _go_or_database,
        # Debian 12's golang-go is 1.19; FerretDB 1.24 needs 1.22
        manual="install Go 1.22+ (https://go.dev/dl/), or set MONGO_URI=mongodb://HOST:PORT/ to a MongoDB",
    ),
    Tool(
        "redis-server",
        ("redis-server",),
        "the distributed-crawl tests",
        lambda: _found("redis-server"),
    ),
    Tool(
        "chromium",
        ("chromium",),
        "the browser tests of `newsarchive web`",
        lambda: _found("chromium", "chromium-browser"),
    ),
    Tool(
        "a CJK font",
        ("fonts-wqy-microhei",),
        "the browser tests' screenshots",
        _cjk_font,
        when_missing="show boxes for Chinese text (the tests check the text through the DOM either way)",
    ),
)
BY_NAME = {tool.name: tool for tool in TOOLS}


def can_install() -> str | None:
    """None when apt-get may be used here, else why not."""
    if os.environ.get(INSTALL_ENV, "1") == "0":
        return f"{INSTALL_ENV}=0"
    if not shutil.which("apt-get"):
        return "no apt-get on this machine"
    if os.geteuid() != 0:
        return "not root"
    return None


def install(
    tools: Iterable[Tool] = TOOLS,
    run: Callable[[list[str]], int] | None = None,
    say: Callable[[str], Any] | None = None,
) -> list[Tool]:
    """Install the missing tools that apt-get can; returns those still missing (each named with its fix)."""
    run = run or _apt_get
    say = say or (lambda line: print(line, file=sys.stderr, flush=True))
    tools = list(tools)
    missing = [tool for tool in tools if not tool.present()]
    packages = [package for tool in missing for package in tool.packages]
    why_not = can_install()
    if packages and why_not is None:
        say(f"installing {' '.join(packages)} with apt-get (for {', '.join(t.name for t in missing)}) ...")
        if run(["apt-get", "update", "-qq"]) != 0 or run(["apt-get", "install", "-y", "-qq", *packages]) != 0:
            say("apt-get could not install them (offline? see its output above)")
        missing = [tool for tool in missing if not tool.present()]
    for tool in missing:
        reason = "" if not tool.packages or why_not is None else f" ({why_not}, so not installed)"
        effect = (
            "will fail (CI runs every test)" if os.environ.get("CI") and tool.skips else tool.when_missing
        )
        say(f"{tool.name} not found{reason}: {tool.needed_by} {effect}; {tool.install_command}")
    return missing


def _apt_get(args: list[str]) -> int:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(args, env=env, stdout=subprocess.DEVNULL, check=False).returncode


def skip_reason(tool: Tool, detail: str = "") -> str:
    """The one line a test skipped for a missing tool shows."""
    return f"{SKIP_PREFIX}{tool.name}, not found{f' ({detail})' if detail else ''}: {tool.install_command}"


def require(name: str, detail: str = "") -> None:
    """Skip the calling test (fail it under CI) when tool `name` is missing."""
    tool = BY_NAME[name]
    if tool.present():
        return
    unavailable(tool, detail)


def unavailable(tool: Tool, detail: str = "") -> None:
    """Skip the calling test for want of tool (fail it under CI, which installs everything)."""
    import pytest

    reason = skip_reason(tool, detail)
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it: .ci/run runs ./run test, which runs tests/system_tools.py)")
    pytest.skip(reason)


def skip_summary(reasons: Iterable[str]) -> list[str]:
    """One line per missing tool: how many tests skipped for it and the command that brings it."""
    counts: dict[str, int] = {}
    for reason in reasons:
        reason = reason.removeprefix("Skipped: ")
        for tool in TOOLS:
            if reason.startswith(f"{SKIP_PREFIX}{tool.name},"):
                counts[tool.name] = counts.get(tool.name, 0) + 1
    return [
        f"{count} skipped: {name} not found ({BY_NAME[name].needed_by}); install: "
        f"{BY_NAME[name].install_command}"
        for name, count in counts.items()
    ]


if __name__ == "__main__":
    install()
