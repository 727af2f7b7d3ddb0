"""The guards CI runs with the tests (`./run test`; alone: `./run typecheck`): lint, types, layering.

Each runs the pinned tool over the checkout, configured in pyproject.toml, and fails with its report.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600
    )


@pytest.mark.parametrize("command", [("check", "."), ("format", "--check", ".")])
def test_ruff_is_clean(command: tuple[str, ...]) -> None:
    done = _run(str(BIN / "ruff"), *command)
    assert done.returncode == 0, done.stdout + done.stderr


def test_types_check() -> None:
    """mypy over crawler/, spiders/, pipelines/ ([tool.mypy]: lenient, missing stubs ignored)."""
    done = _run(str(BIN / "mypy"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_import_contracts_are_kept() -> None:
    """Extraction imports nothing above it; the store not the search index; web and CLI on top."""
    done = _run(str(BIN / "lint-imports"), "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr
