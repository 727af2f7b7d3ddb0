"""The input of extraction: one fetched page as plain values, no Scrapy objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: what the spider, `newsarchive extract` and re-extraction all hand over."""

    url: str
    body: bytes
    content_type: str | None = None
    status: int = 200
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
