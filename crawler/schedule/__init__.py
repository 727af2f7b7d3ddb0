"""Scheduled crawls: per-site intervals or cron expressions, one run per site at a time."""

from crawler.schedule.plan import ScheduleError, SiteSchedule, from_file, from_profiles
from crawler.schedule.runner import Scheduler

__all__ = ["ScheduleError", "Scheduler", "SiteSchedule", "from_file", "from_profiles"]
