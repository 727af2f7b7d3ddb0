"""Whether a process is still there: used for pid files and for runs left open by a killed crawl."""

from __future__ import annotations

import contextlib
import os


def pid_alive(pid: int) -> bool:
    """True if a process with this pid exists (a zombie child of ours is reaped and counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    return True
