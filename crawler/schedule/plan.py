"""What runs when: per-site intervals or cron expressions, from the profiles or a schedule file."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import yaml
from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crawler.profiles import ProfileError, available_profiles, load_profile
from crawler.profiles.model import Schedule

if TYPE_CHECKING:
    from pathlib import Path


class ScheduleError(ValueError):
    """A schedule that cannot be used; the message says where and why."""


class SiteSchedule(BaseModel):
    """One site's timing plus the extra `newsarchive crawl` arguments of its runs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site: str
    timing: Schedule
    args: list[str] = Field(default_factory=list)
    #: processes started per run; more than one share the run through a frontier (`--frontier`)
    workers: int = Field(default=1, ge=1)

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


def from_profiles(sites: list[str] | None = None, workers: int = 1) -> list[SiteSchedule]:
    """The `schedule` of the named profiles (or of every profile that has one)."""
    names = sites or available_profiles()
    plans = []
    for name in names:
        try:
            profile = load_profile(name)
        except ProfileError as exc:
            raise ScheduleError(str(exc)) from None
        if profile.schedule is None:
            if sites:
                raise ScheduleError(f"profile {name!r} has no `schedule:` (give one, or use a schedule file)")
            continue
        plans.append(SiteSchedule(site=name, timing=profile.schedule, workers=workers))
    if not plans:
        raise ScheduleError("no site to schedule: no profile has a `schedule:` key")
    return plans


def from_file(path: Path, workers: int | None = None) -> list[SiteSchedule]:
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
        try:
            load_profile(site)
            timing = Schedule(every_minutes=entry.every_minutes, cron=entry.cron)
        except ProfileError as exc:
            raise ScheduleError(f"{path}: site {site}: {exc}") from None
        except ValidationError as exc:
            raise ScheduleError(f"{path}: site {site}: {exc.errors()[0]['msg']}") from None
        count = entry.workers or workers or parsed.workers
        plans.append(SiteSchedule(site=site, timing=timing, args=[*parsed.args, *entry.args], workers=count))
    return plans
