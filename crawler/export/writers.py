"""One writer per export format, each taking documents one at a time so memory stays flat.

* jsonl: one JSON object per line, dates as ISO 8601 UTC strings.
* csv: one row per article, header = field names; lists and objects as JSON text
  (`["王晓明","李娜"]`), dates as ISO 8601 UTC strings, null as an empty cell; UTF-8; text
  starting with = + - @ (a formula to spreadsheets) gets a leading apostrophe.
* parquet: typed columns (strings, list<string>, timestamp[ms, UTC], int64; objects as JSON
  text) written in row groups; the JSON Schema and the export facts are key-value metadata.

jsonl and csv carry the schema in a sidecar file `PATH.schema.json`.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from crawler.export.records import json_line_bytes, plain
from crawler.export.schema import field_kind

if TYPE_CHECKING:
    from pathlib import Path

    import pyarrow as pa


class Writer:
    """Base: open on a path, write() documents, close() with the schema it carries."""

    _file: Any

    #: True when the schema goes into a sidecar PATH.schema.json.
    sidecar: ClassVar[bool] = True

    def __init__(self, path: Path, fields: list[str]) -> None:
        """Start writing fields of each document to path."""
        self.path = path
        self.fields = fields

    def write(self, doc: dict[str, Any]) -> None:
        """Add one document."""
        raise NotImplementedError

    def close(self, schema: dict[str, Any]) -> None:
        """Finish the file (schema: the export's JSON Schema, for formats that embed it)."""
        raise NotImplementedError

    def abort(self) -> None:
        """Stop writing after a failure (the caller removes the file)."""
        self._file.close()


class JsonlWriter(Writer):
    """JSON Lines, UTF-8."""

    def __init__(self, path: Path, fields: list[str]) -> None:
        """Open path for writing."""
        super().__init__(path, fields)
        self._file = path.open("wb")

    def write(self, doc: dict[str, Any]) -> None:
        """One line per document."""
        self._file.write(json_line_bytes(doc, self.fields) + b"\n")

    def close(self, schema: dict[str, Any]) -> None:
        """Close the file."""
        self._file.close()


#: A cell starting with one of these is a formula to spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(kind: str, value: Any) -> str:
    """How one value is written in a CSV cell (see the module docstring).

    Text that a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+1`, `-2`, `@SUM`) gets
    a leading apostrophe, which spreadsheets show as text; numbers are written as they are.
    """
    if value is None:
        return ""
    value = plain(value)
    if kind in ("strings", "json") or isinstance(value, list | dict):
        cell = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    else:
        cell = str(value)
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


class CsvWriter(Writer):
    """CSV (RFC 4180 quoting), UTF-8, header row first."""

    def __init__(self, path: Path, fields: list[str]) -> None:
        """Open path and write the header."""
        super().__init__(path, fields)
        self._file = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow(fields)
        self._kinds = [field_kind(name) for name in fields]

    def write(self, doc: dict[str, Any]) -> None:
        """One row per document."""
        cells = zip(self._kinds, self.fields, strict=True)
        self._csv.writerow([csv_cell(kind, doc.get(name)) for kind, name in cells])

    def close(self, schema: dict[str, Any]) -> None:
        """Close the file."""
        self._file.close()


def arrow_schema(fields: list[str]) -> pa.Schema:
    """Column types for the fields, from the JSON Schema."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "strings": pa.list_(pa.string()),
        "datetime": pa.timestamp("ms", tz="UTC"),
        "integer": pa.int64(),
        "json": pa.string(),
    }
    return pa.schema([pa.field(name, types[field_kind(name)]) for name in fields])


class ParquetWriter(Writer):
    """Parquet in row groups of `row_group` articles; schema and export facts in the metadata."""

    sidecar = False

    def __init__(self, path: Path, fields: list[str], row_group: int = 1000) -> None:
        """Open path with the column types of fields."""
        import pyarrow.parquet as pq

        super().__init__(path, fields)
        self.schema = arrow_schema(fields)
        self._kinds = [field_kind(name) for name in fields]
        self._rows: list[dict[str, Any]] = []
        self.row_group = max(1, row_group)
        self._writer = pq.ParquetWriter(str(path), self.schema)

    def write(self, doc: dict[str, Any]) -> None:
        """Buffer a row; a full row group is written out."""
        row = {
            name: _column_value(kind, doc.get(name))
            for name, kind in zip(self.fields, self._kinds, strict=True)
        }
        self._rows.append(row)
        if len(self._rows) >= self.row_group:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as one row group."""
        import pyarrow as pa

        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=self.schema))
            self._rows = []

    def close(self, schema: dict[str, Any]) -> None:
        """Write the last row group and the metadata."""
        self.flush()
        self._writer.add_key_value_metadata(
            {
                "newsarchive.schema": json.dumps(schema, ensure_ascii=False),
                "newsarchive.schema_version": str(schema.get("x-schema-version", "")),
            }
        )
        self._writer.close()

    def abort(self) -> None:
        """Close without the last row group."""
        self._writer.close()


def _column_value(kind: str, value: Any) -> Any:
    """A stored value in its column's type; one of another type (written by another tool) as JSON text.

    A typed column cannot hold it as it is: strings and JSON columns get its JSON text, a list
    column gets its items as text, date and number columns a null (the value is not a date or
    a number: jsonl and csv exports keep it as it is).
    """
    if value is None:
        return None
    if kind == "json" or (kind == "string" and not isinstance(value, str)):
        return json.dumps(plain(value), ensure_ascii=False, separators=(",", ":"))
    if kind == "strings":
        items = value if isinstance(value, list) else [value]
        return [v if isinstance(v, str) else json.dumps(plain(v), ensure_ascii=False) for v in items]
    if kind == "datetime":
        return value if isinstance(value, datetime) else None
    if kind == "integer":
        fits = isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
        return value if fits else None
    return value


WRITERS: dict[str, type[Writer]] = {"jsonl": JsonlWriter, "csv": CsvWriter, "parquet": ParquetWriter}
