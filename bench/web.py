"""`newsarchive web` page times next to the Archive / stats calls behind them, measured in the same run.

    python bench/web.py --articles 2000 --json web.json

Fills its own FerretDB (temp folder) with generated articles (bench/search.py's generator:
stored as the crawler stores them), serves the browser app with uvicorn on 127.0.0.1, and
times each page over HTTP (median of --repeat) against the library calls the page makes
(the baseline): the ratio is what templates, snippets and HTTP add on top of the database.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sigterm import stop_on_sigterm  # noqa: E402
from crawler.archive import Archive  # noqa: E402
from crawler.archive.writer import open_store  # noqa: E402
from crawler.localdb import LocalServer, free_port  # noqa: E402
from crawler.search.snippets import make_snippet  # noqa: E402
from crawler.stats import archive_stats  # noqa: E402
from crawler.store import connect  # noqa: E402


def _generator():
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=600) as response:
        return response.read()


def main() -> None:
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()

    import uvicorn

    from crawler.web import create_app

    with tempfile.TemporaryDirectory(prefix="bench-web-") as folder:
        server = LocalServer(Path(folder) / "ferretdb", free_port())
        client = None
        try:  # started inside: a SIGTERM while it starts stops it too
            server.start()
            client = connect(server.uri)
            db = client["bench_web"]
            generator = _generator()
            open_store(db).ensure_indexes()
            for start in range(0, args.articles, 500):
                stop = min(start + 500, args.articles)
                db.articles.insert_many([generator.make_article(n, args.seed) for n in range(start, stop)])
            print(f"{args.articles} generated articles stored", flush=True)
            archive = Archive(db)
            app = create_app(archive, Path(folder) / "warc")
            port = free_port()
            web = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
            thread = threading.Thread(target=web.run, daemon=True)
            thread.start()
            while not web.started:
                time.sleep(0.05)
            base = f"http://127.0.0.1:{port}"
            some = archive.search("", limit=1)[0]

            def search_api() -> None:
                query = archive.query("东营")
                for doc in archive.search(query, limit=21):
                    make_snippet(doc, query.needles)

            def article_api() -> None:
                doc = archive.get(some["_id"])
                archive.versions(doc)
                archive.runs(doc["site"], limit=200)

            def health_api() -> None:
                stats = archive_stats(archive.articles, days=30)
                for site in stats.sites:
                    archive.runs(site.site, limit=10)

            cases = {
                "search one word (20 hits)": (search_api, f"{base}/search?q={quote('东营')}"),
                "article page": (article_api, f"{base}/article?url={quote(some['_id'], safe='')}"),
                "health, all sites": (health_api, f"{base}/health"),
            }
            rows = []
            for label, (api, url) in cases.items():
                fetch(url)  # warm up (first connection, template compilation)
                baseline = median_time(api, args.repeat)
                page = median_time(lambda url=url: fetch(url), args.repeat)
                ratio = page / baseline if baseline else float("nan")
                rows.append({"case": label, "page_s": page, "baseline_s": baseline, "ratio": ratio})
                times = f"page {page * 1000:9.1f} ms   library calls {baseline * 1000:9.1f} ms"
                print(f"{label:28} {times}   ratio {ratio:.2f}")
            web.should_exit = True
            thread.join(timeout=10)
            if args.json:
                args.json.write_text(json.dumps({"articles": args.articles, "rows": rows}, indent=2))
        finally:
            if client is not None:
                client.close()
            server.stop()


if __name__ == "__main__":
    main()
