"""What runs when: per-site intervals or cron expressions, from the profiles or a schedule file."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import yaml
from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crawler.profiles import ProfileError, available_profiles
from crawler.profiles.model import Schedule
from crawler.store.profiles import FoundProfile, SiteProfiles, site_profile

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


class ScheduleError(ValueError):
    """A schedule that cannot be used; the message says where and why."""


class SiteSchedule(BaseModel):
    """One site's timing plus the extra `newsarchive crawl` arguments of its runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site: str
    timing: Schedule
    #: what `newsarchive crawl` is given: the site name, or the profile file it was crawled from
    profile: str = ""
    args: list[str] = Field(default_factory=list)
    #: processes started per run; more than one share the run through a frontier (`--frontier`)
    workers: int = Field(default=1, ge=1)

    @property
    def crawl_target(self) -> str:
        """The profile argument of the site's crawls."""
        return self.profile or self.site

    def next_run(self, last_start: datetime | None, now: datetime) -> datetime:
        """When the next run is due: intervals count from the last start; the first interval run is now."""
        if self.timing.every_minutes is not None:
            if last_start is None:
                return now
            return last_start + timedelta(minutes=self.timing.every_minutes)
        return croniter(self.timing.cron, last_start or now).get_next(datetime)


class _FileEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    every_minutes: float | None = Field(default=None, gt=0)
    cron: str | None = None
    args: list[str] = Field(default_factory=list)
    workers: int | None = Field(default=None, ge=1)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sites: dict[str, _FileEntry]
    args: list[str] = Field(default_factory=list)
    workers: int = Field(default=1, ge=1)


def from_profiles(
    sites: list[str] | None = None,
    workers: int = 1,
    archive: SiteProfiles | None = None,
    say: Callable[[str], object] = print,
) -> list[SiteSchedule]:
    """The `schedule` of the named profiles (names or files), or of every profile that has one.

    A site crawled from a file outside the profile folders is found through the archive
    (the file it was crawled from); `say` gets the notes (a file that changed since).
    """
    plans = []
    for name in sites or available_profiles():
        found = _find(name, archive, say, lambda message: message)
        if found.profile.schedule is None:
            if sites:
                raise ScheduleError(f"profile {name!r} has no `schedule:` (give one, or use a schedule file)")
            continue
        plans.append(_plan(found, found.profile.schedule, workers=workers))
    if not plans:
        raise ScheduleError("no site to schedule: no profile has a `schedule:` key")
    return plans


def from_file(
    path: Path,
    workers: int | None = None,
    archive: SiteProfiles | None = None,
    say: Callable[[str], object] = print,
) -> list[SiteSchedule]:
    """A schedule file: `sites: {NAME: {every_minutes: N | cron: "...", args: [...]}}`, optional `args`."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        parsed = _File.model_validate(data)
    except OSError as exc:
        raise ScheduleError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ScheduleError(f"{path}: not valid YAML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ScheduleError(f"{path}: {problems}") from None
    plans = []
    for site, entry in parsed.sites.items():
        found = _find(site, archive, say, lambda message, site=site: f"{path}: site {site}: {message}")  # type: ignore[misc]
        try:
            timing = Schedule(every_minutes=entry.every_minutes, cron=entry.cron)
        except ValidationError as exc:
            raise ScheduleError(f"{path}: site {site}: {exc.errors()[0]['msg']}") from None
        count = entry.workers or workers or parsed.workers
        plans.append(_plan(found, timing, args=[*parsed.args, *entry.args], workers=count))
    return plans


def _find(
    site: str, archive: SiteProfiles | None, say: Callable[[str], object], where: Callable[[str], str]
) -> FoundProfile:
    """The site's profile: its file, or the file it was crawled from; ScheduleError if none to crawl."""
    try:
        found = site_profile(site, archive)
    except ProfileError as exc:
        raise ScheduleError(where(str(exc))) from None
    if found.target is None:  # only the archive's copy: a crawl needs a file
        raise ScheduleError(where(f"{found.note}; put the profile back in a file to crawl it again"))
    if found.note:
        say(f"note: {found.note}")
    return found


def _plan(found: FoundProfile, timing: Schedule, **fields: Any) -> SiteSchedule:
    assert found.target is not None
    return SiteSchedule(site=found.profile.name, timing=timing, profile=found.target, **fields)
