"""The workers of a distributed run (`crawl_run_workers`): facts inserted once, keyed by `_id`.

Several workers (processes, machines) join, leave and notice the death of one another in one
run at the same moment. On the local FerretDB 1.24 an update is a read, a change made in Go and
a write-back of the whole document, with nothing in between held: two workers `$push`-ing,
`$pull`-ing or `$inc`-ing one run document lose each other's changes (four processes joining
and leaving one run at once lost a worker, a result or a figure in 4 rounds of 5, measured;
tests/test_store_run_workers.py). A compare-and-set on a version field is no better there: the
filter is checked on the read, the write-back is unconditional. What is atomic on FerretDB, as
on MongoDB, is an insert under a unique `_id`. So each fact about a worker is a document
inserted once, whose `_id` says what it is, and the run's state is derived from them:

    RUN/0001             worker slot 1: the worker's id, host, when it joined (slots are taken
                         in join order: the insert decides, as for the archive sequence's blocks)
    RUN/0001/lost/K      the worker of slot 1 stopped beating for the K-th time (written by the
                         worker that noticed; the Redis frontier lets one worker notice each death)
    RUN/0001/back/K      ... and it was back after that (written by itself)
    RUN/0001/left        it left: its status and figures (written by itself)
    RUN/closed           the run is closed: whoever inserts this is the one writer of the run's
                         final state (its last worker, or the later run that found it abandoned)

Reads are `_id` lookups only (slot after slot until one is missing), fast on the patched local
database and on MongoDB. The closer folds the derived state into the run document
(`workers`, `active_workers`, `worker_results`, the summed figures), the fields that run
documents always had, so readers of `crawl_runs` and older archives are unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pymongo.errors import DuplicateKeyError

from crawler.store.documents import sanitize

if TYPE_CHECKING:
    from pymongo.database import Database

COLLECTION = "crawl_run_workers"

#: Figures of a distributed run that every worker adds its share to.
SUMMED_FIGURES = (
    "pages_fetched",
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "articles_dropped",
    "articles_gone",
    "articles_missing_date",
    "errors",
)


@dataclass
class WorkerState:
    """One worker of a run, as its facts say."""

    slot: int
    worker: str
    joined: dict[str, Any]
    #: its result when it left (status, figures), else None
    result: dict[str, Any] | None = None
    lost: int = 0
    back: int = 0

    @property
    def active(self) -> bool:
        """Still in the run: not left, and back after every time it was taken for dead."""
        return self.result is None and self.back >= self.lost


@dataclass
class RunState:
    """The workers of a run and what they reported."""

    workers: list[WorkerState]

    @property
    def active(self) -> list[str]:
        """Workers still in the run."""
        return [w.worker for w in self.workers if w.active]

    @property
    def results(self) -> list[dict[str, Any]]:
        """Each worker's result; a worker taken for dead that never left is `lost`."""
        results = []
        for w in self.workers:
            if w.result is not None:
                results.append(w.result)
            elif not w.active:
                results.append({"worker": w.worker, "status": "lost"})
        return results

    @property
    def frontier_completed(self) -> bool:
        """A worker saw the frontier complete (every request of the run done)."""
        return any(r.get("frontier_completed") for r in self.results)

    def totals(self) -> dict[str, Any]:
        """The summed figures of the workers that left."""
        return {k: sum(_number(r.get(k)) for r in self.results) for k in SUMMED_FIGURES}

    def record(self) -> dict[str, Any]:
        """The fields the run document keeps (as run documents always had them)."""
        return {
            "workers": [w.joined for w in self.workers],
            "active_workers": self.active,
            "worker_results": self.results,
            "frontier_completed": self.frontier_completed,
            **self.totals(),
        }


class RunWorkers:
    """Join, leave, lose and close: every write one insert, every read an `_id` lookup."""

    def __init__(self, db: Database[dict[str, Any]]) -> None:
        self.collection = db[COLLECTION]

    def join(self, run_id: str, worker: dict[str, Any]) -> int:
        """Take the next free slot of the run for this worker; its number."""
        slot = 1
        while True:
            doc = sanitize({**worker, "run": run_id, "joined_at": datetime.now(UTC)})
            try:
                self.collection.insert_one({**doc, "_id": _slot_id(run_id, slot)})
            except DuplicateKeyError:
                slot += 1
                continue
            return slot

    def leave(self, run_id: str, slot: int, result: dict[str, Any]) -> None:
        """The worker of slot leaves with its result (status, figures, frontier_completed)."""
        doc = sanitize({**result, "run": run_id, "finished_at": datetime.now(UTC)})
        self._insert_once(f"{_slot_id(run_id, slot)}/left", doc)

    def lost(self, run_id: str, worker: str) -> None:
        """Another worker found this one dead (its heartbeat expired)."""
        found = self._find(run_id, worker)
        if found is None or found.result is not None:
            return
        if found.lost > found.back:
            return  # already recorded as lost, and not back since
        doc = {"run": run_id, "worker": worker, "at": datetime.now(UTC)}
        self._insert_once(f"{_slot_id(run_id, found.slot)}/lost/{found.lost + 1}", doc)

    def back(self, run_id: str, slot: int) -> None:
        """The worker of slot, taken for dead, beats again."""
        lost = self._count(f"{_slot_id(run_id, slot)}/lost")
        if lost:
            self._insert_once(
                f"{_slot_id(run_id, slot)}/back/{lost}", {"run": run_id, "at": datetime.now(UTC)}
            )

    def state(self, run_id: str) -> RunState:
        """Every worker of the run with what it reported."""
        workers = []
        slot = 1
        while (joined := self.collection.find_one({"_id": _slot_id(run_id, slot)})) is not None:
            state = WorkerState(slot, str(joined.get("worker")), _public(joined))
            left = self.collection.find_one({"_id": f"{_slot_id(run_id, slot)}/left"})
            if left is not None:
                state.result = _public(left)
            else:
                state.lost = self._count(f"{_slot_id(run_id, slot)}/lost")
                state.back = self._count(f"{_slot_id(run_id, slot)}/back", state.lost)
            workers.append(state)
            slot += 1
        return RunState(workers)

    def claim_close(self, run_id: str, by: str) -> bool:
        """True for the one caller that closes the run (writes its final state)."""
        return self._insert_once(f"{run_id}/closed", {"run": run_id, "by": by, "at": datetime.now(UTC)})

    def _find(self, run_id: str, worker: str) -> WorkerState | None:
        return next((w for w in self.state(run_id).workers if w.worker == worker), None)

    def _count(self, prefix: str, at_most: int | None = None) -> int:
        """How many of PREFIX/1, PREFIX/2, ... exist (they are written in order)."""
        n = 0
        while (at_most is None or n < at_most) and self.collection.find_one(
            {"_id": f"{prefix}/{n + 1}"}, {"_id": 1}
        ):
            n += 1
        return n

    def _insert_once(self, doc_id: str, doc: dict[str, Any]) -> bool:
        """Insert the fact; False when it was there already."""
        try:
            self.collection.insert_one({**doc, "_id": doc_id})
        except DuplicateKeyError:
            return False
        return True


def _slot_id(run_id: str, slot: int) -> str:
    return f"{run_id}/{slot:04d}"


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    """A fact as the run document shows it (without its own `_id` and run)."""
    return {k: v for k, v in doc.items() if k not in ("_id", "run")}


def _number(value: Any) -> int | float:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0
