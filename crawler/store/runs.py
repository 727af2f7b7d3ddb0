"""The `crawl_runs` collection: one document per crawl, written at its start and its end.

A run that is still "running" long after it started was killed (SIGKILL, power loss):
the next run of the same site marks it "interrupted", so the history never lies.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from crawler.project.process import pid_alive
from crawler.store.articles import ensure_indexes
from crawler.store.documents import sanitize
from crawler.store.run_workers import RunState, RunWorkers

if TYPE_CHECKING:
    from pymongo.database import Database

COLLECTION = "crawl_runs"
INDEXES = [
    IndexModel([("site", ASCENDING), ("started_at", DESCENDING)], name="site_started"),
    IndexModel([("status", ASCENDING)], name="status"),
]


def new_run_id(site: str) -> str:
    """A run's `_id`: site, start time, a random suffix."""
    return f"{site}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


class CrawlRuns:
    """Records crawls: who ran what, when, and how it went."""

    def __init__(self, db: Database[dict[str, Any]]) -> None:
        self.collection = db[COLLECTION]
        self.workers = RunWorkers(db)

    def ensure_indexes(self) -> None:
        """Create the indexes run queries use."""
        ensure_indexes(self.collection, INDEXES)

    def start(self, site: str, **fields: Any) -> str:
        """Insert a "running" run and return its id; earlier unfinished runs of this host are closed."""
        now = datetime.now(UTC)
        host = socket.gethostname()
        self._close_interrupted(site, host)
        run_id = new_run_id(site)
        self.collection.insert_one(
            sanitize(
                {
                    "_id": run_id,
                    "site": site,
                    "status": "running",
                    "started_at": now,
                    "host": host,
                    "pid": os.getpid(),
                    **fields,
                }
            )
        )
        return run_id

    def finish(self, run_id: str, status: str, **fields: Any) -> None:
        """Close a run with its figures (status: finished, failed, interrupted)."""
        update = sanitize({"status": status, "finished_at": datetime.now(UTC), **fields})
        self.collection.update_one({"_id": run_id}, {"$set": update})

    def latest(self, site: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
        """Most recent runs first."""
        query = {} if site is None else {"site": site}
        return list(self.collection.find(query).sort("started_at", DESCENDING).limit(limit))

    # Distributed runs: several workers (processes, machines) share one run. ----------------
    # Their joins, results and losses are facts inserted once (crawler/store/run_workers.py);
    # the run document is written at its creation and, once, when it is closed.

    def join(self, run_id: str, site: str, worker: dict[str, Any], **fields: Any) -> int:
        """Add a worker to a distributed run, creating the run with the first one; the worker's slot."""
        now = datetime.now(UTC)
        run = {"_id": run_id, "site": site, "status": "running", "started_at": now, "distributed": True}
        with contextlib.suppress(DuplicateKeyError):  # another worker created it first
            self.collection.insert_one(sanitize({**run, **fields}))
        return self.workers.join(run_id, worker)

    def leave(
        self, run_id: str, slot: int, worker: str, figures: dict[str, Any], *, completed: bool, status: str
    ) -> RunState | None:
        """Record a worker's result; the run's state when this worker is the one to close it.

        That is when no worker is left in the run, and no other caller closed it first: the
        caller then writes the run's end with `finish`.
        """
        result = {"worker": worker, "status": status, "frontier_completed": completed, **figures}
        self.workers.leave(run_id, slot, result)
        state = self.workers.state(run_id)
        if state.active or not self.workers.claim_close(run_id, worker):
            return None
        return state

    def rejoin(self, run_id: str, slot: int) -> None:
        """A worker taken for dead (it missed heartbeats) is back."""
        self.workers.back(run_id, slot)

    def worker_lost(self, run_id: str, worker: str) -> None:
        """A worker died (its heartbeat stopped); its unfinished work went back to the frontier."""
        self.workers.lost(run_id, worker)

    def interrupt(self, run_id: str, reason: str) -> None:
        """Mark a run that is still "running" as interrupted (its workers are all gone)."""
        if not self.workers.claim_close(run_id, "interrupted"):
            return  # its last worker closed it (or another run interrupted it already)
        state = self.workers.state(run_id)
        fields = state.record() if state.workers else {}  # a run of an older archive keeps its own
        self.collection.update_one(
            {"_id": run_id, "status": "running"},
            {
                "$set": {
                    **fields,
                    "status": "interrupted",
                    "finish_reason": reason,
                    "finished_at": datetime.now(UTC),
                }
            },
        )

    def _close_interrupted(self, site: str, host: str) -> None:
        """Runs of this site on this host whose process is gone were killed: say so.

        Distributed runs are left alone: their other workers may be alive (the next
        distributed run of the site marks an abandoned one).
        """
        query = {"site": site, "status": "running", "host": host, "distributed": {"$ne": True}}
        for run in self.collection.find(query, {"pid": 1}):
            pid = run.get("pid")
            if pid == os.getpid() or (isinstance(pid, int) and pid_alive(pid)):
                continue
            self.collection.update_one(
                {"_id": run["_id"]},
                {"$set": {"status": "interrupted", "finish_reason": "process ended without closing the run"}},
            )
