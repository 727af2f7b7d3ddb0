"""How stored values are shown: local times, marked snippets, and fields the browser does not know."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from crawler.search.query import DEFAULT_TZ, zone

if TYPE_CHECKING:
    from crawler.search.snippets import Snippet

#: A month-only date is stored as the 1st at midnight in the page's zone (UTC-12 … UTC+14): this
#: much added to its UTC reading lands in that month whatever the zone, and whatever the reader's.
MONTH_SHIFT = timedelta(hours=14)
#: Longest rendering of an unknown field's value (the rest is cut, with a note).
MAX_VALUE_CHARS = 2000


def when(value: Any, tz: str = DEFAULT_TZ, seconds: bool = False, precision: str | None = None) -> str:
    """A stored time in the reader's zone ("-" when absent); other values as text.

    ``precision`` "month": the page named only the month (an article's ``date_precision``).
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:  # pymongo without tz_aware: stored times are UTC
            value = value.replace(tzinfo=UTC)
        if precision == "month":  # the page's month, not the reader's day of its first midnight
            return (value.astimezone(UTC) + MONTH_SHIFT).strftime("%Y-%m")
        return value.astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "-" if value in (None, "") else str(value)


def segments(snippet: Snippet) -> list[tuple[str, bool]]:
    """A snippet as (text, matched) pieces, for the template to escape and mark."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in snippet.highlights:
        if start < position:
            continue
        if start > position:
            pieces.append((snippet.text[position:start], False))
        pieces.append((snippet.text[start:end], True))
        position = end
    if position < len(snippet.text):
        pieces.append((snippet.text[position:], False))
    return pieces


def value_text(value: Any) -> str:
    """Any stored value as readable text (unknown fields added by newer crawlers, say)."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, datetime | date):
        text = when(value, seconds=True)
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        text = ", ".join(value) if value else "-"
    else:
        text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS] + f"… ({len(text) - MAX_VALUE_CHARS} more characters)"
    return text


def names(value: Any) -> str:
    """A list of names (authors, editors) or a single one; "-" when none."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value if v) or "-"
    return str(value) if value else "-"


def percent(part: int, whole: int) -> str:
    """The part of whole as a percentage ("-" of nothing)."""
    return f"{100 * part / whole:.1f}%" if whole else "-"


FILTERS = {"when": when, "value_text": value_text, "names": names}
