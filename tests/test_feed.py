"""The archive sequence and exactly-once feeds (`export --cursor`), on the real local database.

Changes are numbered in one chain of blocks; a cursor run serves every change once, in order,
even with two writers whose blocks complete out of order, a writer killed half-way, an export
killed half-way (SIGKILL of a real process) or a crash between the output and the cursor;
archives stored before the sequence are numbered once (backfill).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from crawler.archive.writer import open_store
from crawler.export import default_fields, export_feed
from crawler.export.cursor import Cursor, CursorError
from crawler.items import PageVisit
from crawler.store import connect
from crawler.store.backfill import backfill, needs_backfill
from crawler.store.changelog import NEW, ChangeLog, Entry
from tests.conftest import ROOT, run_cli, wait_for
from tests.test_store_articles import T0, article, store_all

if TYPE_CHECKING:
    from pathlib import Path

    from pymongo.database import Database

pytestmark = pytest.mark.integration

DB = dict[str, Any]


def feed(db: Database[DB], cursor: Path, out: Path, **kw: Any) -> list[dict[str, Any]]:
    """One cursor run into out; its records."""
    export_feed(db, cursor, default_fields(), out=out, **kw)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def gone(n: int, day: int) -> PageVisit:
    return PageVisit(
        url=f"http://a.cn/p/{n}.htm",
        site="demo",
        kind="gone",
        status=404,
        fetched_at=T0 + timedelta(days=day),
    )


def every_change(db: Database[DB]) -> list[tuple[int, str, str]]:
    """(seq, kind, article) of every change the store holds, from the stamps (not the log)."""
    found = []
    for doc in db.articles.find():
        found.append((doc["seq"], "version" if doc["version"] > 1 else "new", doc["_id"]))
        found.extend((e["seq"], e["type"], doc["_id"]) for e in doc.get("events") or [])
    for doc in db.article_versions.find():
        found.append((doc["seq"], "version" if doc["version"] > 1 else "new", doc["article_id"]))
    return sorted(found)


def test_every_change_gets_the_next_number_in_one_chain(mongo_db: Database[DB]) -> None:
    store_all(mongo_db, [article(n) for n in range(5)], search_index=False)
    store_all(mongo_db, [article(n, text=f"改过的正文{n}") for n in range(2)], seen=T0 + timedelta(days=1))
    store = open_store(mongo_db, search_index=False)
    store.load_known()
    store.add_visit(gone(4, 2))
    store.flush()
    store.add(article(4), T0 + timedelta(days=3))  # back, unchanged
    store.flush()
    log = ChangeLog(mongo_db)
    numbered = [(seq, e.kind, e.article) for block in log.blocks(0) for seq, e in block.numbered()]
    assert [seq for seq, _, _ in numbered] == list(range(1, 10))
    assert [kind for _, kind, _ in numbered] == ["new"] * 5 + ["version"] * 2 + ["gone", "restored"]
    assert log.high() == 9
    assert sorted(numbered) == every_change(mongo_db)  # each stamp is in the log, each entry stamped


def test_a_cursor_serves_each_change_once_with_the_version_it_made(
    mongo_db: Database[DB], tmp_path: Path
) -> None:
    cursor = tmp_path / "feed.cursor"
    store_all(mongo_db, [article(n) for n in range(4)], search_index=False)
    first = feed(mongo_db, cursor, tmp_path / "1.jsonl")
    assert [(r["seq"], r["kind"]) for r in first] == [(n, "new") for n in range(1, 5)]
    assert feed(mongo_db, cursor, tmp_path / "2.jsonl") == []  # nothing new: nothing served twice

    store_all(mongo_db, [article(1, text="第二版")], seen=T0 + timedelta(days=1), search_index=False)
    store_all(mongo_db, [article(1, text="第三版")], seen=T0 + timedelta(days=2), search_index=False)
    store = open_store(mongo_db, search_index=False)
    store.load_known()
    store.add_visit(gone(2, 3))
    store.flush()
    delta = feed(mongo_db, cursor, tmp_path / "3.jsonl")
    assert [(r["seq"], r["kind"], r["version"]) for r in delta] == [
        (5, "version", 2),
        (6, "version", 3),
        (7, "gone", 1),
    ]
    assert [r["text"] for r in delta[:2]] == ["第二版", "第三版"]  # version 2 from article_versions
    assert delta[0]["changed_at"] == "2026-11-28T01:30:00.000Z"
    assert delta[2]["_id"] == "http://a.cn/p/2.htm" and delta[2]["status"] == 404
    assert list(delta[0])[:4] == ["seq", "kind", "changed_at", "reason"]
    state = json.loads(cursor.read_text())
    assert state["seq"] == 7 and state["records"] == 7
    schema = json.loads((tmp_path / "3.jsonl.schema.json").read_text())
    assert schema["properties"]["kind"]["enum"] == ["new", "version", "gone", "restored"]


def test_site_filter_and_a_cursor_of_another_selection_or_archive(
    mongo_db: Database[DB], tmp_path: Path
) -> None:
    store_all(
        mongo_db, [article(1, site="a"), article(2, site="b"), article(3, site="a")], search_index=False
    )
    cursor = tmp_path / "a.cursor"
    records = feed(mongo_db, cursor, tmp_path / "a.jsonl", sites=["a"])
    assert [r["_id"] for r in records] == ["http://a.cn/p/1.htm", "http://a.cn/p/3.htm"]
    with pytest.raises(CursorError, match="follows sites"):
        feed(mongo_db, cursor, tmp_path / "all.jsonl")
    ChangeLog(mongo_db).counter.update_one({"_id": "archive"}, {"$set": {"archive": "another"}})
    with pytest.raises(CursorError, match="another archive"):
        feed(mongo_db, cursor, tmp_path / "a2.jsonl", sites=["a"])


def test_a_block_still_being_written_holds_back_later_ones(mongo_db: Database[DB], tmp_path: Path) -> None:
    """Sequence 2 completes before 1: the cursor stops before 1 until it completes, then serves both."""
    store_all(mongo_db, [article(0)], search_index=False)  # seq 1..1 done
    log = ChangeLog(mongo_db)
    late = log.claim([Entry(NEW, "http://a.cn/p/1.htm", "demo", 1, T0)])  # a writer in the middle of a flush
    store_all(mongo_db, [article(2)], search_index=False)  # a second writer: claims and completes after it
    cursor = tmp_path / "c"
    assert [r["seq"] for r in feed(mongo_db, cursor, tmp_path / "1.jsonl")] == [1]
    assert Cursor.load(cursor).seq == 1  # not past the open block
    mongo_db.articles.insert_one({**_document(1), "seq": late})  # the late writer finishes: its article,
    log.complete(late)  # then its block
    assert [(r["seq"], r["_id"][-6:]) for r in feed(mongo_db, cursor, tmp_path / "2.jsonl")] == [
        (late, "/1.htm"),
        (late + 1, "/2.htm"),
    ]


def _document(n: int) -> dict[str, Any]:
    from crawler.store.documents import article_document

    return article_document(replace(article(n), quality={}), T0)  # no keys to sanitise: inserted as is


def _writer(uri: str, name: str, first: int, rounds: int, ready: Any) -> None:
    """A second process writing new articles and new versions in many small flushes."""
    db = connect(uri)[name]
    store = open_store(db, insert_batch=3, update_batch=2, search_index=False)
    store.load_known()
    ready.set()
    for r in range(rounds):
        for n in range(first + 3 * r, first + 3 * r + 3):
            store.add(article(n), T0)
        store.add(article(first + 3 * r, text=f"又改了{r}"), T0 + timedelta(minutes=r + 1))
        store.flush()


def test_two_concurrent_writers_and_a_reader_never_skip_nor_repeat(
    mongo_uri: str, mongo_db: Database[DB], tmp_path: Path
) -> None:
    context = multiprocessing.get_context("spawn")
    ready = [context.Event(), context.Event()]
    writers = [
        context.Process(target=_writer, args=(mongo_uri, mongo_db.name, first, 12, ready[i]))
        for i, first in enumerate((0, 1000))
    ]
    for process in writers:
        process.start()
    for event in ready:
        wait_for(event.is_set, 120, "the writers to start")
    served: list[dict[str, Any]] = []
    cursor = tmp_path / "c"
    runs = 0
    while any(p.is_alive() for p in writers) or runs == 0:
        served += feed(mongo_db, cursor, tmp_path / f"{runs}.jsonl")
        runs += 1
    for process in writers:
        process.join()
        assert process.exitcode == 0
    served += feed(mongo_db, cursor, tmp_path / "last.jsonl")
    seqs = [r["seq"] for r in served]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))  # in order, none twice
    assert [(r["seq"], r["kind"], r["_id"]) for r in served] == every_change(mongo_db)  # none skipped
    assert len(served) == 2 * 12 * 4
    assert runs > 1  # the reader ran while the writers wrote


def _killed_writer(uri: str, name: str, stage: Any) -> None:
    """Claims a block, writes its articles, then waits to be killed before completing it."""
    db = connect(uri)[name]
    store = open_store(db, search_index=False)
    store.load_known()
    store.add(article(50), T0)
    store.add(article(51), T0)
    store.changelog.complete = lambda *a, **k: (stage.set(), signal.pause())  # type: ignore[method-assign]
    store.flush()


def test_a_block_whose_writer_died_is_served_after_checking_each_entry(
    mongo_uri: str, mongo_db: Database[DB], tmp_path: Path
) -> None:
    store_all(mongo_db, [article(1)], search_index=False)
    stage = multiprocessing.get_context("spawn").Event()
    writer = multiprocessing.get_context("spawn").Process(
        target=_killed_writer, args=(mongo_uri, mongo_db.name, stage)
    )
    writer.start()
    wait_for(stage.is_set, 120, "the writer to store its articles")
    cursor = tmp_path / "c"
    assert [r["seq"] for r in feed(mongo_db, cursor, tmp_path / "1.jsonl")] == [1]  # alive: held back
    os.kill(writer.pid, signal.SIGKILL)
    writer.join()
    mongo_db.articles.delete_one({"_id": "http://a.cn/p/51.htm"})  # as if its insert had not happened
    records = feed(mongo_db, cursor, tmp_path / "2.jsonl")
    assert [(r["seq"], r["_id"]) for r in records] == [(2, "http://a.cn/p/50.htm")]  # 3 is void: skipped


def test_a_crash_between_the_output_and_the_cursor_serves_the_same_changes_again(
    mongo_db: Database[DB], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_all(mongo_db, [article(n) for n in range(3)], search_index=False)
    cursor = tmp_path / "c"
    feed(mongo_db, cursor, tmp_path / "0.jsonl")
    store_all(mongo_db, [article(n) for n in range(3, 6)], search_index=False)

    def crash(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Cursor, "advance", crash)
        with pytest.raises(KeyboardInterrupt):
            feed(mongo_db, cursor, tmp_path / "1.jsonl")
    assert (tmp_path / "1.jsonl").exists() and Cursor.load(cursor).seq == 3
    again = feed(mongo_db, cursor, tmp_path / "1.jsonl")
    assert [r["seq"] for r in again] == [4, 5, 6]
    assert Cursor.load(cursor).seq == 6


def test_an_export_killed_half_way_exports_the_same_delta_next_time(
    cli_env: dict[str, str], mongo_db: Database[DB], tmp_path: Path
) -> None:
    db = mongo_db
    store_all(
        db, [article(n, text=f"第{n}篇。" + "正文内容。" * 200) for n in range(600)], search_index=False
    )
    cursor, out = tmp_path / "feed.cursor", tmp_path / "delta.jsonl"
    part = out.with_name(out.name + ".part")
    command = [
        sys.executable,
        "-m",
        "crawler.cli",
        "export",
        "-f",
        "jsonl",
        "-o",
        str(out),
        "--cursor",
        str(cursor),
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(
            lambda: part.exists() and part.stat().st_size > 0, 120, "the export to be writing", interval=0.005
        )
        assert process.poll() is None, "the export ended before it could be killed half-way"
        process.kill()  # SIGKILL: no cleanup runs
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not cursor.exists() and not out.exists()
    done = run_cli(["export", "-f", "jsonl", "-o", str(out), "--cursor", str(cursor)], cli_env)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["seq"] for r in records] == list(range(1, 601))
    assert "600 changes (sequence 1..600)" in done.stdout
    again = run_cli(
        ["export", "-f", "jsonl", "-o", str(tmp_path / "next.jsonl"), "--cursor", str(cursor)], cli_env
    )
    assert again.returncode == 0 and (tmp_path / "next.jsonl").read_text() == ""
    bad = run_cli(["export", "-f", "jsonl", "-o", str(out), "--cursor", str(cursor), "东营"], cli_env)
    assert bad.returncode == 2 and "--cursor follows every change" in bad.stderr


def test_an_archive_stored_before_the_sequence_is_numbered_once(
    mongo_db: Database[DB], tmp_path: Path
) -> None:
    store_all(mongo_db, [article(n) for n in range(4)], search_index=False)
    store_all(mongo_db, [article(0, text="第二版")], seen=T0 + timedelta(days=1), search_index=False)
    store = open_store(mongo_db, search_index=False)
    store.load_known()
    store.add_visit(gone(3, 2))
    store.flush()
    # make it an archive of before: no numbers anywhere, no log, no counter
    mongo_db.articles.update_many({}, {"$unset": {"seq": ""}})
    for doc in mongo_db.articles.find({}, {"events": 1}):
        events = [{k: v for k, v in e.items() if k != "seq"} for e in doc.get("events") or []]
        mongo_db.articles.update_one({"_id": doc["_id"]}, {"$set": {"events": events}})
    mongo_db.article_versions.update_many({}, {"$unset": {"seq": ""}})
    mongo_db.archive_log.drop()
    mongo_db.archive_sequence.drop()
    assert needs_backfill(mongo_db)

    records = feed(mongo_db, tmp_path / "c", tmp_path / "1.jsonl")  # first use numbers it
    assert not needs_backfill(mongo_db)
    assert sorted((r["_id"][-6:], r["kind"], r["version"], r["state"]) for r in records) == [
        ("/0.htm", "new", 2, "live"),
        ("/1.htm", "new", 1, "live"),
        ("/2.htm", "new", 1, "live"),
        ("/3.htm", "new", 1, "gone"),
    ]
    assert all(isinstance(doc.get("seq"), int) for doc in mongo_db.articles.find())
    assert backfill(mongo_db) == 0  # nothing left to number
    kinds = sorted(e.kind for b in ChangeLog(mongo_db).blocks(0) for _, e in b.numbered() if e.legacy)
    assert kinds == ["gone", "version"]  # the history, for `changes` and the health page
    store_all(mongo_db, [article(1, text="新版")], seen=T0 + timedelta(days=5), search_index=False)
    assert [(r["kind"], r["version"]) for r in feed(mongo_db, tmp_path / "c", tmp_path / "2.jsonl")] == [
        ("version", 2)
    ]


def test_db_sequence_command(cli_env: dict[str, str], mongo_db: Database[DB]) -> None:
    db = mongo_db
    store_all(db, [replace(article(n), site="x") for n in range(3)], search_index=False)
    db.articles.update_many({}, {"$unset": {"seq": ""}})
    db.archive_log.drop()
    db.archive_sequence.drop()
    done = run_cli(["db", "sequence"], cli_env)
    assert done.returncode == 0, done.stderr
    assert "3 articles numbered" in done.stdout
    again = run_cli(["db", "sequence"], cli_env)
    assert "already numbered" in again.stdout


def test_sequence_numbers_are_unique_under_racing_claims(mongo_uri: str, mongo_db: Database[DB]) -> None:
    """Unlike $inc through find_one_and_update on FerretDB, the unique insert never hands out a number twice."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_claimer, args=(mongo_uri, mongo_db.name, queue)) for _ in range(3)]
    for process in processes:
        process.start()
    starts = [queue.get(timeout=300) for _ in processes]
    for process in processes:
        process.join()
    numbers = [s + offset for run in starts for s in run for offset in range(3)]
    assert sorted(numbers) == list(range(1, 3 * 3 * 40 + 1))


def _claimer(uri: str, name: str, queue: Any) -> None:
    log = ChangeLog(connect(uri)[name])
    at = datetime(2026, 1, 1, tzinfo=UTC)
    queue.put([log.claim([Entry(NEW, f"u{i}", "s", 1, at)] * 3) for i in range(40)])


def test_changes_and_monthly_shares_include_history_from_before_the_sequence(mongo_db: Database[DB]) -> None:
    from crawler.stats.changes import changes, monthly_shares

    store_all(mongo_db, [article(n) for n in range(4)], search_index=False)  # 2026-11
    store_all(mongo_db, [article(0, text="第二版")], seen=T0 + timedelta(days=10), search_index=False)  # 12
    mongo_db.articles.update_many({}, {"$unset": {"seq": ""}})  # stored before the sequence
    mongo_db.archive_log.drop()
    mongo_db.archive_sequence.drop()
    backfill(mongo_db)
    store = open_store(mongo_db, search_index=False)
    store.load_known()
    store.add_visit(gone(1, 11))  # 2026-12, after
    store.add_visit(gone(2, 11))
    store.flush()
    found = changes(mongo_db)
    assert [(c.kind, c.url[-6:], c.version) for c in found] == [
        ("gone", "/2.htm", 1),
        ("gone", "/1.htm", 1),
        ("edited", "/0.htm", 2),
    ]
    assert [c.kind for c in changes(mongo_db, kinds=["edited"])] == ["edited"]
    assert changes(mongo_db, since=T0 + timedelta(days=11)) == found[:2]
    shares = monthly_shares(mongo_db, tz="Asia/Shanghai").sites["demo"]
    assert [(m.month, m.archived, m.edited, m.gone) for m in shares] == [
        ("2026-11", 4, 0, 0),
        ("2026-12", 4, 1, 2),
    ]
    assert shares[1].gone_share == 0.5


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_feeds_in_csv_and_parquet_carry_typed_seq_and_kind(
    mongo_db: Database[DB], tmp_path: Path, fmt: str
) -> None:
    import csv

    import pyarrow.parquet as pq

    store_all(mongo_db, [article(n) for n in range(3)], search_index=False)
    out = tmp_path / f"feed.{fmt}"
    run = export_feed(mongo_db, tmp_path / "c", default_fields(), fmt=fmt, out=out)
    assert run.records == 3
    if fmt == "csv":
        with out.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert [(r["seq"], r["kind"]) for r in rows] == [("1", "new"), ("2", "new"), ("3", "new")]
        assert (tmp_path / "feed.csv.schema.json").exists()
    else:
        table = pq.read_table(out)
        assert table.column("seq").to_pylist() == [1, 2, 3]
        assert str(table.schema.field("seq").type) == "int64"
        assert str(table.schema.field("changed_at").type) == "timestamp[ms, tz=UTC]"


def test_reading_the_log_by_one_query_gives_the_walk_and_stops_at_the_same_block(
    mongo_db: Database[DB],
) -> None:
    for n in range(4):
        store_all(mongo_db, [article(n)], search_index=False)
    log = ChangeLog(mongo_db)
    log.claim([Entry(NEW, "http://a.cn/p/9.htm", "demo", 1, T0)])  # open, this process alive
    store_all(mongo_db, [article(5)], search_index=False)
    walked = [b.start for b in log.blocks(0)]
    assert walked == [b.start for b in log.blocks(0, scan=True)] == [1, 2, 3, 4]
    assert [b.start for b in log.blocks(2, scan=True)] == [3, 4]
