"""Crawl throughput: newsarchive against the naive design, same loopback site, same database, one run.

    python bench/crawl.py                      # 8 copies of the eval pages (~4,200 articles)
    python bench/crawl.py --copies 2 --json out.json
    python bench/crawl.py --copies 4 --rounds 2        # ours, naive, naive, ours: drift cancels
    python bench/crawl.py --long --long-pages 100000   # product only: RSS sampled along the crawl

The site (bench/site.py) is served by nginx on 127.0.0.1; both crawls use the same concurrency
(AutoThrottle off, no delay, robots.txt off) and the same database server (MONGO_URI, else a
local FerretDB started here on a free port), each in a database of its own. Figures: wall time,
pages fetched per second, articles stored per second, CPU seconds, the peak memory of the crawl's
whole process tree (the crawl and its extraction workers), and the ratio of the naive design's
wall time to ours (how many times faster the site is archived).

Memory, three ways: "tree RSS" is the resident set of the tree, every physical page any of its
processes has resident counted once (as RSS counts a page inside one process; needs root, every
4 s); "summed RSS" adds each process's RSS (every 0.25 s), counting a page shared by the forked
extraction workers once per process; PSS splits each shared page among its sharers (every 2 s).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import psutil
from pymongo import MongoClient

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.sigterm import stop_on_sigterm  # noqa: E402
from bench.site import build_site, serve  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass
class Run:
    name: str
    wall_s: float = 0.0
    pages: int = 0
    articles: int = 0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    peak_pss_mb: float = 0.0
    #: distinct resident frames of the tree (None when not root): see resident_frames
    peak_tree_rss_mb: float | None = None
    returncode: int = 0
    samples: list[dict[str, float]] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s if self.wall_s else 0.0

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.wall_s if self.wall_s else 0.0


def tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def snapshot(pid: int) -> list[tuple[str, int]]:
    """(command, RSS MB) of every process of the tree."""
    out = []
    for proc in tree(pid):
        try:
            out.append((" ".join(proc.cmdline()[1:4])[:60], round(proc.memory_info().rss / 2**20)))
        except psutil.Error:
            continue
    return out


PAGE = os.sysconf("SC_PAGE_SIZE")
PRESENT, FRAME = 1 << 63, (1 << 55) - 1


def resident_frames(pid: int) -> set[int] | None:
    """The physical frames a process has resident: the tree's RSS is the size of their union.

    Summed per-process RSS counts a page shared by k processes k times (the extraction workers
    are forks of one zygote and share most of it); the union counts it once, as RSS does inside
    one process. From /proc/PID/pagemap, which shows frame numbers to root only: None otherwise.
    """
    frames: set[int] = set()
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb", buffering=0) as pagemap:
        for line in maps:
            span, perms = line.split(maxsplit=2)[:2]
            if perms.startswith("---"):
                continue  # reserved address space, never resident
            start, end = (int(x, 16) for x in span.split("-"))
            pagemap.seek(start // PAGE * 8)
            entries = pagemap.read((end - start) // PAGE * 8)
            frames.update({e & FRAME for e in set(memoryview(entries).cast("Q")) if e & PRESENT})
    if frames == {0}:
        return None
    return frames


def tree_resident_mb(procs: list[psutil.Process]) -> float | None:
    """RSS of the whole tree: distinct resident frames (None when not root)."""
    union: set[int] = set()
    for proc in procs:
        try:
            frames = resident_frames(proc.pid)
        except (OSError, ValueError):
            continue  # gone meanwhile
        if frames is None:
            return None
        union |= frames
    return len(union) * PAGE / 2**20


class Sampler(threading.Thread):
    """Peak memory (tree RSS, summed RSS, PSS) and CPU time of a process tree; optional samples."""

    def __init__(
        self, pid: int, every_s: float = 0.25, count=None, sample_every_s: float = 10.0, samples_out=None
    ) -> None:
        super().__init__(daemon=True)
        #: a file each sample is appended to as a JSON line when taken (a run stopped early keeps its curve)
        self.samples_out = samples_out
        self.pid, self.every_s, self.count, self.sample_every_s = pid, every_s, count, sample_every_s
        self.peak_rss = self.peak_pss = 0.0
        self.peak_resident: float | None = None
        self.peak_tree: list[tuple[str, int]] = []
        self.cpu: dict[int, float] = {}
        self.samples: list[dict[str, float]] = []
        self.stop = threading.Event()
        self.started = time.monotonic()

    def run(self) -> None:
        next_sample = 0.0
        n = 0
        while not self.stop.is_set():
            rss = pss = 0.0
            own_rss = own_pss = 0.0
            elapsed = time.monotonic() - self.started
            sampling = self.count is not None and elapsed >= next_sample
            with_pss = n % 8 == 0 or sampling
            procs = tree(self.pid)
            # ~0.1 s of this process's CPU per reading, taken from the crawl on a small machine
            resident = tree_resident_mb(procs) if n % 16 == 0 or sampling else None
            if resident is not None:
                self.peak_resident = max(self.peak_resident or 0.0, resident)
            for proc in procs:
                try:
                    proc_rss = proc.memory_info().rss
                    rss += proc_rss
                    if with_pss:
                        proc_pss = proc.memory_full_info().pss
                        pss += proc_pss
                        if proc.pid == self.pid:
                            own_rss, own_pss = proc_rss, proc_pss
                    times = proc.cpu_times()
                    self.cpu[proc.pid] = times.user + times.system
                except psutil.Error:
                    continue
            self.peak_rss = max(self.peak_rss, rss / 2**20)
            if rss / 2**20 >= self.peak_rss:
                self.peak_tree = snapshot(self.pid)
            if with_pss:
                self.peak_pss = max(self.peak_pss, pss / 2**20)
            if sampling:
                self.samples.append(
                    {
                        "t": round(elapsed, 1),
                        "rss_mb": round(rss / 2**20, 1),
                        "tree_rss_mb": None if resident is None else round(resident, 1),
                        "pss_mb": round(pss / 2**20, 1),
                        "crawl_rss_mb": round(own_rss / 2**20, 1),
                        "crawl_pss_mb": round(own_pss / 2**20, 1),
                        "articles": self.count(),
                    }
                )
                if self.samples_out:
                    with open(self.samples_out, "a") as out:
                        out.write(json.dumps(self.samples[-1]) + "\n")
                next_sample = elapsed + self.sample_every_s
            n += 1
            self.stop.wait(self.every_s)


def stored_counter(uri: str, db: str, local) -> Callable[[], int]:
    """How many articles are stored so far, for the --long samples, without slowing the crawl.

    FerretDB answers a count by parsing every stored document: at 8,000 articles each count
    of the samples cost the server ~15 s of CPU, taken from the crawl being measured, and more
    as the collection grows (the crawl slowed from 16 to 8 articles/s for this alone). On the
    local server, the rows of its SQLite table are counted instead (read-only, on the _id
    index: milliseconds). MongoDB's estimated count reads collection metadata.
    """
    if local is None:
        return MongoClient(uri)[db].articles.estimated_document_count
    path = local.data_dir / f"{db}.sqlite"

    def count() -> int:
        if not path.exists():
            return 0
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
            row = conn.execute(
                "SELECT table_name FROM _ferretdb_collections WHERE name = 'articles'"
            ).fetchone()
            return conn.execute(f'SELECT count(*) FROM "{row[0]}"').fetchone()[0] if row else 0

    return count


def measure(
    name: str,
    command: list[str],
    env: dict[str, str],
    count=None,
    sample_every_s: float = 10.0,
    samples_out=None,
) -> Run:
    run = Run(name)
    began = time.monotonic()
    process = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = Sampler(process.pid, count=count, sample_every_s=sample_every_s, samples_out=samples_out)
    sampler.start()
    try:
        stdout, stderr = process.communicate()
    except BaseException:
        # Stopped (SIGTERM, ^C): the crawl gets its own graceful stop, then the servers go.
        process.terminate()
        process.communicate(timeout=30)
        raise
    run.wall_s = time.monotonic() - began
    sampler.stop.set()
    sampler.join()
    run.returncode = process.returncode
    run.cpu_s = sum(sampler.cpu.values())
    # The root's share against its children's (for ours: the crawl process against extraction).
    own = sampler.cpu.get(process.pid, 0.0)
    run.extra["cpu_s_split"] = {"root": round(own, 1), "children": round(run.cpu_s - own, 1)}
    run.peak_rss_mb, run.peak_pss_mb = sampler.peak_rss, sampler.peak_pss
    run.peak_tree_rss_mb = sampler.peak_resident
    run.samples = sampler.samples
    run.extra["peak_tree_mb"] = sampler.peak_tree
    if process.returncode != 0:
        print(f"{name} exited {process.returncode}:\n{stderr[-3000:]}", file=sys.stderr)
    run.extra["stdout"] = stdout
    return run


def product(base: str, site_dir: Path, uri: str, db: str, args, var: Path, count=None) -> Run:
    env = {
        **os.environ,
        "MONGO_URI": uri,
        "MONGO_DATABASE": db,
        "NEWSARCHIVE_VAR": str(var),
        "NEWSARCHIVE_PROFILES": str(site_dir),
    }
    settings = {
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "PROGRESS_LIVE": False,
        "TELNETCONSOLE_ENABLED": False,
        "HEALTH_ZERO_NEW_RUNS": 1000,
    }
    if args.workers is not None:
        settings["EXTRACT_WORKERS"] = args.workers
    for pair in args.set or ():
        key, _, value = pair.partition("=")
        settings[key] = value
    if args.probe_out:
        # bench/memprobe.py: what grows inside the crawl process (pending requests, fingerprints, objects)
        settings["EXTENSIONS"] = json.dumps({"bench.memprobe.MemoryProbe": 0})
        env["NEWSARCHIVE_PROBE_OUT"] = str(Path(args.probe_out).resolve())
        env["NEWSARCHIVE_PROBE_EVERY"] = str(args.probe_every)
    command = [sys.executable, "-m", "crawler.cli", "crawl", "benchsite", "--log-level", "WARNING"]
    for key, value in settings.items():
        command += ["--set", f"{key}={value}"]
    if args.profile_out:
        command = [
            sys.executable,
            "-m",
            "cProfile",
            "-o",
            args.profile_out,
            "-m",
            "crawler.cli",
            *command[3:],
        ]
    run = measure(
        "newsarchive",
        command,
        env,
        count=count,
        sample_every_s=args.sample_every,
        samples_out=args.samples_out,
    )
    client = MongoClient(uri)
    try:
        database = client[db]
        run.articles = database.articles.estimated_document_count()
        last = database.crawl_runs.find_one({}, {"pages_fetched": 1, "stats": 1, "extraction_failed": 1})
        run.pages = (last or {}).get("pages_fetched", 0)
        run.extra["extraction_failed"] = (last or {}).get("extraction_failed", 0)
        stats = (last or {}).get("stats", {})
        run.extra["http_404"] = stats.get("downloader_response_status_count_404", 0)
        for key in (
            "extract_workers",
            "extract_worker_starts",
            "extract_worker_recycled",
            "extract_worker_killed",
        ):
            run.extra[key] = stats.get(key, 0)
    finally:
        client.close()
    return run


def naive(base: str, starts: list[str], uri: str, db: str, args) -> Run:
    env = {**os.environ, "MONGO_URI": uri, "MONGO_DATABASE": db}
    command = [
        sys.executable,
        str(REPO / "bench" / "naive_crawl.py"),
        base,
        *starts,
        "--concurrency",
        str(args.concurrency),
    ]
    run = measure("naive", command, env)
    stats = {}
    for line in str(run.extra.pop("stdout", "")).splitlines():
        if line.startswith('{"stats"'):
            stats = json.loads(line)["stats"]
    run.pages = int(stats.get("response_received_count", 0))
    run.extra["http_404"] = stats.get("downloader/response_status_count/404", 0)
    client = MongoClient(uri)
    try:
        run.articles = client[db].articles.estimated_document_count()
    finally:
        client.close()
    return run


def servers_cpu(pids: dict[str, int | None]) -> dict[str, float]:
    """CPU seconds so far of each server (database, web) with its children: not in the crawl's tree,
    but on the same cores, so each run's share is reported next to its own CPU figure."""
    spent = {}
    for name, pid in pids.items():
        total = 0.0
        for process in tree(pid) if pid else []:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        spent[name] = total
    return spent


def with_servers_cpu(pids: dict[str, int | None], run_crawl) -> Run:
    before = servers_cpu(pids)
    run = run_crawl()
    after = servers_cpu(pids)
    for name in pids:
        if pids[name]:
            run.extra[f"{name}_cpu_s"] = round(after[name] - before[name], 1)
    return run


def database(tmp: Path):
    if uri := os.environ.get("MONGO_URI"):
        return uri, None
    from crawler.localdb import LocalServer, free_port

    server = LocalServer(tmp / "ferretdb", free_port())
    try:
        server.start()
    except BaseException:  # SIGTERM or an error while it starts: not left running
        server.stop()
        raise
    return server.uri, server


def show(runs: list[Run]) -> None:
    print(
        f"{'run':<12} {'wall s':>8} {'pages':>7} {'pages/s':>8} {'articles':>9} {'art/s':>7} "
        f"{'CPU s':>7} {'tree RSS MB':>12} {'summed RSS':>11} {'PSS MB':>7} {'404s':>7} {'db CPU s':>9} "
        f"{'web CPU s':>9}"
    )
    for r in runs:
        print(
            f"{r.name:<12} {r.wall_s:8.1f} {r.pages:7d} {r.pages_per_s:8.1f} {r.articles:9d} "
            f"{r.articles_per_s:7.1f} {r.cpu_s:7.1f} {_mb(r.peak_tree_rss_mb):>12} {r.peak_rss_mb:11.0f} "
            f"{r.peak_pss_mb:7.0f} "
            f"{r.extra.get('http_404', 0):>7} {r.extra.get('db_server_cpu_s', '-'):>9} "
            f"{r.extra.get('web_server_cpu_s', '-'):>9}"
        )
    for r in runs:
        split = r.extra.get("cpu_s_split", {})
        print(f"{r.name}: CPU s of the root process {split.get('root')}, children {split.get('children')}")


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def main() -> None:
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=8, help="copies of the 524 eval pages (8: ~4,200)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None, help="EXTRACT_WORKERS (default: one per core)")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="a project setting for our crawl (repeatable)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="pairs of crawls, alternating which goes first (ABBA); the ratio is of the summed walls",
    )
    parser.add_argument(
        "--long", action="store_true", help="product only, RSS sampled over --long-pages pages"
    )
    parser.add_argument("--long-pages", type=int, default=100_000)
    parser.add_argument("--sample-every", type=float, default=10.0, help="seconds between --long samples")
    parser.add_argument("--samples-out", help="--long: append each sample to this file as a JSON line")
    parser.add_argument("--probe-out", help="append bench/memprobe.py's JSON lines (crawl process) here")
    parser.add_argument("--probe-every", type=float, default=120.0, help="seconds between --probe-out lines")
    parser.add_argument("--profile-out", help="run our crawl under cProfile, stats to this file")
    parser.add_argument("--json", dest="json_out", help="write the figures to this file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmpdir:
        tmp = Path(tmpdir)
        copies = -(-args.long_pages // 524) if args.long else args.copies
        began = time.monotonic()
        layout = build_site(tmp / "site", copies)
        average_kb = layout.total_bytes / len(layout.articles) / 1024
        print(
            f"site: {len(layout.articles)} articles ({average_kb:.0f} KB on average), "
            f"{len(layout.list_pages)} list pages, built in {time.monotonic() - began:.0f} s"
        )
        uri, local = database(tmp)
        try:
            server = serve(layout.root)
        except BaseException:
            if local is not None:
                local.stop()
            raise
        try:
            layout.write_profile(server.base_url)
            stamp = time.strftime("%Y%m%d%H%M%S")
            runs: list[Run] = []
            count = stored_counter(uri, f"bench_long_{stamp}", local) if args.long else None
            pids = {"db_server": local.pid() if local is not None else None, "web_server": server.pid}
            section_starts = ["/", *layout.section_paths]

            def ours(tag: str) -> Run:
                db = f"bench_long_{stamp}" if args.long else f"bench_ours_{stamp}{tag}"
                return with_servers_cpu(
                    pids,
                    lambda: product(
                        server.base_url, layout.root.parent, uri, db, args, tmp / f"var{tag}", count=count
                    ),
                )

            def theirs(tag: str) -> Run:
                db = f"bench_naive_{stamp}{tag}"
                return with_servers_cpu(pids, lambda: naive(server.base_url, section_starts, uri, db, args))

            if args.skip_naive or args.long:
                runs.append(ours(""))
            else:
                # Round i runs ours first when i is even, the naive design first when odd (ABBA):
                # the machine's speed drifts over minutes, and the drift then falls on both alike.
                for i in range(args.rounds):
                    tag = f"_r{i}" if args.rounds > 1 else ""
                    pair = [ours, theirs] if i % 2 == 0 else [theirs, ours]
                    done = {f: f(tag) for f in pair}
                    runs.extend([done[ours], done[theirs]])
        finally:
            server.stop()
            if local is not None:
                local.stop()
        show(runs)
        figures = {
            "site": {
                "articles": len(layout.articles),
                "list_pages": len(layout.list_pages),
                "avg_kb": round(layout.total_bytes / len(layout.articles) / 1024),
                "copies": copies,
                "server": server.backend,
            },
            "concurrency": args.concurrency,
            "cpus": os.cpu_count(),
            "runs": [
                {**asdict(r), "pages_per_s": r.pages_per_s, "articles_per_s": r.articles_per_s} for r in runs
            ],
        }
        if len(runs) >= 2:
            ours_runs, naive_runs = runs[0::2], runs[1::2]
            figures["rounds"] = [
                {"ours_wall_s": o.wall_s, "naive_wall_s": n.wall_s, "ratio_wall": n.wall_s / o.wall_s}
                for o, n in zip(ours_runs, naive_runs, strict=True)
            ]
            ours_wall, naive_wall = sum(r.wall_s for r in ours_runs), sum(r.wall_s for r in naive_runs)
            ours_rate = sum(r.articles for r in ours_runs) / ours_wall
            naive_rate = sum(r.articles for r in naive_runs) / naive_wall
            figures["ratio_wall"] = naive_wall / ours_wall
            figures["ratio_articles_per_s"] = ours_rate / naive_rate if naive_rate else None
            for i, r in enumerate(figures["rounds"]):
                print(f"round {i + 1}: the naive design takes {r['ratio_wall']:.2f}x our wall time")
            print(
                f"ratio: the naive design takes {figures['ratio_wall']:.2f}x our wall time "
                f"(articles/s: {figures['ratio_articles_per_s']:.2f}x)"
            )
        if args.long and runs[0].samples:
            print(
                "memory over the crawl (t s, articles, tree RSS / summed RSS / PSS MB,"
                " crawl process RSS / PSS MB):"
            )
            for s in runs[0].samples:
                print(
                    f"  {s['t']:8.0f} {s['articles']:8d} {_mb(s['tree_rss_mb']):>8} {s['rss_mb']:8.0f}"
                    f" {s['pss_mb']:8.0f}"
                    f" {s['crawl_rss_mb']:8.0f} {s['crawl_pss_mb']:8.0f}"
                )
        if args.json_out:
            for r in figures["runs"]:
                r["extra"].pop("stdout", None)
            Path(args.json_out).write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
