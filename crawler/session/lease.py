"""Keep the site's crawl lease for the session: take it, beat, stop the crawl when it is lost.

Fails closed: without the lease (taken by another crawl, or the database cannot say) there is
no crawl, and a crawl whose heartbeat finds the lease gone (or cannot confirm it for a whole
TTL) stops, since another crawl may have taken the site over. The lease itself is
crawler/store/locks.py.

The heartbeat has a thread of its own: on the crawl thread a long synchronous store batch (or
anything else the reactor is busy with) would delay it. Each beat is one short update under
``pymongo.timeout``, so a wedged database costs a failed beat, not a stuck thread; stopping the
crawl when the lease is lost is handed to the reactor thread, where Scrapy's engine lives.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pymongo
from pymongo.errors import PyMongoError
from scrapy.exceptions import CloseSpider

from crawler.store.locks import SiteBusy, SiteLock

if TYPE_CHECKING:
    from collections.abc import Callable

    from pymongo.database import Database

logger = logging.getLogger(__name__)


class Heartbeat:
    """A daemon thread that calls ``beat`` every ``interval_s`` seconds until stopped."""

    def __init__(self, beat: Callable[[], None], interval_s: float) -> None:
        self.interval_s = interval_s
        self._beat = beat
        self._stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="lease-heartbeat", daemon=True)

    def start(self) -> None:
        self.thread.start()

    @property
    def running(self) -> bool:
        return not self._stopped.is_set()

    def stop(self) -> None:
        """No further beat starts (one in progress ends within its database timeout)."""
        self._stopped.set()

    def _run(self) -> None:
        while not self._stopped.wait(self.interval_s):
            try:
                self._beat()
            except Exception:  # a bug here must not end the heartbeat silently
                logger.exception("the crawl lease heartbeat failed")


class LeaseKeeper:
    """The lease of one site for one crawl, with its heartbeat (every TTL / 10 s, at least 5 s)."""

    def __init__(
        self,
        db: Database[dict[str, Any]],
        site: str,
        ttl_s: int,
        stop: Callable[[str], None],
        lock: SiteLock | None = None,
        interval_s: float | None = None,
    ) -> None:
        #: the site's own lease, or a distributed run's shared RunLease
        self.lock = lock or SiteLock(db, site, ttl=timedelta(seconds=ttl_s))
        self.site = site
        self.ttl_s = ttl_s
        #: Called with a finish reason ("lease_lost") to stop the crawl.
        self.stop = stop
        #: Seconds between beats; each beat's database call may take at most half of it.
        self.interval_s = interval_s if interval_s is not None else max(5, ttl_s // 10)
        self.heartbeat: Heartbeat | None = None
        #: When the lease was last confirmed ours (monotonic seconds).
        self.confirmed_at = 0.0

    def acquire(self, run_id: str | None) -> None:
        """Take the lease and start beating, or raise CloseSpider (`site_busy`, `lease_unavailable`)."""
        try:
            self.lock.acquire(run_id)
        except SiteBusy as exc:
            logger.error("%s", exc)
            raise CloseSpider("site_busy") from exc
        except PyMongoError as exc:
            logger.error("could not take the crawl lease of %s, so nothing is fetched: %s", self.site, exc)
            raise CloseSpider("lease_unavailable") from exc
        self.confirmed_at = time.monotonic()
        self.heartbeat = Heartbeat(self.beat, self.interval_s)
        self.heartbeat.start()

    def beat(self) -> None:
        """Refresh the lease; stop the crawl when it is lost or unconfirmed for a whole TTL."""
        try:
            with pymongo.timeout(max(1.0, self.interval_s / 2)):
                held = self.lock.refresh()
        except PyMongoError as exc:
            unconfirmed = time.monotonic() - self.confirmed_at
            if unconfirmed < self.ttl_s:
                logger.warning("could not refresh the crawl lease (will retry): %s", exc)
                return
            logger.error(
                "could not confirm the crawl lease of %s for %.0f s (another crawl may have taken it "
                "over); stopping: %s",
                self.site,
                unconfirmed,
                exc,
            )
            self._lost()
            return
        if held:
            self.confirmed_at = time.monotonic()
            return
        logger.error("the crawl lease of %s was taken over by another crawl; stopping", self.site)
        self._lost()

    def _lost(self) -> None:
        self._stop_beating()
        if self.heartbeat is not None and threading.current_thread() is self.heartbeat.thread:
            from twisted.internet import reactor

            reactor.callFromThread(self.stop, "lease_lost")  # type: ignore[attr-defined]
        else:
            self.stop("lease_lost")

    def _stop_beating(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.stop()

    def leave(self) -> None:
        """Stop beating, keep the lease (a distributed run's other workers still hold it)."""
        self._stop_beating()

    def release(self) -> None:
        """Stop beating and give the lease back (it expires by itself if that fails)."""
        self._stop_beating()
        try:
            self.lock.release()
        except PyMongoError as exc:
            logger.warning("could not release the crawl lease (it expires by itself): %s", exc)
