"""Call a function every N seconds on a thread of its own (the crawl lease's heartbeat).

The reactor thread of a crawl runs callbacks and synchronous database batches; a lease
refreshed there is late whenever they are slow. A daemon thread with its own wait is not.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)


class Heartbeat:
    """``beat()`` every ``interval_s`` seconds until ``stop()``; an exception in a beat is logged."""

    def __init__(self, beat: Callable[[], None], interval_s: float, *, name: str = "heartbeat") -> None:
        self.beat = beat
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.beats = 0

    def start(self) -> None:
        """Start beating (the first beat after one interval)."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop, waiting up to ``timeout`` seconds for a beat in progress."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """True while the thread beats."""
        return self._thread.is_alive() and not self._stop.is_set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.beat()
            except Exception:  # a heartbeat that dies silently would let the lease expire
                logger.exception("heartbeat %s failed", self._thread.name)
            self.beats += 1
