"""A pool of extraction worker processes, each page within a wall-clock budget.

Why processes: extraction is CPU-bound Python (lxml, trafilatura, our cleaning); in the
crawl's own thread it holds up downloads, storage and the lease heartbeat, uses one core, and
one pathological page stops everything. Here each worker process extracts one page at a time;
the parent waits at most ``budget_s`` for it, then kills the worker (SIGKILL, nothing to
negotiate with a process stuck in a C regex loop), starts a fresh one, and reports the page
as failed. Workers are replaced after ``max_pages`` pages (or above ``max_rss_mb``) so memory
stays bounded whatever lxml and the caches keep.

One supervisor thread per worker takes jobs from a shared queue, so results come back in order
of completion through ``concurrent.futures.Future``. A worker that dies under a page (killed
from outside, out of memory) loses only that page, which is tried once more on a fresh worker
before it is reported; every other page is untouched.

Workers are forks of one zygote per pool, a fresh interpreter (``python -m crawler.workers``)
that imports extraction and warms it up once, then only forks (crawler/workers/worker.py).
Not forks of the crawl process itself: it has pymongo and reactor threads, which make ``fork``
unsafe; and not multiprocessing's spawn or forkserver, which re-import the main module (the
``newsarchive`` script) in every child. A new worker costs a fork, not seconds of imports and
warm-up, and shares the zygote's memory until it writes to it: recycling (after ``max_pages``
pages, or when the memory it has written passes ``max_rss_mb``) is cheap.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import psutil

from crawler import settings as project
from crawler.extract.template import NO_TEMPLATE, SiteTemplate
from crawler.project.defaults import project_float, project_int, project_value
from crawler.workers import worker

if TYPE_CHECKING:
    from crawler.extract.page import Page
    from crawler.extract.pagination import PagesToMerge
    from crawler.items import Article
    from crawler.profiles import SiteProfile

logger = logging.getLogger(__name__)

DEFAULT_FUNCTION = project.EXTRACT_FUNCTION

#: Failure reasons (ExtractionFailed.reason), also the suffix of the crawl's extract/failed/* stats.
TIMEOUT = "timeout"
WORKER_DIED = "worker_died"
ERROR = "error"
STOPPED = "stopped"


class ExtractionFailed(Exception):
    """A page whose extraction did not complete; ``reason`` is one of the constants above."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class PoolConfig:
    """How many workers, how long a page may take, when a worker is replaced."""

    workers: int = project.EXTRACT_WORKERS
    budget_s: float = project.EXTRACT_BUDGET
    max_pages: int = project.EXTRACT_WORKER_MAX_PAGES
    max_rss_mb: int = project.EXTRACT_WORKER_MAX_RSS_MB
    function: str = DEFAULT_FUNCTION
    #: How long a new worker may take to import and warm up (not counted in any page's budget).
    start_timeout_s: float = 120.0

    @property
    def size(self) -> int:
        """Workers to run: ``workers``, or one per core when 0."""
        return self.workers if self.workers > 0 else max(1, os.cpu_count() or 1)

    @classmethod
    def from_settings(cls, settings: Any, workers: int | None = None) -> PoolConfig:
        """The EXTRACT_* settings (see crawler/settings.py)."""
        return cls(
            workers=project_int(settings, "EXTRACT_WORKERS") if workers is None else workers,
            budget_s=project_float(settings, "EXTRACT_BUDGET"),
            max_pages=project_int(settings, "EXTRACT_WORKER_MAX_PAGES"),
            max_rss_mb=project_int(settings, "EXTRACT_WORKER_MAX_RSS_MB"),
            function=project_value(settings, "EXTRACT_FUNCTION"),
        )


@dataclass(slots=True)
class _Job:
    page: Page | PagesToMerge
    profile: SiteProfile
    learned: frozenset[str]
    future: Future[Article]
    #: The site's learned template (``NO_TEMPLATE`` when none is known).
    template: SiteTemplate = NO_TEMPLATE
    attempts: int = 0


@dataclass
class PoolStats:
    """Counters of what the pool did (read by the crawl for its stats)."""

    done: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    killed: int = 0
    recycled: int = 0
    started: int = 0

    def fail(self, reason: str) -> None:
        """Count one failed page."""
        self.failed[reason] = self.failed.get(reason, 0) + 1


class _Zygote:
    """The warmed-up process the workers are forked from (see crawler/workers/worker.py)."""

    def __init__(self, function: str) -> None:
        parent, child = socket.socketpair()
        command = [
            sys.executable,
            "-m",
            "crawler.workers",
            str(child.fileno()),
            function,
            json.dumps([p for p in sys.path if p]),
        ]
        try:
            self.process = subprocess.Popen(command, pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL)
        finally:
            child.close()
        self.sock = parent
        self.ready = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, start_timeout: float) -> tuple[int, Connection]:
        """A new worker: (pid, the pool's end of its socket); OSError when the zygote cannot make one."""
        if not self.ready:
            self.sock.settimeout(start_timeout)
            try:
                reply = self.sock.recv(1)
            except TimeoutError:
                raise OSError(f"the extraction zygote did not warm up within {start_timeout:g} s") from None
            if reply != worker.ZYGOTE_READY:
                raise OSError(f"the extraction zygote exited at start (exit code {self.process.poll()})")
            self.ready = True
        parent, child = socket.socketpair()
        try:
            self.sock.settimeout(10)
            socket.send_fds(self.sock, [worker.FORK], [child.fileno()])
            reply = b""
            while len(reply) < worker.PID.size:
                chunk = self.sock.recv(worker.PID.size - len(reply))
                if not chunk:
                    raise OSError(f"the extraction zygote exited (exit code {self.process.poll()})")
                reply += chunk
        except BaseException:
            parent.close()
            raise
        finally:
            child.close()
        (pid,) = worker.PID.unpack(reply)
        return pid, Connection(parent.detach())

    def close(self) -> None:
        """Close its socket (it exits); kill it if it has not within a few seconds."""
        self.sock.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


class _Worker:
    """One worker process (a fork of the zygote) and the parent's end of its socket."""

    def __init__(self, pid: int, conn: Connection) -> None:
        self.pid = pid
        self.conn = conn
        self.pages = 0
        self.ready = False
        self.profile: SiteProfile | None = None
        self.learned: frozenset[str] | None = None
        self.template: SiteTemplate | None = None

    def wait_ready(self, timeout: float) -> None:
        """Wait for the worker's READY message; OSError when it does not come."""
        if self.ready:
            return
        try:
            if not self.conn.poll(timeout):
                raise OSError(f"the extraction worker did not start within {timeout:g} s")
            kind, _ = self.conn.recv()
        except EOFError:
            raise OSError("the extraction worker exited at start") from None
        if kind != worker.READY:
            raise OSError(f"unexpected first message from the extraction worker: {kind!r}")
        self.ready = True

    def send(self, job: _Job) -> None:
        # The profile, the learned set and template go over the pipe only when they changed (by identity).
        profile = job.profile if job.profile is not self.profile else None
        learned = job.learned if job.learned is not self.learned else None
        template = job.template if job.template is not self.template else None
        self.conn.send((job.page, profile, learned, template))
        self.profile, self.learned, self.template = job.profile, job.learned, job.template

    def over_memory(self, limit_mb: float) -> bool:
        """True when the memory the worker has written itself (USS) passes ``limit_mb``.

        Pages still shared with the zygote are not the worker's own, so RSS overstates it; but
        USS never exceeds RSS, which is cheap to read (``/proc/PID/statm``), while USS means a walk
        of the page tables (``smaps_rollup``: 15 % of the crawl process's CPU when it was read
        after every page). So USS is read only when RSS passes the limit.
        """
        try:
            process = psutil.Process(self.pid)
            if process.memory_info().rss <= limit_mb * 2**20:
                return False
            return bool(process.memory_full_info().uss > limit_mb * 2**20)
        except psutil.Error:
            return False

    def kill(self) -> None:
        # The zygote (its parent) ignores SIGCHLD, so the kernel reaps it: nothing to wait for.
        with contextlib.suppress(ProcessLookupError, OSError):
            os.kill(self.pid, signal.SIGKILL)
        self.conn.close()

    def retire(self) -> None:
        """Ask the worker to exit (it is idle), kill it if it has not closed its socket within a second."""
        try:
            self.conn.send(None)
            if self.conn.poll(1):
                self.conn.recv()  # EOF once it has exited; anything else: it did not
        except (EOFError, OSError):
            self.conn.close()
            return
        self.kill()


class ExtractionPool:
    """Extract pages in worker processes: ``submit`` returns a Future, ``extract`` waits for it."""

    def __init__(self, config: PoolConfig | None = None) -> None:
        self.config = config or PoolConfig()
        self.stats = PoolStats()
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._busy: dict[int, _Worker] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._started = False
        self._zygote: _Zygote | None = None
        self._zygote_lock = threading.Lock()

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the supervisor threads (worker processes start with their first page)."""
        with self._lock:
            if self._started:
                return
            self._started = True
            for n in range(self.config.size):
                thread = threading.Thread(target=self._supervise, name=f"extract-supervisor-{n}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def submit(
        self,
        page: Page | PagesToMerge,
        profile: SiteProfile,
        learned: frozenset[str] = frozenset(),
        template: SiteTemplate | None = None,
    ) -> Future[Article]:
        """Queue a page (or the pages of an article to merge); the Future gives the Article.

        It raises ExtractionFailed when the job does not complete.
        """
        future: Future[Article] = Future()
        if self._closing.is_set():
            future.set_exception(ExtractionFailed(STOPPED, f"{page.url}: the pool is stopping"))
            return future
        self.start()
        self._jobs.put(_Job(page, profile, learned, future, template=template or NO_TEMPLATE))
        return future

    def extract(
        self,
        page: Page,
        profile: SiteProfile,
        learned: frozenset[str] = frozenset(),
        template: SiteTemplate | None = None,
    ) -> Article:
        """Extract one page within the budget (blocks); raises ExtractionFailed."""
        return self.submit(page, profile, learned, template).result()

    def cancel_pending(self) -> int:
        """Fail every queued page as ``stopped`` and refuse new ones; pages being extracted go on."""
        self._closing.set()
        cancelled = 0
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None and job.future.set_running_or_notify_cancel():
                job.future.set_exception(ExtractionFailed(STOPPED, f"{job.page.url}: the crawl is stopping"))
                self.stats.fail(STOPPED)
                cancelled += 1
        return cancelled

    def kill_busy(self) -> None:
        """Kill workers that are extracting now: their pages fail as ``stopped`` (used on shutdown).

        The zygote too: a supervisor waiting for it to warm up then gets its answer (EOF) at once.
        """
        self._closing.set()
        with self._lock:
            busy = list(self._busy.values())
        for proc in busy:
            with contextlib.suppress(ProcessLookupError, OSError):
                os.kill(proc.pid, signal.SIGKILL)
        zygote = self._zygote
        if zygote is not None:
            with contextlib.suppress(OSError):
                zygote.process.kill()

    def close(self, wait: float = 5.0) -> None:
        """Stop: fail queued pages, let current ones finish for up to ``wait`` seconds, then kill."""
        self.cancel_pending()
        for _ in self._threads:
            self._jobs.put(None)
        deadline = time.monotonic() + wait
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if any(t.is_alive() for t in self._threads):
            self.kill_busy()
            for thread in self._threads:
                thread.join(5)
        self._threads.clear()
        with self._zygote_lock:
            if self._zygote is not None:
                self._zygote.close()
                self._zygote = None

    def zygote_pid(self) -> int | None:
        """Process id of the zygote the workers are forked from (for tests and the bench)."""
        zygote = self._zygote
        return zygote.pid if zygote is not None else None

    def pids(self) -> list[int]:
        """Process ids of the workers extracting right now (for tests and the bench)."""
        with self._lock:
            return [w.pid for w in self._busy.values()]

    # Supervisor thread ------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        """A new worker forked from the zygote, which is started here (again if it died)."""
        with self._zygote_lock:
            for attempt in (1, 2):
                if self._closing.is_set():
                    raise OSError("the pool is stopping")
                if self._zygote is None or not self._zygote.alive():
                    if self._zygote is not None:
                        self._zygote.close()
                    self._zygote = _Zygote(self.config.function)
                try:
                    pid, conn = self._zygote.fork(self.config.start_timeout_s)
                except OSError:
                    if attempt == 2 or self._zygote.alive():
                        raise
                    logger.warning("the extraction zygote died; starting a new one")
                    continue
                return _Worker(pid, conn)
        raise AssertionError("unreachable")

    def _supervise(self) -> None:
        # The worker starts now, while the crawl is still fetching its first pages.
        proc: _Worker | None = None
        with contextlib.suppress(OSError):
            proc = self._spawn()
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                if not job.future.set_running_or_notify_cancel():
                    continue
                proc = self._run(job, proc)
        finally:
            if proc is not None:
                proc.retire()

    def _run(self, job: _Job, proc: _Worker | None) -> _Worker | None:
        """Extract one page (retrying once on a fresh worker if the worker died); the worker to reuse."""
        while True:
            if proc is None or not proc.ready:
                try:
                    proc = proc or self._spawn()
                    with self._lock:
                        self._busy[id(proc)] = proc
                    proc.wait_ready(self.config.start_timeout_s)
                except OSError as exc:
                    if proc is not None:
                        proc.kill()
                    if self._closing.is_set():
                        self.stats.fail(STOPPED)
                        job.future.set_exception(
                            ExtractionFailed(STOPPED, f"{job.page.url}: the crawl is stopping")
                        )
                        return None
                    self.stats.fail(ERROR)
                    job.future.set_exception(
                        ExtractionFailed(ERROR, f"{job.page.url}: cannot start an extraction worker: {exc}")
                    )
                    return None
                finally:
                    with self._lock:
                        if proc is not None:
                            self._busy.pop(id(proc), None)
                self.stats.started += 1
            job.attempts += 1
            outcome = self._attempt(job, proc)
            if outcome in ("ok", "ok_error"):
                proc.pages += 1
                if proc.pages >= self.config.max_pages or proc.over_memory(self.config.max_rss_mb):
                    proc.retire()
                    self.stats.recycled += 1
                    return None
                return proc
            proc.kill()
            if outcome == WORKER_DIED and job.attempts < 2 and not self._closing.is_set():
                logger.warning("an extraction worker died under %s; trying it once more", job.page.url)
                proc = None
                continue
            reason = STOPPED if self._closing.is_set() and outcome == WORKER_DIED else outcome
            self.stats.fail(reason)
            job.future.set_exception(ExtractionFailed(reason, self._message(job, reason)))
            return None

    def _attempt(self, job: _Job, proc: _Worker) -> str:
        """Send the page and wait within the budget: "ok" (future set), TIMEOUT, WORKER_DIED or ERROR."""
        with self._lock:
            self._busy[id(proc)] = proc
        try:
            try:
                proc.send(job)
                if not proc.conn.poll(self.config.budget_s):
                    self.stats.killed += 1
                    return TIMEOUT
                kind, value = proc.conn.recv()
            except (EOFError, OSError):
                return WORKER_DIED
        finally:
            with self._lock:
                self._busy.pop(id(proc), None)
        if kind == worker.OK:
            self.stats.done += 1
            job.future.set_result(value)
            return "ok"
        # The extraction raised: the worker is fine, the page is not; no retry (it would raise again).
        self.stats.fail(ERROR)
        job.future.set_exception(ExtractionFailed(ERROR, f"{job.page.url}: extraction raised {value}"))
        return "ok_error"

    def _message(self, job: _Job, reason: str) -> str:
        url = job.page.url
        if reason == TIMEOUT:
            return (
                f"{url}: extraction took longer than {self.config.budget_s:g} s; the worker was killed "
                "(the page stays in the WARC; `newsarchive reextract --failed` retries it)"
            )
        if reason == STOPPED:
            return f"{url}: extraction stopped because the crawl is stopping"
        return f"{url}: the extraction worker died twice under this page"
