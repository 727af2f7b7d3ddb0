"""`export -f parquet --dataset DIR`: a hive-partitioned dataset that DuckDB and pyarrow read as it is.

Appended run by run with a cursor (new files, old ones untouched), and never a duplicate row,
even when a run is killed (SIGKILL of a real process) or fails after its files were moved in.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from crawler.archive.writer import open_store
from crawler.export import default_fields, export_feed
from crawler.export.dataset import DatasetWriter, partition_value
from crawler.items import PageVisit
from tests.conftest import ROOT, run_cli, wait_for
from tests.test_store_articles import T0, article, store_all

if TYPE_CHECKING:
    from pathlib import Path

    from pymongo.database import Database

pytestmark = pytest.mark.integration


def dated(n: int, site: str, when: datetime, text: str | None = None) -> Any:
    from dataclasses import replace

    return replace(article(n, text=text, site=site), published_at=when)


def rows(root: Path) -> list[tuple[Any, ...]]:
    """(seq, kind, site, year, month, _id) of every row, read by DuckDB with hive partitioning."""
    query = f"""
        SELECT seq, kind, site, year, month, _id
        FROM read_parquet('{root}/**/*.parquet', hive_partitioning = true)
        ORDER BY seq"""
    return duckdb.sql(query).fetchall()


def test_partitions_by_site_and_month_and_reads_in_duckdb_and_pyarrow(
    mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    store_all(
        mongo_db,
        [
            dated(1, "dongying", datetime(2026, 10, 31, 17, 0, tzinfo=UTC)),  # 11-01 01:00 in Shanghai
            dated(2, "dongying", datetime(2026, 10, 15, tzinfo=UTC)),
            dated(3, "dzwww", datetime(2025, 12, 24, tzinfo=UTC)),
        ],
        search_index=False,
    )
    root, cursor = tmp_path / "dataset", tmp_path / "c"
    run = export_feed(mongo_db, cursor, default_fields(), dataset=root, tz="Asia/Shanghai")
    assert run.records == 3
    assert sorted(str(p.relative_to(root).parent) for p in run.files) == [
        "site=dongying/year=2026/month=10",
        "site=dongying/year=2026/month=11",
        "site=dzwww/year=2025/month=12",
    ]
    assert rows(root) == [
        (1, "new", "dongying", 2026, 11, "http://a.cn/p/1.htm"),
        (2, "new", "dongying", 2026, 10, "http://a.cn/p/2.htm"),
        (3, "new", "dzwww", 2025, 12, "http://a.cn/p/3.htm"),
    ]
    per_month = duckdb.sql(
        f"SELECT site, year, month, count(*) FROM read_parquet('{root}/**/*.parquet', hive_partitioning = true) "
        "WHERE site = 'dongying' GROUP BY ALL ORDER BY month"
    ).fetchall()
    assert per_month == [("dongying", 2026, 10, 1), ("dongying", 2026, 11, 1)]
    table = ds.dataset(root, format="parquet", partitioning="hive").to_table()  # pyarrow, as pandas reads it
    assert table.num_rows == 3
    assert sorted(table.column("site").to_pylist()) == ["dongying", "dongying", "dzwww"]
    assert str(table.schema.field("published_at").type) == "timestamp[ms, tz=UTC]"
    assert str(table.schema.field("authors").type.value_type) == "string"
    whole = pq.read_table(root)  # the dataset folder given as it is
    assert whole.num_rows == 3
    metadata = pq.ParquetFile(run.files[0]).metadata.metadata
    assert json.loads(metadata[b"newsarchive.schema"])["properties"]["kind"]["type"] == "string"


def test_runs_append_new_files_and_a_repeated_run_adds_nothing(
    mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    store_all(mongo_db, [dated(n, "a", T0) for n in range(3)], search_index=False)
    root, cursor = tmp_path / "dataset", tmp_path / "c"
    first = export_feed(mongo_db, cursor, default_fields(), dataset=root)
    before = {p: p.stat().st_mtime_ns for p in first.files}
    assert export_feed(mongo_db, cursor, default_fields(), dataset=root).records == 0
    store_all(mongo_db, [dated(1, "a", T0, text="改过")], seen=T0 + timedelta(days=1), search_index=False)
    store = open_store(mongo_db, search_index=False)
    store.load_known()
    store.add_visit(PageVisit(url="http://a.cn/p/2.htm", site="a", kind="gone", status=410, fetched_at=T0))
    store.flush()
    second = export_feed(mongo_db, cursor, default_fields(), dataset=root)
    assert second.records == 2 and set(second.files).isdisjoint(before)
    assert {p: p.stat().st_mtime_ns for p in first.files} == before  # old files never rewritten
    assert [(r[0], r[1]) for r in rows(root)] == [
        (1, "new"),
        (2, "new"),
        (3, "new"),
        (4, "version"),
        (5, "gone"),
    ]
    latest = duckdb.sql(
        f"SELECT _id, arg_max(kind, seq), arg_max(text, seq) FROM read_parquet('{root}/**/*.parquet', "
        "hive_partitioning = true) GROUP BY _id ORDER BY _id"
    ).fetchall()
    assert latest[1] == ("http://a.cn/p/1.htm", "version", "改过")
    assert latest[2][1] == "gone"


def test_a_run_that_fails_after_moving_its_files_in_is_undone_by_the_next(
    mongo_db: Database[dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_all(mongo_db, [dated(n, "a", T0) for n in range(3)], search_index=False)
    root, cursor = tmp_path / "dataset", tmp_path / "c"
    export_feed(mongo_db, cursor, default_fields(), dataset=root)
    store_all(mongo_db, [dated(n, "a", T0) for n in range(3, 5)], search_index=False)
    from crawler.export.cursor import Cursor

    def crash(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Cursor, "advance", crash)
        with pytest.raises(KeyboardInterrupt):
            export_feed(mongo_db, cursor, default_fields(), dataset=root)
    assert [r[0] for r in rows(root)] == [1, 2, 3, 4, 5]  # its files are in, the cursor is not moved
    assert (root / "_newsarchive" / "journal.json").exists()
    again = export_feed(mongo_db, cursor, default_fields(), dataset=root)
    assert again.records == 2
    assert [r[0] for r in rows(root)] == [1, 2, 3, 4, 5]  # the same rows once, not twice
    assert not (root / "_newsarchive" / "journal.json").exists()


def test_a_dataset_run_killed_half_way_leaves_no_rows_and_the_next_writes_them_once(
    cli_env: dict[str, str], mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    months = [datetime(2026, m, 5, tzinfo=UTC) for m in range(1, 13)]
    store_all(
        mongo_db,
        [dated(n, f"s{n // 200}", months[n % 12], text=f"第{n}篇。" + "正文。" * 300) for n in range(600)],
        search_index=False,
    )
    root, cursor = tmp_path / "dataset", tmp_path / "feed.cursor"
    command = ["export", "-f", "parquet", "--dataset", str(root), "--cursor", str(cursor)]
    tmp = root / "_newsarchive" / "tmp"
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *command],
        cwd=ROOT,
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(lambda: tmp.exists() and any(tmp.iterdir()), 120, "the dataset run to write", interval=0.005)
        assert process.poll() is None, "the run ended before it could be killed half-way"
        process.kill()
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not cursor.exists()
    assert not list(root.glob("site=*/**/*.parquet"))  # nothing half-written is visible
    done = run_cli(command, cli_env)
    assert done.returncode == 0, done.stderr
    got = rows(root)
    assert [r[0] for r in got] == list(range(1, 601))
    assert len({(r[2], r[3], r[4]) for r in got}) == 36  # 3 sites x 12 months
    assert not tmp.exists()


def test_a_snapshot_without_cursor_and_bad_input(
    cli_env: dict[str, str], mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    store_all(mongo_db, [dated(n, "a" if n % 2 else "b", T0) for n in range(6)], search_index=False)
    root = tmp_path / "snap"
    done = run_cli(["export", "-f", "parquet", "--dataset", str(root), "--site", "a"], cli_env)
    assert done.returncode == 0, done.stderr
    assert "3 articles written" in done.stdout
    snapshot = duckdb.sql(
        f"SELECT site, count(*) FROM read_parquet('{root}/**/*.parquet', hive_partitioning = true) GROUP BY site"
    ).fetchall()
    assert snapshot == [("a", 3)]
    wrong = run_cli(["export", "-f", "jsonl", "--dataset", str(root)], cli_env)
    assert wrong.returncode == 2 and "-f parquet" in wrong.stderr
    both = run_cli(["export", "-f", "parquet", "--dataset", str(root), "-o", str(tmp_path / "x")], cli_env)
    assert both.returncode == 2


def test_partition_values_stay_folder_names(tmp_path: Path) -> None:
    assert partition_value("dongying") == "dongying"
    assert partition_value("a/../b") == "a%2F..%2Fb"
    assert partition_value("_hidden").startswith("%5F") and partition_value(".x").startswith("%2E")
    assert DatasetWriter(tmp_path, ["site", "title"], "r").fields == ["title"]  # site is the partition


def test_the_documented_duckdb_query_runs_on_a_dataset(
    mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    doc = (ROOT / "docs" / "feeds.md").read_text(encoding="utf-8")
    section = doc.split("## Partitioned Parquet datasets", 1)[1]
    [query] = re.findall(r"```sql\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    store_all(mongo_db, [dated(n, "dongying", T0) for n in range(3)], search_index=False)
    store_all(
        mongo_db, [dated(1, "dongying", T0, text="改过")], seen=T0 + timedelta(days=1), search_index=False
    )
    root = tmp_path / "news"
    export_feed(mongo_db, tmp_path / "c", default_fields(), dataset=root)
    result = duckdb.sql(query.replace("'news/", f"'{root}/")).fetchall()
    assert result == [("dongying", 2026, 11, 3, 1, 0)]
