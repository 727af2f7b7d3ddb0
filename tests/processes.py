"""Processes that meet at a barrier against the real local server: FerretDB's races are between callers."""

from __future__ import annotations

import multiprocessing
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable


def at_once(target: Callable[..., None], processes: int, *args: Any) -> list[Any]:
    """Run `target(*args, me, barrier, out)` in that many spawned processes; what each put in `out`.

    Each process puts one result; they all must exit cleanly.
    """
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes, timeout=120)
    out = context.Queue()
    started = [context.Process(target=target, args=(*args, me, barrier, out)) for me in range(processes)]
    for process in started:
        process.start()
    results = [out.get(timeout=300) for _ in started]
    for process in started:
        process.join(timeout=60)
        assert process.exitcode == 0
    return results
