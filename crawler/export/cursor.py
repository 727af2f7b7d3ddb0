"""The cursor file of a feed: how far in the archive sequence a consumer has been served.

JSON, replaced whole (crawler/export/durable.py) and only after the run's output is complete
and synced, so a run killed at any point leaves the previous position and the next run serves
the same changes again. It names the archive it belongs to (sequence numbers mean nothing in
another one) and the sites it follows; a lock file beside it keeps two runs from sharing it.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from crawler.export import durable

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: Layout of the cursor file.
CURSOR_VERSION = 1


class CursorError(RuntimeError):
    """The cursor file cannot be used; the message says why and what to do."""


@dataclass
class Cursor:
    """A position in one archive's sequence, for one selection of sites."""

    path: Path
    #: Every change up to this sequence number has been served.
    seq: int = 0
    archive: str = ""
    sites: list[str] = field(default_factory=list)
    records: int = 0
    #: What the last run wrote (for people reading the file).
    last_run: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Cursor:
        """The cursor in path, or a new one at 0 when the file does not exist yet."""
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("cursor_version") != CURSOR_VERSION:
                raise ValueError("not a newsarchive cursor file")
            return cls(
                path,
                seq=int(data["seq"]),
                archive=str(data.get("archive", "")),
                sites=[str(s) for s in data.get("sites") or []],
                records=int(data.get("records", 0)),
                last_run=dict(data.get("last_run") or {}),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CursorError(
                f"cannot read the cursor {path}: {exc}. It is left as it is; give another --cursor "
                "file to start a new feed from the beginning"
            ) from None

    def check(self, archive: str, sites: list[str]) -> None:
        """Refuse a cursor of another archive or of another selection of sites."""
        if self.archive and self.archive != archive:
            raise CursorError(
                f"the cursor {self.path} belongs to another archive (sequence {self.archive}, this "
                f"one is {archive}): its position means nothing here; use a new cursor file"
            )
        if self.seq and sorted(self.sites) != sorted(sites):
            raise CursorError(
                f"the cursor {self.path} follows sites {self.sites or 'all'}, not {sites or 'all'}: "
                "use one cursor file per selection"
            )

    def advance(self, seq: int, archive: str, sites: list[str], records: int, run: dict[str, Any]) -> None:
        """Move to seq and write the file (whole, synced): the run's output must be durable first."""
        self.seq, self.archive, self.sites = seq, archive, sorted(sites)
        self.records += records
        self.last_run = run
        data = {"cursor_version": CURSOR_VERSION, **asdict(self)}
        del data["path"]
        durable.write_text(self.path, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cursor's lock file for a run; CursorError if another run holds it."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            with durable.exclusive(lock_path):
                yield
        except durable.Busy:
            raise CursorError(f"another export is using the cursor {self.path} ({lock_path})") from None
