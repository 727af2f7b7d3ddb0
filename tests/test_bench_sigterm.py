"""A bench stopped with SIGTERM stops the servers it started (they run in sessions of their own)."""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import psutil
import pytest

from tests import system_tools
from tests.conftest import ROOT, wait_for

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.integration

BENCHES = {
    "search": [
        "bench/search.py",
        "--articles",
        "3000",
        "--workers",
        "1",
        "--repeat",
        "1",
        "--baseline-repeat",
        "0",
    ],
    "web": ["bench/web.py", "--articles", "3000", "--repeat", "1"],
}


def ferretdb_children(pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [child for child in children if "ferretdb" in child.name()]


@pytest.mark.parametrize("bench", sorted(BENCHES))
def test_sigterm_stops_the_bench_and_its_database(bench: str, tmp_path: Path) -> None:
    system_tools.require("go")
    log = tmp_path / "bench.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, *BENCHES[bench]], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    servers: list[psutil.Process] = []
    try:

        def started() -> bool:
            servers[:] = ferretdb_children(process.pid)
            return bool(servers) or process.poll() is not None

        wait_for(started, 120, f"bench/{bench}.py to start its FerretDB")
        assert servers, log.read_text()[-3000:]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 128 + signal.SIGTERM, log.read_text()[-3000:]
        alive = [server.pid for server in servers if server.is_running() and server.status() != "zombie"]
        assert alive == [], f"left running: {alive}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for server in servers:  # what the bench did not stop (the test has failed then)
            if server.is_running():
                server.kill()
