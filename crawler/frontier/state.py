"""The shared state of one site's distributed crawl in Redis: queue, seen set, workers, in-flight work.

Keys (the site in braces is a Redis Cluster hash tag, so every script touches one slot):

    PREFIX:{site}:requests         sorted set, scrapy-redis's priority queue (score = -priority)
    PREFIX:{site}:dupefilter       set of request fingerprints (scrapy-redis's duplicate filter)
    PREFIX:{site}:inflight:WORKER  sorted set: requests WORKER took and has not acknowledged
    PREFIX:{site}:workers          set of the workers that joined
    PREFIX:{site}:worker:WORKER    WORKER's heartbeat (expires when the worker stops beating)
    PREFIX:{site}:run              the crawl run all workers join (its crawl_runs _id)
    PREFIX:{site}:seeding/seeded   who is putting the start requests in, and that it is done
    PREFIX:{site}:done:RUN         set for a while after RUN emptied the frontier

Taking a request moves it atomically from the queue to the taker's in-flight set; it leaves
that set only when the worker acknowledges it (its articles are stored). A worker whose
heartbeat expired is dead: any other worker moves its in-flight requests back to the queue.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler import settings as project

if TYPE_CHECKING:
    from redis import Redis

DEFAULT_PREFIX = project.FRONTIER_KEY_PREFIX
#: How long the "done" marker of a finished run stays (workers still closing read it).
DONE_TTL_S = 3600

# KEYS: queue, inflight. Pops the best request and records it as taken, in one step.
_TAKE = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('ZADD', KEYS[2], r[2], r[1])
return r
"""

# KEYS: queue, inflight. Puts every request of an in-flight set back into the queue.
_RETURN_ALL = """
local items = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #items, 2 do redis.call('ZADD', KEYS[1], items[i + 1], items[i]) end
redis.call('DEL', KEYS[2])
return #items / 2
"""

# KEYS: queue, inflight, workers, heartbeat. ARGV: the worker. Gives back what the worker holds
# and deregisters it in one step: done in separate commands, another worker could see it
# between the heartbeat's removal and the deregistration, take it for dead and record it lost.
_LEAVE = """
local items = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #items, 2 do redis.call('ZADD', KEYS[1], items[i + 1], items[i]) end
redis.call('DEL', KEYS[2], KEYS[4])
redis.call('SREM', KEYS[3], ARGV[1])
return #items / 2
"""

# KEYS: queue, inflight of the dead worker, workers, its heartbeat, seeding. ARGV: the worker.
# Returns -1 when the worker is alive or another worker recovered it first.
_RECOVER = """
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
if redis.call('SREM', KEYS[3], ARGV[1]) == 0 then return -1 end
local items = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #items, 2 do redis.call('ZADD', KEYS[1], items[i + 1], items[i]) end
redis.call('DEL', KEYS[2])
if redis.call('GET', KEYS[5]) == ARGV[1] then redis.call('DEL', KEYS[5]) end
return #items / 2
"""

# KEYS: run, workers, my heartbeat. ARGV: me, a new run id, heartbeat ms, my info, key prefix.
# Joins the run of the live workers, or starts a new run (on a resumed frontier: the old run's
# workers are all gone). Returns {run id, previous run id or '', live workers besides me}.
_JOIN = """
local live = 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if w ~= ARGV[1] and redis.call('EXISTS', ARGV[5] .. 'worker:' .. w) == 1 then live = live + 1 end
end
local run = redis.call('GET', KEYS[1])
local previous = ''
if (not run) or live == 0 then
  if run then previous = run end
  run = ARGV[2]
  redis.call('SET', KEYS[1], run)
end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[3])
return {run, previous, live}
"""

# KEYS: run, queue, seeded, seeding, workers, dupefilter, done. ARGV: run id, key prefix, done ttl.
# 'gone' (the run is not the frontier's any more), 'busy', 'unseeded' (the seeding worker died
# before it finished), or 'complete': nothing queued, nothing in flight anywhere, so the
# frontier is deleted (the next run starts afresh) and the run is marked done.
_COMPLETE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'gone' end
if redis.call('ZCARD', KEYS[2]) > 0 then return 'busy' end
if redis.call('EXISTS', KEYS[3]) == 0 then
  local seeder = redis.call('GET', KEYS[4])
  if seeder and redis.call('EXISTS', ARGV[2] .. 'worker:' .. seeder) == 1 then return 'busy' end
  return 'unseeded'
end
local workers = redis.call('SMEMBERS', KEYS[5])
for _, w in ipairs(workers) do
  if redis.call('ZCARD', ARGV[2] .. 'inflight:' .. w) > 0 then return 'busy' end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[6])
redis.call('SET', KEYS[7], 'complete', 'EX', ARGV[3])
return 'complete'
"""


def worker_id() -> str:
    """host:pid:random, unique across machines and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class Joined:
    """What joining the frontier told a worker."""

    run_id: str
    previous_run_id: str | None
    other_live_workers: int


@dataclass
class FrontierStatus:
    """`newsarchive frontier status SITE`: the numbers of one site's frontier."""

    site: str
    run_id: str | None
    queued: int
    seen: int
    seeded: bool
    workers: list[dict[str, Any]]
    in_flight: int
    memory_bytes: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return dict(self.__dict__)


class Frontier:
    """One site's shared frontier; every method is one atomic step (a script or a single command)."""

    def __init__(self, server: Redis, site: str, prefix: str = DEFAULT_PREFIX) -> None:
        self.server = server
        self.site = site
        self.base = f"{prefix}:{{{site}}}:"
        self._take = server.register_script(_TAKE)
        self._return_all = server.register_script(_RETURN_ALL)
        self._leave = server.register_script(_LEAVE)
        self._recover = server.register_script(_RECOVER)
        self._join = server.register_script(_JOIN)
        self._complete = server.register_script(_COMPLETE)

    # keys ------------------------------------------------------------------------------------

    def key(self, name: str) -> str:
        """A key of this site's frontier."""
        return self.base + name

    @property
    def queue_key(self) -> str:
        """The scrapy-redis priority queue."""
        return self.key("requests")

    @property
    def dupefilter_key(self) -> str:
        """The scrapy-redis seen set."""
        return self.key("dupefilter")

    def inflight_key(self, worker: str) -> str:
        """Requests a worker took and did not acknowledge."""
        return self.key(f"inflight:{worker}")

    def heartbeat_key(self, worker: str) -> str:
        """A worker's heartbeat."""
        return self.key(f"worker:{worker}")

    # workers ---------------------------------------------------------------------------------

    def join(self, worker: str, new_run_id: str, heartbeat_ms: int) -> Joined:
        """Register a worker and tell it which run it belongs to."""
        info = json.dumps({"host": socket.gethostname(), "pid": os.getpid()})
        run, previous, live = self._join(
            keys=[self.key("run"), self.key("workers"), self.heartbeat_key(worker)],
            args=[worker, new_run_id, heartbeat_ms, info, self.base],
        )
        return Joined(_text(run), _text(previous) or None, int(live))

    def beat(self, worker: str, heartbeat_ms: int) -> bool:
        """The worker is alive for heartbeat_ms more; True if it had been taken for dead (and is back)."""
        info = json.dumps({"host": socket.gethostname(), "pid": os.getpid()})
        pipe = self.server.pipeline()
        pipe.set(self.heartbeat_key(worker), info, px=heartbeat_ms)
        pipe.sadd(self.key("workers"), worker)
        _, added = pipe.execute()
        return bool(added)

    def leave(self, worker: str) -> int:
        """Deregister a worker that gives back what it holds; returns how many live workers remain."""
        self._leave(
            keys=[self.queue_key, self.inflight_key(worker), self.key("workers"), self.heartbeat_key(worker)],
            args=[worker],
        )
        return len(self.live_workers())

    def live_workers(self) -> list[str]:
        """Workers whose heartbeat has not expired."""
        members = [_text(w) for w in self.server.smembers(self.key("workers"))]
        return [w for w in members if self.server.exists(self.heartbeat_key(w))]

    def recover_dead(self) -> list[tuple[str, int]]:
        """Requeue the in-flight requests of every worker that stopped beating: (worker, requests)."""
        recovered = []
        for member in self.server.smembers(self.key("workers")):
            worker = _text(member)
            if self.server.exists(self.heartbeat_key(worker)):
                continue
            count = self._recover(
                keys=[
                    self.queue_key,
                    self.inflight_key(worker),
                    self.key("workers"),
                    self.heartbeat_key(worker),
                    self.key("seeding"),
                ],
                args=[worker],
            )
            if int(count) >= 0:
                recovered.append((worker, int(count)))
        return recovered

    # requests --------------------------------------------------------------------------------

    def take(self, worker: str) -> tuple[bytes, float] | None:
        """The next request (serialized) and its score, now in the worker's in-flight set."""
        found = self._take(keys=[self.queue_key, self.inflight_key(worker)])
        if not found:
            return None
        member, score = found
        return member, float(score)

    def acknowledge(self, worker: str, members: list[bytes]) -> None:
        """These requests are done: their results are stored."""
        if members:
            self.server.zrem(self.inflight_key(worker), *members)

    def give_back(self, worker: str) -> int:
        """Put everything the worker holds back into the queue (a worker closing early)."""
        return int(self._return_all(keys=[self.queue_key, self.inflight_key(worker)]))

    # seeding and completion ---------------------------------------------------------------------

    def is_seeded(self) -> bool:
        """True once the start requests are all in."""
        return bool(self.server.exists(self.key("seeded")))

    def claim_seeding(self, worker: str) -> bool:
        """True for the one worker that puts the start requests in (unless they are in already)."""
        if self.is_seeded():
            return False
        return bool(self.server.set(self.key("seeding"), worker, nx=True))

    def mark_seeded(self) -> None:
        """All start requests are in the queue."""
        self.server.set(self.key("seeded"), "1")
        self.server.delete(self.key("seeding"))

    def try_complete(self, run_id: str) -> str:
        """'complete' (and the frontier is cleared), 'busy', 'unseeded' or 'gone'; see _COMPLETE."""
        keys = [self.key(k) for k in ("run", "requests", "seeded", "seeding", "workers", "dupefilter")]
        state = _text(
            self._complete(keys=[*keys, self.done_key(run_id)], args=[run_id, self.base, DONE_TTL_S])
        )
        if state == "gone" and self.server.get(self.done_key(run_id)) is not None:
            return "complete"
        return state

    def done_key(self, run_id: str) -> str:
        """Set when a run emptied the frontier."""
        return self.key(f"done:{run_id}")

    # commands --------------------------------------------------------------------------------

    def status(self) -> FrontierStatus:
        """Queued, seen, workers (with their in-flight counts), for `frontier status`."""
        workers = []
        for member in sorted(self.server.smembers(self.key("workers"))):
            worker = _text(member)
            workers.append(
                {
                    "worker": worker,
                    "alive": bool(self.server.exists(self.heartbeat_key(worker))),
                    "in_flight": int(self.server.zcard(self.inflight_key(worker))),
                }
            )
        memory = 0
        for key in self.server.scan_iter(match=self._match_all(), count=500):
            memory += int(self.server.memory_usage(key) or 0)
        run = self.server.get(self.key("run"))
        return FrontierStatus(
            site=self.site,
            run_id=_text(run) if run is not None else None,
            queued=int(self.server.zcard(self.queue_key)),
            seen=int(self.server.scard(self.dupefilter_key)),
            seeded=self.is_seeded(),
            workers=workers,
            in_flight=sum(w["in_flight"] for w in workers),
            memory_bytes=memory,
        )

    def clear(self) -> int:
        """Delete every key of this site's frontier (workers still running stop: their run is gone)."""
        keys = list(self.server.scan_iter(match=self._match_all(), count=500))
        return int(self.server.delete(*keys)) if keys else 0

    def _match_all(self) -> str:
        return self.base + "*"  # site names are [a-z0-9_-]: no glob characters


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
