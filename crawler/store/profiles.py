"""Each site's profile as crawled (collection `site_profiles`), and finding a site's profile again.

A site crawled from a profile file outside the profile folders (`crawl ./my-site.yaml`) is
re-extracted and scheduled by name later; the archive remembers the profile and the file it
came from, so those commands find it, and say so when the file now differs from what was
crawled. Every crawl records its profile once, at its start (`_id`-keyed, so repeated crawls
and the workers of a distributed run write one document).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from crawler.profiles import ProfileError, SiteProfile, load_profile_file
from crawler.profiles.loader import find_profile_path
from crawler.store.documents import sanitize

if TYPE_CHECKING:
    from pymongo.database import Database

logger = logging.getLogger(__name__)

COLLECTION = "site_profiles"


def profile_digest(profile: SiteProfile) -> str:
    """A short hash of what the profile says (key order and formatting of the file do not count)."""
    canonical = json.dumps(profile.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CrawledProfile:
    """The profile a site was last crawled with, and the file it was read from (None: given in code)."""

    profile: SiteProfile
    source: str | None
    digest: str
    crawled_at: datetime

    def describe(self) -> str:
        """'crawled 2026-11-27 08:00 UTC from /path/site.yaml'."""
        when = self.crawled_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return f"last crawled {when}" + (f" from {self.source}" if self.source else "")


@dataclass(frozen=True)
class FoundProfile:
    """A site's profile for a command, where it came from, and what the user should know about it."""

    profile: SiteProfile
    #: What `newsarchive crawl` is given to crawl it again: a file, a name, or None (archive copy only).
    target: str | None
    note: str | None = None


class SiteProfiles:
    """The `site_profiles` collection: one document per site, replaced at every crawl."""

    def __init__(self, db: Database[dict[str, Any]]) -> None:
        self.collection = db[COLLECTION]

    def record(self, profile: SiteProfile, source: str | None, crawled_base_url: str | None = None) -> None:
        """Keep the profile a crawl starts with (its file's, before any --base-url) and where it came from."""
        doc = sanitize(
            {
                "profile": profile.model_dump(mode="json"),
                "source": source,
                "digest": profile_digest(profile),
                "crawled_base_url": crawled_base_url,
            }
        )
        doc["crawled_at"] = datetime.now(UTC)
        self.collection.replace_one({"_id": profile.name}, doc, upsert=True)

    def get(self, site: str) -> CrawledProfile | None:
        """The profile site was last crawled with; None when none was recorded (or it no longer validates)."""
        doc = self.collection.find_one({"_id": str(site)})
        if doc is None:
            return None
        try:
            profile = SiteProfile.model_validate(doc.get("profile"))
        except ValidationError as exc:  # stored documents are untrusted; rules may have tightened since
            logger.warning("the profile stored for %s no longer validates: %s", site, exc.errors()[0]["msg"])
            return None
        source = doc.get("source")
        crawled_at = doc.get("crawled_at")
        return CrawledProfile(
            profile=profile,
            source=source if isinstance(source, str) else None,
            digest=profile_digest(profile),
            crawled_at=crawled_at if isinstance(crawled_at, datetime) else datetime.fromtimestamp(0, UTC),
        )


def site_profile(site: str, profiles: SiteProfiles | None) -> FoundProfile:
    """A site's profile (by name or path): its file, else the file it was crawled from, else the archive's.

    A file that differs from the profile the site was last crawled with is used, and the note
    says so. Raises ProfileError (naming the folders searched) when there is none at all.
    """
    try:
        path: Any = find_profile_path(site)
        target = site
    except ProfileError:
        crawled = profiles.get(site) if profiles is not None else None
        if crawled is None:
            raise
        if crawled.source is None or not Path(crawled.source).is_file():
            gone = f"its file {crawled.source} is gone" if crawled.source else "it was not read from a file"
            kept = f"{site}: using the profile kept in the archive ({crawled.describe()}); {gone}"
            return FoundProfile(crawled.profile, None, kept)
        path = Path(crawled.source)
        target = str(path)
    profile = load_profile_file(path)
    crawled = profiles.get(profile.name) if profiles is not None else None
    note: str | None = None
    if crawled is not None and crawled.digest != profile_digest(profile):
        note = (
            f"{profile.name}: {path} differs from the profile the site was {crawled.describe()} "
            "(kept in the archive, collection site_profiles); using the file"
        )
    return FoundProfile(profile, target, note)
