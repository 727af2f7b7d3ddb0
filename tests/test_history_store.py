"""The history's writes when two workers of one run write the same list documents at once."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from crawler.discovery.walks import ListKind, ListRecord
from crawler.store import connect
from crawler.store.history import WALKS, ListHistory

if TYPE_CHECKING:
    from pymongo.database import Database

LISTS = [f"http://127.0.0.1/section-{n}/" for n in range(40)]


def test_two_workers_recording_the_same_lists_at_once_both_succeed(
    mongo_uri: str, mongo_db: Database[dict[str, Any]]
) -> None:
    # each worker closes its crawl by upserting every list's document: the two inserts of one
    # `_id` race, and the loser's batch comes back refused (FerretDB: a reply pymongo cannot merge)
    failures: list[BaseException] = []
    histories: list[ListHistory] = []

    def record(deepest: int, start: threading.Barrier) -> None:
        client = connect(mongo_uri)
        try:
            history = ListHistory(client[mongo_db.name], "demo")
            histories.append(history)
            records = {u: ListRecord(u, ListKind.SECTION, deepest=deepest) for u in LISTS}
            start.wait()
            history.record_lists(records)
        except BaseException as exc:  # the test reports whatever escaped the thread
            failures.append(exc)
        finally:
            client.close()

    for round_ in range(5):
        mongo_db[WALKS].delete_many({})
        start = threading.Barrier(2)
        threads = [threading.Thread(target=record, args=(d, start)) for d in (round_, round_ + 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not failures, failures
        assert not any(h.failed for h in histories), f"round {round_}: a worker's history write failed"
        docs = {d["list"]: d["deepest"] for d in mongo_db[WALKS].find({"type": "list"})}
        assert docs == dict.fromkeys(LISTS, round_ + 1)  # every list once, the deeper walk kept
