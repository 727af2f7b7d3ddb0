"""Times in the index: milliseconds since the epoch, as BSON stores a date; days in a time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_millis(moment: datetime) -> int:
    """Milliseconds since the epoch as BSON stores a date (microseconds truncated, as pymongo does)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def from_millis(value: int) -> datetime:
    """The UTC datetime of a stored millisecond count."""
    return _EPOCH + timedelta(milliseconds=value)


def day_bounds(days: list[date], tz: Any) -> tuple[datetime, datetime]:
    """The UTC instants of the start of the first day and the end of the last day in tz."""
    start = datetime.combine(days[0], datetime.min.time(), tz).astimezone(UTC)
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
    return start, end
