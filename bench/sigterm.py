"""SIGTERM ends a bench as Ctrl-C does: its `finally` blocks run and stop the servers it started.

Python's default SIGTERM ends the process at once, leaving the local FerretDB, redis-server and
nginx a bench started (in sessions of their own) running. Every bench that starts a server
calls `stop_on_sigterm()` first.
"""

from __future__ import annotations

import signal
from typing import Any


def _exit(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit in the main thread, so `finally` and `with` blocks clean up."""
    signal.signal(signal.SIGTERM, _exit)
