"""When an archived article is due to be fetched again (the profile's revisit policy)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from crawler.profiles.model import Revisit


class Archived(Protocol):
    """What the policy reads of an archived article (the store's KnownArticle)."""

    @property
    def last_seen(self) -> datetime | None:
        """When it was last fetched."""
        ...

    @property
    def published_at(self) -> datetime | None:
        """Its publication time, if known."""
        ...

    @property
    def state(self) -> str:
        """live, gone, ..."""
        ...


def is_due(known: Archived, policy: Revisit, now: datetime) -> bool:
    """Young articles are re-checked every few hours (they get corrected), old ones rarely or never."""
    if known.last_seen is None:
        return True
    since_fetch = now - known.last_seen
    published = known.published_at
    if known.state == "gone":  # checked rarely, in case it comes back
        return policy.old_days > 0 and since_fetch >= timedelta(days=policy.old_days)
    if published is not None and now - published <= timedelta(days=policy.young_days):
        return since_fetch >= timedelta(hours=policy.young_hours)
    if policy.old_days == 0:
        return False
    return since_fetch >= timedelta(days=policy.old_days)
