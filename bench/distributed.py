"""Distributed crawling, measured: the loopback bench site crawled by 1 and by 2 workers sharing one
Redis frontier, Redis memory per 100k queued URLs, and one of two workers killed half-way.

    python bench/distributed.py                 # 1 copy of the eval pages (about 520 articles)
    python bench/distributed.py --copies 4 --json var/bench-distributed.json

Everything runs on this machine: redis-server (Debian's package) and the local FerretDB (or
MONGO_URI) on free loopback ports with temporary folders, the site from bench/site.py served by
nginx. Each configuration crawls into a fresh database. The ratio is 1-worker time / 2-worker
time, both measured in this run.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import redis  # noqa: E402

from bench.sigterm import stop_on_sigterm  # noqa: E402
from bench.site import PROFILE_NAME, build_site, serve  # noqa: E402
from crawler.store import connect  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

CRAWL = [
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "AUTOTHROTTLE_ENABLED=false",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "-s", "PROGRESS_LIVE=false",
    "-s", "LOG_LEVEL=INFO",
    "-s", "FRONTIER_WORKER_TIMEOUT=10",
]  # fmt: skip


def env_for(uri: str, database: str, var: Path, profiles: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "NEWSARCHIVE_"))}
    env.update(
        MONGO_URI=uri, MONGO_DATABASE=database, NEWSARCHIVE_VAR=str(var), NEWSARCHIVE_PROFILES=str(profiles)
    )
    return env


def start_worker(frontier: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", PROFILE_NAME, "--frontier", frontier, *CRAWL],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_all(workers: list[subprocess.Popen[bytes]], logs: list[Path], timeout: float = 3600) -> list[int]:
    codes = []
    for worker, log in zip(workers, logs, strict=True):
        code = worker.wait(timeout=timeout)
        if code not in (0, -signal.SIGKILL):
            print(f"  worker exited {code}; log {log}:\n{log.read_text()[-3000:]}", file=sys.stderr)
        codes.append(code)
    return codes


#: pids of the servers the crawl talks to (site, Redis, database), for their CPU time
SERVERS: dict[str, int] = {}


def servers_cpu() -> dict[str, float]:
    """CPU seconds used so far by each server process and its children (nginx's workers)."""
    used = {}
    for name, pid in SERVERS.items():
        try:
            process = psutil.Process(pid)
            times = [process.cpu_times(), *(c.cpu_times() for c in process.children(recursive=True))]
        except psutil.Error:
            continue
        used[name] = sum(t.user + t.system for t in times)
    return used


def crawl(
    n: int, *, frontier: str, uri: str, work: Path, profiles: Path, kill_at: int | None = None
) -> dict[str, Any]:
    """n workers from a fresh database and an empty frontier; SIGKILL worker 1 at kill_at articles."""
    name = f"bench_dist_{n}w{'_kill' if kill_at else ''}_{int(time.time())}"
    env = env_for(uri, name, work / name, profiles)
    redis.Redis.from_url(frontier).flushdb()
    client = connect(uri)
    db = client[name]
    logs = [work / f"{name}-w{i + 1}.log" for i in range(n)]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    servers_before = servers_cpu()
    started = time.perf_counter()
    workers = [start_worker(frontier, env, log) for log in logs]
    killed_after = None
    try:
        if kill_at is not None:
            while workers[0].poll() is None and db.articles.estimated_document_count() < kill_at:
                time.sleep(0.2)
            killed_after = db.articles.count_documents({})
            workers[0].send_signal(signal.SIGKILL)
        codes = wait_all(workers, logs)
    finally:
        for worker in workers:  # interrupted: leave no worker behind
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, reaped by wait_all
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    servers = {k: round(v - servers_before.get(k, 0.0), 1) for k, v in servers_cpu().items()}
    ids = [d["_id"] for d in db.articles.find({}, {"_id": 1})]
    run = db.crawl_runs.find_one(sort=[("started_at", -1)]) or {}
    result = {
        "workers": n,
        "seconds": round(seconds, 2),
        "worker_cpu_seconds": round(cpu, 1),
        "servers_cpu_seconds": servers,
        "machine_load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "articles": len(ids),
        "distinct_articles": len(set(ids)),
        "pages_fetched": run.get("pages_fetched"),
        "pages_per_worker": [r.get("pages_fetched") for r in run.get("worker_results", [])],
        "worker_statuses": [r.get("status") for r in run.get("worker_results", [])],
        "run_status": run.get("status"),
        "exit_codes": codes,
        "articles_when_killed": killed_after,
        "ids": sorted(ids),
    }
    client.drop_database(name)
    client.close()
    return result


def redis_memory_per_100k(frontier: str, count: int = 100_000) -> dict[str, Any]:
    """Queue `count` article requests as the crawler does (pickled, scrapy-redis's priority queue) and
    add their fingerprints to the seen set; Redis's used_memory before and after.
    """
    from scrapy_redis.dupefilter import RFPDupeFilter
    from scrapy_redis.queue import PriorityQueue

    from crawler.profiles import parse_profile
    from spiders.news import NewsSpider

    server = redis.Redis.from_url(frontier)
    server.flushdb()
    profile = parse_profile("name: dzwww\nbase_url: https://www.dzwww.com/\n")
    spider = NewsSpider(profile=profile)
    queue = PriorityQueue(server, spider, "bench:{dzwww}:requests")
    seen = RFPDupeFilter(server, "bench:{dzwww}:dupefilter")
    before = int(server.info("memory")["used_memory"])
    pipe = server.pipeline(transaction=False)
    sample = b""
    for i in range(count):
        request = spider.article_request(
            f"https://www.dzwww.com/shandong/sdnews/202411/t20241129_{10_000_000 + i}.htm"
        )
        data = pickle.dumps(request.to_dict(spider=spider), protocol=-1)
        sample = sample or data
        pipe.execute_command("ZADD", queue.key, -request.priority, data)
        pipe.sadd(seen.key, seen.request_fingerprint(request))
        if i % 5000 == 4999:
            pipe.execute()
    pipe.execute()
    after = int(server.info("memory")["used_memory"])
    result = {
        "queued": server.zcard(queue.key),
        "seen": server.scard(seen.key),
        "used_memory_mb": round((after - before) / 2**20, 1),
        "bytes_per_url": round((after - before) / count),
        "serialized_request_bytes": len(sample),
    }
    server.flushdb()
    return result


def main() -> None:
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1, help="copies of the eval pages in the site")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # nginx's workers run as another user and must read the site
        layout = build_site(work / "site", copies=args.copies)
        redis_server = RedisServer(work / "redis")
        local_db = None
        site = None
        try:
            redis_server.start()
            uri = os.environ.get("MONGO_URI")
            if not uri:
                from crawler.localdb import LocalServer, free_port

                local_db = LocalServer(work / "ferretdb", free_port())
                local_db.start()
                uri = local_db.uri
            site = serve(layout.root)
            SERVERS.update(site=site.pid, redis=redis_server.process.pid)
            if local_db is not None and local_db.pid():
                SERVERS["database"] = int(local_db.pid())
            profile = layout.write_profile(site.base_url)
            if "allow_private_addresses" not in profile.read_text(encoding="utf-8"):
                with profile.open("a", encoding="utf-8") as handle:  # the site is on loopback
                    handle.write("allow_private_addresses: true\n")
            profiles = layout.root.parent
            print(
                f"site: {len(layout.articles)} article pages, {len(layout.list_pages)} list pages "
                f"at {site.base_url}"
            )
            print(f"cores: {os.cpu_count()} (shared with the site server, Redis and the database)")
            one = crawl(1, frontier=redis_server.url, uri=uri, work=work, profiles=profiles)
            print(
                f"1 worker : {one['seconds']:7.1f} s, {one['articles']} articles, "
                f"{one['pages_fetched']} pages; CPU s: workers {one['worker_cpu_seconds']}, "
                f"servers {one['servers_cpu_seconds']}; load average {one['machine_load']}"
            )
            two = crawl(2, frontier=redis_server.url, uri=uri, work=work, profiles=profiles)
            ratio = one["seconds"] / two["seconds"]
            print(
                f"2 workers: {two['seconds']:7.1f} s, {two['articles']} articles, pages per worker "
                f"{two['pages_per_worker']}; CPU s: workers {two['worker_cpu_seconds']}, servers "
                f"{two['servers_cpu_seconds']}; load average {two['machine_load']}; "
                f"speed-up 1w/2w = {ratio:.2f}"
            )
            half = one["articles"] // 2
            killed = crawl(2, frontier=redis_server.url, uri=uri, work=work, profiles=profiles, kill_at=half)
            lost = sorted(set(one["ids"]) - set(killed["ids"]))
            extra = sorted(set(killed["ids"]) - set(one["ids"]))
            print(
                f"2 workers, one SIGKILLed at {killed['articles_when_killed']} articles: "
                f"{killed['seconds']:.1f} s, {killed['articles']} articles "
                f"({killed['distinct_articles']} distinct), {len(lost)} missing "
                f"against the 1-worker run, {len(extra)} extra; workers {killed['worker_statuses']}, "
                f"run {killed['run_status']}"
            )
            memory = redis_memory_per_100k(redis_server.url)
            print(
                f"Redis: {memory['used_memory_mb']} MB for {memory['queued']:,} queued requests + their "
                f"fingerprints ({memory['bytes_per_url']} bytes per URL; a pickled request is "
                f"{memory['serialized_request_bytes']} bytes)"
            )
        finally:  # every server this bench started, whatever failed
            if site is not None:
                site.stop()
            redis_server.stop()
            if local_db is not None:
                local_db.stop()
        figures = {
            "site": {
                "articles": len(layout.articles),
                "list_pages": len(layout.list_pages),
                "copies": args.copies,
            },
            "cores": os.cpu_count(),
            "one_worker": {k: v for k, v in one.items() if k != "ids"},
            "two_workers": {k: v for k, v in two.items() if k != "ids"},
            "speedup_two_over_one": round(ratio, 3),
            "kill_one_of_two": {
                **{k: v for k, v in killed.items() if k != "ids"},
                "missing": lost,
                "extra": extra,
            },
            "redis_memory_100k": memory,
        }
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(figures, indent=2))
            print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
