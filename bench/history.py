"""What resuming a killed backfill costs: list pages fetched and wall time, against one uninterrupted crawl.

A loopback site whose history is only in deep list pagination (the demo site with generated
articles, crawler/demo/deep.py: three sections, two articles per list page, no sitemap, no
feed) is crawled once without interruption (the baseline, measured in the same run), then, for
each interruption point, into a fresh database: `newsarchive crawl` is SIGKILLed once the site
has served that share of its articles, and plain runs follow until one says `history: complete`.
Every crawl must end with every article stored once; the overhead of resuming is the extra list
pages over the baseline's (the bar: under 10 % of the baseline's list pages).

    python bench/history.py --articles 4000 --json bench/results/history-4000.json

The database is MONGO_URI when set, else a local FerretDB started for the bench in a
temporary folder. The numbers move with the machine's load; the ratio within one run is what
counts.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.demo.deep import deep_profile, deep_state  # noqa: E402
from crawler.demo.server import serve  # noqa: E402
from crawler.localdb import LocalServer, free_port  # noqa: E402
from crawler.store import connect  # noqa: E402

LIST_PATH = re.compile(r"/index(_\d+)?\.htm$")
ARTICLE_PATH = re.compile(r"/content_\d+\.htm$")
CRAWL = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_START_DELAY=0", "--set", "PROGRESS_LIVE=false"]
CRAWL += ["--log-level", "WARNING"]


def fetched(hits: dict[str, int]) -> tuple[int, int]:
    """List pages and article pages the site served."""
    lists = sum(n for p, n in hits.items() if LIST_PATH.search(p))
    articles = sum(n for p, n in hits.items() if ARTICLE_PATH.search(p))
    return lists, articles


def crawl_env(uri: str, database: str, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "NEWSARCHIVE_"))}
    env.update(
        MONGO_URI=uri,
        MONGO_DATABASE=database,
        NEWSARCHIVE_VAR=str(work / database),
        NEWSARCHIVE_PROFILES=str(work / "profiles"),
    )
    return env


def command() -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "crawl", "deephist", *CRAWL]


def until_complete(env: dict[str, str], max_runs: int = 6) -> list[str]:
    """Plain runs until one says `history: complete`; their summary lines."""
    summaries = []
    for _ in range(max_runs):
        done = subprocess.run(command(), cwd=REPO, env=env, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 3):
            raise SystemExit(f"crawl failed ({done.returncode}): {done.stderr[-3000:]}")
        summaries.append(done.stdout.strip().splitlines()[-1])
        if "history: complete" in summaries[-1]:
            return summaries
    raise SystemExit(f"history not complete after {max_runs} runs: {summaries}")


def check_archive(uri: str, database: str, expected: set[str]) -> int:
    client = connect(uri)
    try:
        ids = [d["_id"] for d in client[database].articles.find({}, {"_id": 1})]
    finally:
        client.drop_database(database)
        client.close()
    if len(ids) != len(set(ids)) or set(ids) != expected:
        raise SystemExit(
            f"{database}: {len(set(ids))} distinct of {len(expected)} stored, {len(ids)} documents"
        )
    return len(ids)


def run_case(server: Any, uri: str, work: Path, expected: set[str], share: float | None) -> dict[str, Any]:
    """One uninterrupted crawl (share None), or one killed at share of the articles and resumed."""
    database = f"bench_history_{'base' if share is None else int(share * 100)}_{free_port()}"
    env = crawl_env(uri, database, work)
    server.hits.reset()
    started = time.monotonic()
    killed_at: dict[str, int] = {}
    if share is not None:
        target = int(share * len(expected))
        crawl = subprocess.Popen(
            command(), cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        while crawl.poll() is None and fetched(server.hits.counts())[1] < target:
            time.sleep(0.05)
        crawl.send_signal(signal.SIGKILL)
        crawl.wait()
        lists, articles = fetched(server.hits.counts())
        killed_at = {
            "list_pages": lists,
            "article_pages": articles,
            "wall_s": round(time.monotonic() - started, 1),
        }
    summaries = until_complete(env)
    wall = time.monotonic() - started
    lists, articles = fetched(server.hits.counts())
    stored = check_archive(uri, database, expected)
    return {
        "interrupted_at": share,
        "killed": killed_at,
        "runs_after": len(summaries),
        "list_pages": lists,
        "article_pages": articles,
        "wall_s": round(wall, 1),
        "stored": stored,
        "summaries": summaries,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=4000, help="articles on the site (default 4000)")
    parser.add_argument("--at", type=float, nargs="+", default=[0.1, 0.5, 0.9], help="interruption points")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        work = Path(tmp)
        local = None
        uri = os.environ.get("MONGO_URI")
        if not uri:
            local = LocalServer(work / "ferretdb", free_port())
            local.start()
            uri = local.uri
        state = deep_state(max(0, args.articles - 16))
        server, url = serve(port=0, state=state)
        try:
            (work / "profiles").mkdir()
            profile = deep_profile(url, name="deephist", max_list_pages=100_000)
            (work / "profiles" / "deephist.yaml").write_text(profile)
            expected = {a.url(url) for a in state.published()}
            load = os.getloadavg()
            base = run_case(server, uri, work, expected, None)
            print(
                f"uninterrupted: {base['list_pages']} list pages, {base['wall_s']} s, "
                f"{base['stored']} articles",
                flush=True,
            )
            cases = []
            for share in args.at:
                case = run_case(server, uri, work, expected, share)
                case["list_overhead"] = round(
                    (case["list_pages"] - base["list_pages"]) / base["list_pages"], 4
                )
                case["wall_ratio"] = round(case["wall_s"] / base["wall_s"], 3)
                cases.append(case)
                print(
                    f"killed at {share:.0%}: {case['list_pages']} list pages "
                    f"(+{case['list_overhead']:.1%} of the uninterrupted crawl's), {case['wall_s']} s "
                    f"({case['wall_ratio']:.2f}x), {case['runs_after']} runs to complete, "
                    f"{case['stored']} articles",
                    flush=True,
                )
        finally:
            server.stop()
            if local is not None:
                local.stop()
    worst = max(c["list_overhead"] for c in cases)
    print(f"worst resuming overhead: {worst:.1%} of the uninterrupted crawl's list pages (bar: under 10 %)")
    result = {
        "articles": len(expected),
        "load_before": load,
        "load_after": os.getloadavg(),
        "baseline": base,
        "interrupted": cases,
        "worst_list_overhead": worst,
        "met": worst < 0.10,
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0 if worst < 0.10 else 1


if __name__ == "__main__":
    sys.exit(main())
