"""The `crawl_runs` collection: one document per crawl, written at its start and its end.

A run that is still "running" long after it started was killed (SIGKILL, power loss):
the next run of the same site marks it "interrupted", so the history never lies.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from crawler.process import pid_alive
from crawler.store.articles import ensure_indexes
from crawler.store.documents import sanitize

if TYPE_CHECKING:
    from pymongo.database import Database

COLLECTION = "crawl_runs"
INDEXES = [
    IndexModel([("site", ASCENDING), ("started_at", DESCENDING)], name="site_started"),
    IndexModel([("status", ASCENDING)], name="status"),
]


class CrawlRuns:
    """Records crawls: who ran what, when, and how it went."""

    def __init__(self, db: Database[dict[str, Any]]) -> None:
        self.collection = db[COLLECTION]

    def ensure_indexes(self) -> None:
        """Create the indexes run queries use."""
        ensure_indexes(self.collection, INDEXES)

    def start(self, site: str, **fields: Any) -> str:
        """Insert a "running" run and return its id; earlier unfinished runs of this host are closed."""
        now = datetime.now(UTC)
        host = socket.gethostname()
        self._close_interrupted(site, host)
        run_id = f"{site}-{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
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

    def _close_interrupted(self, site: str, host: str) -> None:
        """Runs of this site on this host whose process is gone were killed: say so."""
        for run in self.collection.find({"site": site, "status": "running", "host": host}, {"pid": 1}):
            pid = run.get("pid")
            if pid == os.getpid() or (isinstance(pid, int) and pid_alive(pid)):
                continue
            self.collection.update_one(
                {"_id": run["_id"]},
                {"$set": {"status": "interrupted", "finish_reason": "process ended without closing the run"}},
            )
