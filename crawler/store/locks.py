"""One crawl per site at a time, across processes and machines: a lease document per site.

The lease (`crawl_locks`, `_id` = site) names its holder (host, pid) and is refreshed by a
heartbeat; a lease whose holder died (same host, pid gone) or stopped beating is taken over.

The API, small on purpose (the archive session's LeaseKeeper, crawler/session/lease.py, uses it):

* ``acquire(run_id)`` takes the lease or raises SiteBusy (database errors propagate: no lease,
  no crawl);
* ``refresh()`` beats and returns whether the lease is still ours (False: someone took it
  over, the crawl must stop);
* ``release()`` gives it back (only if still ours).

A distributed run holds one shared lease (RunLease) that all its workers join and beat.

Taking over a stale lease is decided by an insert: on the local FerretDB 1.24 an update is a
read and an unconditional write-back, so two crawls that found the same stale lease could both
"take it over" with a filtered update (measured: 2 holders in 1 round of 6, four takers each).
Each taker first inserts a claim keyed by the stale lease it saw (`crawl_lock_claims`); only
the one whose insert succeeds updates the lease, and removes its claim after. A taker that saw
the same stale lease later finds the lease changed: its filtered update matches nothing. A
claim left by a taker that died in between is given up after CLAIM_STALE_AFTER.

The heartbeat of a lease is an update too: a holder waking up from a stall longer than the TTL,
at the very moment its lease is taken over, can write its old lease back. The new holder's
next heartbeat then finds the lease not its own and stops its crawl (fail closed: one crawl
goes on). Shared leases are beaten by several workers at once; those writes only race each
other to store "now".
"""

from __future__ import annotations

import os
import socket
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pymongo.errors import DuplicateKeyError

from crawler.project.process import pid_alive

if TYPE_CHECKING:
    from pymongo.database import Database

COLLECTION = "crawl_locks"
CLAIMS = "crawl_lock_claims"
#: A takeover claim older than this was left by a taker that died between its two writes.
CLAIM_STALE_AFTER = timedelta(minutes=5)


class SiteBusy(RuntimeError):
    """Another crawl of the site holds the lease; the message says who and since when."""


class SiteLock:
    """The lease on one site for this process."""

    def __init__(
        self, db: Database[dict[str, Any]], site: str, *, ttl: timedelta = timedelta(minutes=15)
    ) -> None:
        self.collection = db[COLLECTION]
        self.claims = db[CLAIMS]
        self.site = site
        self.ttl = ttl
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.held = False

    def _mine(self) -> dict[str, Any]:
        return {"_id": self.site, "host": self.host, "pid": self.pid}

    def acquire(self, run_id: str | None = None) -> None:
        """Take the lease or raise SiteBusy."""
        now = datetime.now(UTC)
        lease = {**self._mine(), "acquired_at": now, "heartbeat_at": now, "run_id": run_id}
        try:
            self.collection.insert_one(lease)
        except DuplicateKeyError:
            holder = self.collection.find_one({"_id": self.site}) or {}
            if not self._stale(holder, now):
                who = f"pid {holder.get('pid')} on {holder.get('host')}"
                raise SiteBusy(
                    f"another crawl of {self.site} is running ({who}, since "
                    f"{holder.get('acquired_at'):%Y-%m-%d %H:%M:%S} UTC); it must end first"
                ) from None
            if not self._take_over(holder, lease):
                raise SiteBusy(f"another crawl of {self.site} took the lease just now") from None
        self.held = True

    def _take_over(self, holder: dict[str, Any], lease: dict[str, Any]) -> bool:
        """Replace the exact stale lease we looked at with ours; False when another taker won it."""
        seen = f"{self.site} {holder.get('run_id')} {holder.get('pid')} {holder.get('heartbeat_at')}"
        attempt = 1
        while True:
            claim = f"{seen} {attempt}"
            try:
                self.claims.insert_one({"_id": claim, "at": datetime.now(UTC), "pid": self.pid})
                break
            except DuplicateKeyError:
                found = self.claims.find_one({"_id": claim}) or {}
                at = found.get("at")
                if (
                    isinstance(at, datetime)
                    and datetime.now(UTC) - at.replace(tzinfo=UTC) < CLAIM_STALE_AFTER
                ):
                    return False  # another taker is replacing this lease
                attempt += 1
        try:
            exact = {k: holder.get(k) for k in ("pid", "run_id", "heartbeat_at")}
            taken = self.collection.find_one_and_update(
                {"_id": self.site, **exact}, {"$set": {k: v for k, v in lease.items() if k != "_id"}}
            )
        finally:
            for n in range(1, attempt + 1):
                self.claims.delete_one({"_id": f"{seen} {n}"})
        return taken is not None

    def _stale(self, holder: dict[str, Any], now: datetime) -> bool:
        if not holder:
            return True
        if (
            not holder.get("shared")  # a shared lease outlives the worker that took it
            and holder.get("host") == self.host
            and isinstance(holder.get("pid"), int)
            and not pid_alive(holder["pid"])
        ):
            return True
        beat = holder.get("heartbeat_at")
        return beat is None or now - beat > self.ttl

    def refresh(self) -> bool:
        """Heartbeat: True while the lease is ours; False once another crawl has taken it over.

        The update matches our own lease only (site, host, pid), so a lease taken over after a
        missed heartbeat is never refreshed back: the old holder learns here that it lost it.
        """
        if not self.held:
            return False
        result = self.collection.update_one(self._mine(), {"$set": {"heartbeat_at": datetime.now(UTC)}})
        if result.matched_count != 1:
            self.held = False
        return self.held

    def release(self) -> None:
        """Give the lease back."""
        if self.held:
            self.collection.delete_one(self._mine())
            self.held = False


class RunLease(SiteLock):
    """The site's lease held by one distributed run.

    Every worker of the run joins it and beats it; no other crawl can take it while any of
    them beats. The run's last worker releases it.
    """

    def __init__(
        self,
        db: Database[dict[str, Any]],
        site: str,
        run_id: str,
        *,
        replaces: str | None = None,
        ttl: timedelta = timedelta(minutes=15),
    ) -> None:
        super().__init__(db, site, ttl=ttl)
        self.run_id = run_id
        #: the abandoned run whose frontier this run resumes: its lease is taken over at once
        self.replaces = replaces

    def _mine(self) -> dict[str, Any]:
        return {"_id": self.site, "run_id": self.run_id}

    def acquire(self, run_id: str | None = None) -> None:
        """Join the run's lease, take it (free, stale, or held by `replaces`), or raise SiteBusy."""
        now = datetime.now(UTC)
        lease = {
            "_id": self.site,
            "run_id": self.run_id,
            "shared": True,
            "host": self.host,
            "pid": self.pid,
            "acquired_at": now,
            "heartbeat_at": now,
        }
        try:
            self.collection.insert_one(lease)
        except DuplicateKeyError:
            holder = self.collection.find_one({"_id": self.site}) or {}
            if holder.get("run_id") == self.run_id:
                self.held = True
                return
            abandoned = self.replaces is not None and holder.get("run_id") == self.replaces
            if not abandoned and not self._stale(holder, now):
                raise SiteBusy(
                    f"another crawl of {self.site} is running (run {holder.get('run_id')}, pid "
                    f"{holder.get('pid')} on {holder.get('host')}); it must end first"
                ) from None
            if not self._take_over(holder, lease) and not self._taken_by_my_run(holder):
                raise SiteBusy(f"another crawl of {self.site} took the lease just now") from None
        self.held = True

    def _taken_by_my_run(self, holder: dict[str, Any], wait_s: float = 10.0) -> bool:
        """Whether the taker that won is another worker of this run (its takeover takes a moment)."""
        deadline = time.monotonic() + wait_s
        while True:
            now = self.collection.find_one({"_id": self.site}) or {}
            changed = any(now.get(k) != holder.get(k) for k in ("run_id", "heartbeat_at"))
            if changed or time.monotonic() > deadline:
                return now.get("run_id") == self.run_id
            time.sleep(0.1)
