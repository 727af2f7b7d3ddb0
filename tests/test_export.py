"""Exports read back equal to what is stored, carry the schema, and stream."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq
import pytest

from crawler.archive import Archive
from crawler.export import article_schema, default_fields, export_articles, sidecar_path
from crawler.export.records import json_line, json_line_bytes, plain
from crawler.export.schema import INTERNAL_FIELDS, field_kind
from crawler.export.writers import csv_cell
from crawler.store import connect
from tests.conftest import run_cli
from tests.known_archive import ARTICLES, known_database, store_known

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pymongo.database import Database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def known_db(mongo_uri: str) -> Iterator[Database[dict[str, Any]]]:
    yield from known_database(mongo_uri, "export")


def stored(db: Database[dict[str, Any]], fields: list[str], **filters: Any) -> dict[str, dict[str, Any]]:
    """What the database holds for the exported fields, as JSON values, by _id."""
    query = Archive(db).query("", **filters).filter()
    return {doc["_id"]: {name: plain(doc.get(name)) for name in fields} for doc in db.articles.find(query)}


def from_csv(path: Path, fields: list[str]) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == fields
        for row in reader:
            record: dict[str, Any] = {}
            for name, cell in row.items():
                kind = field_kind(name)
                if cell == "" and kind != "string":
                    record[name] = None
                elif kind in ("strings", "json"):
                    record[name] = json.loads(cell)
                elif kind == "integer":
                    record[name] = int(cell)
                else:
                    record[name] = cell
            rows.append(record)
    return rows


def from_parquet(path: Path) -> list[dict[str, Any]]:
    rows = pq.read_table(path).to_pylist()
    for row in rows:
        for name, value in row.items():
            if isinstance(value, datetime):
                row[name] = plain(value)
            elif field_kind(name) == "json" and value is not None:
                row[name] = json.loads(value)
    return rows


def normalise_csv(expected: dict[str, Any]) -> dict[str, Any]:
    """CSV cannot tell an empty string from null: both read back as ''."""
    return {k: ("" if v is None and field_kind(k) == "string" else v) for k, v in expected.items()}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_every_format_reads_back_equal_to_the_database(
    known_db: Database[dict[str, Any]], tmp_path: Path, fmt: str
) -> None:
    fields = default_fields()
    out = tmp_path / f"all.{fmt}"
    count = export_articles(Archive(known_db), Archive(known_db).query(""), fmt, out, fields, batch_size=2)
    assert count == len(ARTICLES)
    expected = stored(known_db, fields)
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    elif fmt == "csv":
        rows = from_csv(out, fields)
        expected = {k: normalise_csv(v) for k, v in expected.items()}
    else:
        rows = from_parquet(out)
    assert {row["_id"]: row for row in rows} == expected
    assert [list(row) for row in rows] == [fields] * len(ARTICLES)


def test_filters_and_field_choice_apply(known_db: Database[dict[str, Any]], tmp_path: Path) -> None:
    out = tmp_path / "dy.jsonl"
    fields = ["_id", "title", "terms", "published_at"]
    query = Archive(known_db).query("东营", site="dongying", since="2026-11-21")
    assert export_articles(Archive(known_db), query, "jsonl", out, fields) == 1
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row == stored(known_db, fields, site="dongying", since="2026-11-21")[row["_id"]]
    assert row["published_at"] == "2026-11-21T01:00:00.000Z"
    assert "东营" in row["terms"]


def test_jsonl_and_csv_carry_the_schema_in_a_sidecar(
    known_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    out = tmp_path / "x.csv"
    fields = ["_id", "authors", "quality", "unknown_field"]
    export_articles(Archive(known_db), Archive(known_db).query("", site="odd"), "csv", out, fields)
    schema = json.loads(sidecar_path(out).read_text(encoding="utf-8"))
    assert list(schema["properties"]) == fields
    assert schema["required"] == ["_id"]
    assert schema["x-schema-version"] == 1
    assert schema["x-export"]["articles"] == 3 and schema["x-export"]["format"] == "csv"
    assert schema["x-export"]["filter"] == {"site": {"$eq": "odd"}}
    assert not (tmp_path / "x.csv.part").exists()


def test_parquet_carries_the_schema_and_types(known_db: Database[dict[str, Any]], tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    export_articles(Archive(known_db), Archive(known_db).query(""), "parquet", out, default_fields())
    parquet = pq.ParquetFile(out)
    schema = json.loads(parquet.metadata.metadata[b"newsarchive.schema"])
    assert schema["$schema"].endswith("2020-12/schema") and schema["x-export"]["articles"] == len(ARTICLES)
    arrow = parquet.schema_arrow
    assert str(arrow.field("published_at").type) == "timestamp[ms, tz=UTC]"
    assert str(arrow.field("authors").type) == "list<element: string>"
    assert str(arrow.field("version").type) == "int64"


def test_schema_documents_every_stored_field(known_db: Database[dict[str, Any]]) -> None:
    schema = article_schema()
    json_types = {str: "string", int: "integer", list: "array", dict: "object", type(None): "null"}
    for doc in known_db.articles.find():
        for name, value in plain(doc).items():
            assert name in schema["properties"], f"{name} is stored but not in the schema"
            allowed = schema["properties"][name].get("type")
            allowed = [allowed] if isinstance(allowed, str) else allowed
            assert json_types[type(value)] in allowed, f"{name}: {value!r} is not {allowed}"
        assert set(schema["required"]) <= set(doc)
    assert set(INTERNAL_FIELDS).isdisjoint(default_fields())


def test_fast_jsonl_lines_equal_the_reference_encoder() -> None:
    from datetime import UTC

    from bson import ObjectId

    doc = {
        "_id": "http://x.test/1",
        "title": '引号"与\\反斜杠\t制表\n换行\x01控制 東營 ✓',
        "published_at": datetime(2026, 11, 27, 1, 30, 15, 123000, tzinfo=UTC),
        "events": [{"type": "gone", "at": datetime(2026, 11, 28, tzinfo=UTC), "status": 404}],
        "quality": {"score": 0.5, "flags": [], "nested": {"ok": True}},
        "authors": ["王晓明", "李娜"],
        "run": ObjectId("0123456789abcdef01234567"),
        "big": 2**70,  # beyond orjson: the reference encoder takes it
        "bad": "\ud800",  # a lone surrogate: likewise
    }
    for fields in (
        ["_id", "title", "published_at", "events", "quality", "authors", "run", "missing"],
        list(doc),
    ):
        assert json_line_bytes(doc, fields) == json_line(doc, fields).encode("utf-8", "surrogatepass")


def test_csv_cells() -> None:
    assert csv_cell("strings", ["王晓明", "a,b"]) == '["王晓明","a,b"]'
    assert csv_cell("string", None) == ""
    assert csv_cell("json", {"x": 1}) == '{"x":1}'


def test_export_command(cli_env: dict[str, str], mongo_uri: str, tmp_path: Path) -> None:
    store_db = connect(mongo_uri)[cli_env["MONGO_DATABASE"]]
    store_known(store_db)
    out = tmp_path / "out.parquet"
    result = run_cli(["export", "--format", "parquet", "--out", str(out), "--site", "dongying"], cli_env)
    assert result.returncode == 0, result.stderr
    assert "2 articles written" in result.stdout
    assert pq.read_table(out).num_rows == 2
    bad = run_cli(["export", "--format", "xml", "--out", str(out)], cli_env)
    assert bad.returncode == 2 and "jsonl, csv, parquet" in bad.stderr
    store_db.client.drop_database(store_db.name)
