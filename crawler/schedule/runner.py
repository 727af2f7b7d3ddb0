"""The long-lived scheduler: starts `newsarchive crawl SITE` processes when they are due.

Never two runs of one site at once (here: one process per site; across schedulers and
manual crawls: the site lease). Each crawl records itself in `crawl_runs`, and the scheduler
reads the last start of every site from there, so a restarted scheduler keeps the rhythm.
SIGTERM stops it cleanly: no new runs, running crawls asked to finish (Scrapy's graceful
shutdown), killed only after a grace period.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.project.workdir import private_dir, private_file

if TYPE_CHECKING:
    from pathlib import Path

    from crawler.schedule.plan import SiteSchedule

logger = logging.getLogger(__name__)


@dataclass
class _Running:
    plan: SiteSchedule
    processes: list[subprocess.Popen[bytes]]
    started_at: datetime
    log_path: Path


class Scheduler:
    """Runs crawls on their schedules until stopped (or until each site ran max_runs times)."""

    def __init__(
        self,
        plans: list[SiteSchedule],
        *,
        command: list[str],
        log_dir: Path,
        last_starts: dict[str, datetime] | None = None,
        max_parallel: int = 2,
        max_runs: int | None = None,
        grace_seconds: float = 60.0,
        env: dict[str, str] | None = None,
    ) -> None:
        self.plans = plans
        self.command = command
        self.log_dir = log_dir
        self.last_start: dict[str, datetime] = dict(last_starts or {})
        self.max_parallel = max(1, max_parallel)
        self.max_runs = max_runs
        self.grace_seconds = grace_seconds
        self.env = env
        self.runs: dict[str, int] = {p.site: 0 for p in plans}
        self.exit_codes: dict[str, list[int]] = {p.site: [] for p in plans}
        self.running: dict[str, _Running] = {}
        self.stopping = threading.Event()

    def install_signal_handlers(self) -> None:
        """SIGTERM and SIGINT stop the scheduler cleanly."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda signum, frame: self.stop(signal.Signals(signum).name))

    def stop(self, why: str = "stop requested") -> None:
        """Ask the loop to end (safe from signal handlers and other threads)."""
        if not self.stopping.is_set():
            logger.info("scheduler: %s; no new runs, waiting for the running crawls", why)
        self.stopping.set()

    def run(self) -> None:
        """The loop: reap finished crawls, start due ones, sleep until the next event."""
        logger.info("scheduler: %s", ", ".join(f"{p.site} ({_describe(p)})" for p in self.plans))
        while not self.stopping.is_set():
            self._reap()
            now = datetime.now(UTC)
            for plan in self._waiting():
                if len(self.running) >= self.max_parallel:
                    break
                if plan.next_run(self.last_start.get(plan.site), now) <= now:
                    self._launch(plan, now)
            if self._done():
                break
            self.stopping.wait(self._sleep_seconds())
        self._shutdown()

    def _waiting(self) -> list[SiteSchedule]:
        """Sites not running and with runs left, the most overdue first."""
        now = datetime.now(UTC)
        candidates = [
            p
            for p in self.plans
            if p.site not in self.running and (self.max_runs is None or self.runs[p.site] < self.max_runs)
        ]
        return sorted(candidates, key=lambda p: p.next_run(self.last_start.get(p.site), now))

    def _done(self) -> bool:
        return (
            self.max_runs is not None
            and not self.running
            and all(n >= self.max_runs for n in self.runs.values())
        )

    def _sleep_seconds(self) -> float:
        now = datetime.now(UTC)
        waits = [
            (p.next_run(self.last_start.get(p.site), now) - now).total_seconds() for p in self._waiting()
        ]
        # While crawls run, wake every second to notice the ones that ended.
        bound = 1.0 if self.running else 60.0
        return max(0.05, min([bound, *waits]))

    def _launch(self, plan: SiteSchedule, now: datetime) -> None:
        """Start the run's process, or its `workers` processes (they share one frontier and run)."""
        private_dir(self.log_dir)
        stem = f"{plan.site}-{now:%Y%m%dT%H%M%SZ}-{self.runs[plan.site] + 1}"
        processes = []
        for n in range(plan.workers):
            log_path = self.log_dir / (f"{stem}.log" if plan.workers == 1 else f"{stem}-w{n + 1}.log")
            with private_file(log_path, "wb") as log:  # crawl logs name hosts and URLs: owner-only
                processes.append(
                    subprocess.Popen(
                        [*self.command, plan.crawl_target, *plan.args],
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        env=self.env,
                        start_new_session=True,  # our SIGTERM is forwarded deliberately, not broadcast
                    )
                )
        self.running[plan.site] = _Running(plan, processes, now, log_path)
        self.last_start[plan.site] = now
        self.runs[plan.site] += 1
        pids = ", ".join(str(p.pid) for p in processes)
        logger.info("scheduler: started %s (pid %s), log %s", plan.site, pids, log_path)

    def _reap(self) -> None:
        for site, run in list(self.running.items()):
            codes = [process.poll() for process in run.processes]
            if any(code is None for code in codes):
                continue
            del self.running[site]
            code = next((c for c in codes if c), 0)  # the run failed if any worker failed
            self.exit_codes[site].append(code)
            took = (datetime.now(UTC) - run.started_at).total_seconds()
            level = logging.INFO if code == 0 else logging.WARNING
            logger.log(level, "scheduler: %s exited %d after %.1f s (log %s)", site, code, took, run.log_path)

    def _shutdown(self) -> None:
        for run in self.running.values():
            for process in run.processes:
                process.send_signal(signal.SIGTERM)
        for run in list(self.running.values()):
            for process in run.processes:
                try:
                    process.wait(timeout=self.grace_seconds)
                except subprocess.TimeoutExpired:
                    logger.warning(
                        "scheduler: %s did not stop within %.0f s; killing it",
                        run.plan.site,
                        self.grace_seconds,
                    )
                    process.kill()
                    process.wait()
        self._reap()
        logger.info("scheduler: stopped")


def _describe(plan: SiteSchedule) -> str:
    timing: Any = plan.timing
    return (
        f"every {timing.every_minutes:g} min" if timing.every_minutes is not None else f"cron {timing.cron}"
    )
