"""scrapy-redis's scheduler with what a distributed archive crawl needs on top.

* Per-site keys (every worker of a site shares one queue and one seen set, whatever the spider).
* Taken requests stay in the worker's in-flight set until the archive holds their results:
  they are acknowledged when a request has been fully processed (it left the engine) and the
  articles pipeline then reported every item it received as stored (`archive_flushed`).
  A worker killed with SIGKILL leaves its in-flight set behind; the other workers requeue it.
* Joining a run: the first worker of a site starts the run, the others join it
  (`frontier_opened` tells the lease, the run recorder and the seeding middleware).
* Exit: a worker stays while any worker has work queued or in flight, and leaves when the
  frontier is complete (then cleared, so the next run starts afresh). A frontier left behind by a
  stopped or killed run is resumed by the next one.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.frontier.state import Frontier, worker_id
from crawler.project import signals as project_signals
from crawler.project.defaults import project_float, project_int, project_value
from crawler.store.runs import new_run_id

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)


@dataclass
class FrontierSession:
    """A worker's place in a distributed run (sent with `frontier_opened`)."""

    frontier: Frontier
    worker: str
    run_id: str
    previous_run_id: str | None
    frontier_url: str
    #: set when this worker saw the frontier complete (every request of the run done)
    completed: bool = False
    #: set at close when no other live worker remains (the run's lease can be released)
    last_out: bool = False
    other_workers_at_join: int = 0
    lost_workers: list[str] = field(default_factory=list)


class FrontierScheduler(Scheduler):
    """The scheduler of `crawl --frontier`: see the module docstring."""

    def __init__(self, server: Any, crawler: Crawler) -> None:
        super().__init__(server, persist=True)
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.prefix = project_value(settings, "FRONTIER_KEY_PREFIX")
        self.worker_timeout_ms = int(project_float(settings, "FRONTIER_WORKER_TIMEOUT") * 1000)
        self.poll_s = project_float(settings, "FRONTIER_POLL_INTERVAL")
        self.redis_grace_s = project_float(settings, "FRONTIER_REDIS_TIMEOUT")
        self.worker = worker_id()
        self.session: FrontierSession | None = None
        #: serialized request -> the Request object this worker is processing
        self.taken: dict[bytes, Request] = {}
        self.poll: task.LoopingCall | None = None
        self.prefetch = 1
        self.stop_beating = threading.Event()
        self.heartbeat: threading.Thread | None = None
        self.redis_failing_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Connects to REDIS_URL (set from FRONTIER_URL by the frontier add-on)."""
        server = get_redis_from_settings(crawler.settings)
        server.ping()
        scheduler = cls(server, crawler)
        crawler.signals.connect(scheduler.archive_flushed, signal=project_signals.archive_flushed)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    # lifecycle -------------------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        """Join the site's frontier (starting or joining its run) and start beating."""
        self.spider = spider
        site = spider.profile.name  # type: ignore[attr-defined]  # a NewsSpider
        settings = self.crawler.settings  # the profile's politeness is applied by now
        prefetch = project_int(settings, "FRONTIER_PREFETCH")
        self.prefetch = max(1, prefetch or project_int(settings, "CONCURRENT_REQUESTS_PER_DOMAIN"))
        frontier = Frontier(self.server, site, self.prefix)
        self.frontier = frontier
        self.queue = PriorityQueue(self.server, spider, frontier.queue_key)
        self.df = RFPDupeFilter(
            self.server, key=frontier.dupefilter_key, debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG")
        )
        joined = frontier.join(self.worker, new_run_id(site), self.worker_timeout_ms)
        self.session = FrontierSession(
            frontier=frontier,
            worker=self.worker,
            run_id=joined.run_id,
            previous_run_id=joined.previous_run_id,
            frontier_url=self.crawler.settings.get("REDIS_URL") or "",
            other_workers_at_join=joined.other_live_workers,
        )
        queued = len(self.queue)
        logger.info(
            "frontier %s: worker %s %s run %s (%d other live workers, %d requests queued%s)",
            site,
            self.worker,
            "joined" if joined.other_live_workers else "started",
            joined.run_id,
            joined.other_live_workers,
            queued,
            f", resuming after run {joined.previous_run_id}" if joined.previous_run_id else "",
        )
        self.stats.set_value("frontier/worker", self.worker)
        self.crawler.signals.send_catch_log(project_signals.frontier_opened, session=self.session)
        # The heartbeat has its own thread: a reactor busy for a while (a large write, index
        # creation at start) must not make this worker look dead to the others.
        self.heartbeat = threading.Thread(
            target=self._beat_while_open, name="frontier-heartbeat", daemon=True
        )
        self.heartbeat.start()
        self.poll = task.LoopingCall(self._tick)
        self.poll.start(self.poll_s, now=False)

    def close(self, reason: str) -> Deferred[None]:
        """Give back what was not finished, wait for the others when the run is complete, leave."""
        return deferred_from_coro(self._close(reason))

    async def _close(self, reason: str) -> None:
        if self.poll is not None and self.poll.running:
            self.poll.stop()
        self.stop_beating.set()
        while self.heartbeat is not None and self.heartbeat.is_alive():  # no beat after leaving
            await asyncio.sleep(0.02)
        session = self.session
        if session is None:
            return
        try:
            if self.taken:
                returned = self.frontier.give_back(self.worker)
                logger.info("frontier: %d unfinished or unstored requests returned to the queue", returned)
                self.stats.set_value("frontier/returned", returned)
            remaining = self.frontier.leave(self.worker)
            if session.completed and remaining:
                remaining = await self._wait_for_other_workers()
        except RedisError as exc:
            logger.error("frontier: could not leave cleanly (%s); other workers requeue this one's work", exc)
            return
        session.last_out = remaining == 0
        logger.info("frontier: worker %s left (%s); %d live workers remain", self.worker, reason, remaining)

    async def _wait_for_other_workers(self) -> int:
        """Wait for the other workers of a complete run to leave (or be found dead).

        The last worker out releases the run's lease; the wait is bounded by a heartbeat timeout.
        """
        deadline = time.monotonic() + self.worker_timeout_ms / 1000 + 2 * self.poll_s
        while True:
            self._recover_dead()
            remaining = len(self.frontier.live_workers())
            if not remaining or time.monotonic() > deadline:
                return remaining
            await asyncio.sleep(self.poll_s / 4)

    # requests --------------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        """Filtered by the shared seen set, pushed to the shared queue (as scrapy-redis does)."""
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.queue.push(request)
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        """Take the best request of the shared queue into this worker's in-flight set.

        At most FRONTIER_PREFETCH requests at a time (default: the per-domain concurrency): the
        engine would take up to CONCURRENT_REQUESTS and let them wait for the site's politeness
        slot, hoarding work the other workers could be doing.
        """
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and len(slot.inprogress) >= self.prefetch:
            return None
        try:
            found = self.frontier.take(self.worker)
        except RedisError as exc:
            self._redis_failed(exc)
            return None
        self.redis_failing_since = None
        if found is None:
            return None
        member, _ = found
        try:
            request = self.queue._decode_request(member)
        except Exception as exc:
            logger.error(
                "frontier: dropped a request that cannot be read back (%s: %s)", type(exc).__name__, exc
            )
            self.frontier.acknowledge(self.worker, [member])
            self.stats.inc_value("frontier/unreadable")
            return None
        self.taken[member] = request
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        """Requests queued in the shared frontier (an unreachable Redis counts as none: see spider_idle)."""
        try:
            return len(self.queue) > 0
        except RedisError:
            return False

    def archive_flushed(self) -> None:
        """Every item so far is stored: acknowledge the requests this worker has finished."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)  # Scrapy keeps requests here until fully processed
        if slot is None:
            return
        done = [member for member, request in self.taken.items() if request not in slot.inprogress]
        if not done:
            return
        try:
            self.frontier.acknowledge(self.worker, done)
        except RedisError as exc:
            logger.warning("frontier: could not acknowledge %d requests yet (%s)", len(done), exc)
            return
        for member in done:
            del self.taken[member]
        self.stats.inc_value("frontier/acknowledged", len(done))

    # idle and exit ---------------------------------------------------------------------------

    def spider_idle(self) -> None:
        """Nothing to do here: stay while other workers have work, leave when the frontier is complete."""
        if self.session is None:
            return
        try:
            state = self.frontier.try_complete(self.session.run_id)
        except RedisError as exc:
            self._redis_failed(exc)
            raise DontCloseSpider from None
        self.redis_failing_since = None
        if state == "busy":
            raise DontCloseSpider
        if state == "complete":
            if not self.session.completed:
                logger.info("frontier %s: complete (nothing queued, nothing in flight)", self.frontier.site)
            self.session.completed = True
            return
        if state == "unseeded":
            logger.error(
                "frontier %s: the worker putting the start requests in died before it finished; "
                "run the crawl again to seed it (what is queued is kept)",
                self.frontier.site,
            )
            raise CloseSpider("frontier_unseeded")
        logger.error(
            "frontier %s: run %s is no longer the frontier's (cleared with `frontier clear`?)",
            self.frontier.site,
            self.session.run_id,
        )
        raise CloseSpider("frontier_gone")

    def _beat_while_open(self) -> None:
        """The heartbeat thread: beat every poll interval until the worker leaves."""
        from twisted.internet import reactor

        while not self.stop_beating.is_set():
            try:
                back = self.frontier.beat(self.worker, self.worker_timeout_ms)
            except RedisError as exc:
                logger.warning("frontier: heartbeat failed (%s)", exc)
                back = False
            if back and not self.stop_beating.is_set():
                reactor.callFromThread(self._back_from_the_dead)  # type: ignore[attr-defined]
            self.stop_beating.wait(self.poll_s)

    def _back_from_the_dead(self) -> None:
        logger.warning(
            "frontier %s: this worker missed heartbeats and was taken for dead (its requests were "
            "requeued and may be fetched twice; raise FRONTIER_WORKER_TIMEOUT); it goes on",
            self.frontier.site,
        )
        self.crawler.signals.send_catch_log(project_signals.frontier_rejoined, session=self.session)

    def _tick(self) -> None:
        """Requeue the work of dead workers, wake the engine for requests others queued."""
        try:
            self._recover_dead()
        except RedisError as exc:
            self._redis_failed(exc)
            return
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            slot.nextcall.schedule()

    def _recover_dead(self) -> None:
        for worker, requeued in self.frontier.recover_dead():
            logger.warning(
                "frontier %s: worker %s stopped beating; its %d unfinished requests are queued again",
                self.frontier.site,
                worker,
                requeued,
            )
            self.stats.inc_value("frontier/requeued_from_dead_workers", requeued)
            if self.session is not None:
                self.session.lost_workers.append(worker)
            self.crawler.signals.send_catch_log(
                project_signals.frontier_worker_lost, worker=worker, requeued=requeued
            )

    def _redis_failed(self, exc: Exception) -> None:
        now = time.monotonic()
        if self.redis_failing_since is None:
            self.redis_failing_since = now
            logger.warning("frontier: Redis unreachable (%s); retrying for %.0f s", exc, self.redis_grace_s)
        elif now - self.redis_failing_since > self.redis_grace_s and self.crawler.engine is not None:
            logger.error("frontier: Redis unreachable for %.0f s; stopping this worker", self.redis_grace_s)
            self.redis_failing_since = None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="frontier_unavailable"))
