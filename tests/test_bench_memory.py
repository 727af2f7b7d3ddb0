"""bench/crawl.py's tree RSS: a page shared by forked processes is resident once, not once per process."""

from __future__ import annotations

import os

import psutil
import pytest

from bench.crawl import resident_frames, tree_resident_mb

pytestmark = pytest.mark.skipif(
    resident_frames(os.getpid()) is None, reason="/proc/PID/pagemap shows frame numbers to root only"
)

SHARED_MB = 64


def test_forked_child_shares_its_parents_pages_in_the_tree_rss() -> None:
    block = bytearray(b"x" * (SHARED_MB * 2**20))  # written: resident, and shared copy-on-write after fork
    ready_r, ready_w = os.pipe()
    done_r, done_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child touches nothing of the block, says it is there, and waits
        os.write(ready_w, b"1")
        os.read(done_r, 1)
        os._exit(0)
    try:
        os.read(ready_r, 1)
        procs = [psutil.Process(), psutil.Process(pid)]
        summed = sum(p.memory_info().rss for p in procs) / 2**20
        tree = tree_resident_mb(procs)
        own = procs[0].memory_info().rss / 2**20
    finally:
        os.write(done_w, b"1")
        os.waitpid(pid, 0)
    assert tree is not None
    assert summed - tree > SHARED_MB * 0.9  # the block is counted twice in the sum, once in the tree
    assert own * 0.95 <= tree <= own + 16  # the child adds its few private pages
    assert len(block) == SHARED_MB * 2**20
