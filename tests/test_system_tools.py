"""`./run test` on a machine without redis-server or chromium: installed when it can be, else skipped and counted."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests import system_tools
from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

WANTED = [system_tools.BY_NAME["redis-server"], system_tools.BY_NAME["chromium"]]


@pytest.fixture
def bare_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH of one empty folder: no redis-server, no chromium, no apt-get (until a test adds one)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(system_tools.INSTALL_ENV, raising=False)
    return folder


def fake_apt_get(folder: Path, log: Path, code: int = 0) -> None:
    """An apt-get that records its arguments and installs nothing."""
    script = folder / "apt-get"
    script.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexit {code}\n')
    script.chmod(0o755)


def test_missing_tools_are_installed_with_one_apt_get_as_root(
    bare_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    log = tmp_path / "apt.log"
    fake_apt_get(bare_path, log)
    said: list[str] = []
    still = system_tools.install(WANTED, say=said.append)
    assert log.read_text().splitlines() == ["update -qq", "install -y -qq redis-server chromium"]
    assert said[0].startswith("installing redis-server chromium with apt-get")
    assert still == WANTED  # the fake installed nothing: both are named with their command
    assert any(
        "redis-server not found" in line and "apt-get install -y redis-server" in line for line in said
    )


def test_without_apt_get_or_root_nothing_is_run_and_each_tool_is_named_with_its_command(
    bare_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    assert system_tools.install(WANTED, say=said.append) == WANTED
    assert said == [
        "redis-server not found (no apt-get on this machine, so not installed): the distributed-crawl "
        f"tests will skip; {'' if os.geteuid() == 0 else 'sudo '}apt-get install -y redis-server",
        "chromium not found (no apt-get on this machine, so not installed): the browser tests of "
        f"`newsarchive web` will skip; {'' if os.geteuid() == 0 else 'sudo '}apt-get install -y chromium",
    ]
    log = tmp_path / "apt.log"
    fake_apt_get(bare_path, log)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    said.clear()
    system_tools.install(WANTED, say=said.append)
    assert not log.exists()
    assert "(not root, so not installed)" in said[0]
    assert "sudo apt-get install -y redis-server" in said[0]


def test_a_failed_apt_get_is_said_and_the_tools_still_named(
    bare_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    fake_apt_get(bare_path, tmp_path / "apt.log", code=100)  # offline
    said: list[str] = []
    assert system_tools.install(WANTED, say=said.append) == WANTED
    assert "apt-get could not install them" in said[1]
    monkeypatch.setenv(system_tools.INSTALL_ENV, "0")
    assert system_tools.can_install() == f"{system_tools.INSTALL_ENV}=0"
    monkeypatch.setenv("CI", "true")
    said.clear()
    system_tools.install(WANTED, say=said.append)
    assert "the distributed-crawl tests will fail (CI runs every test)" in said[0]


def test_require_skips_with_the_install_command_and_fails_under_ci(
    bare_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(pytest.skip.Exception, match=r"^needs redis-server, not found: .*apt-get install -y"):
        system_tools.require("redis-server")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI installs it"):
        system_tools.require("redis-server")


def test_skip_summary_counts_the_skips_of_each_tool() -> None:
    redis = system_tools.skip_reason(system_tools.BY_NAME["redis-server"])
    chromium = system_tools.skip_reason(system_tools.BY_NAME["chromium"])
    lines = system_tools.skip_summary([redis, f"Skipped: {redis}", chromium, "no local search index"])
    assert [line.split(" (")[0] for line in lines] == [
        "2 skipped: redis-server not found",
        "1 skipped: chromium not found",
    ]
    assert lines[0].endswith("apt-get install -y redis-server")


def test_a_run_without_redis_server_skips_its_tests_and_says_how_many_and_why(tmp_path: Path) -> None:
    """The real session: conftest's redis fixture skips, and the run ends with the count and the fix."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PATH"] = str(tmp_path)  # nothing on it
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_frontier.py",
            "-k",
            "not lease",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = re.search(r"(\d+) passed, (\d+) skipped", proc.stdout)
    assert summary, proc.stdout[-3000:]
    skipped = int(summary[2])
    assert skipped >= 1  # every test of the file that needs the server, and only those, skip
    assert f"{skipped} skipped: redis-server not found" in proc.stdout
    assert "apt-get install -y redis-server" in proc.stdout
