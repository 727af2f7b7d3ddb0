"""Extraction CPU per page: ours (``extract_page``) against plain ``trafilatura.bare_extraction``.

Runs over the shared evaluation pages (``../shared/eval``, every ``--every``-th dev page of each
dataset) in this one process: a warm-up pass first (imports, lazy tables), then ``--rounds``
timed rounds, each timing both systems page by page with ``time.process_time`` (CPU, not wall,
so a busy machine disturbs the figures less). The baseline is what the naive crawl design calls
per page: ``bare_extraction(html, url=url, with_metadata=True)`` on the decoded page.

``--dump FILE`` writes our article for every page (JSON lines, ``fetched_at`` fixed) and
``--compare FILE`` reports every page whose article differs from such a dump: the check that a
CPU cut left the output alone (dump before the change, compare after).

    python bench/extraction_cpu.py                       # every 2nd page, 2 rounds
    python bench/extraction_cpu.py --every 1 --rounds 0 --dump before.jsonl
    python bench/extraction_cpu.py --every 1 --rounds 0 --compare before.jsonl
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.extract import Page, decode_html, extract_page  # noqa: E402
from crawler.extract.page import default_profile  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
DATASETS = ("aeb", "cwced", "trafilatura-eval", "gne-pages")
#: Every page is "fetched" at this instant, so that dumps of two runs compare equal.
FETCHED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def load_pages(every: int) -> list[tuple[str, str, bytes]]:
    """(page id, url, bytes) of every ``every``-th dev page of each dataset."""
    pages = []
    for dataset in DATASETS:
        records_path = EVAL / dataset / ("items.json" if dataset == "gne-pages" else "ground-truth.json")
        records = json.loads(records_path.read_text(encoding="utf-8"))
        ids = (EVAL / dataset / "dev.txt").read_text(encoding="utf-8").split()
        for item_id in ids[::every]:
            record = records.get(item_id, {})
            url = record.get("url") or record.get("url_hint") or ""
            url = url if url.startswith("http") else f"http://{dataset}.example/{item_id}.html"
            with gzip.open(EVAL / dataset / "html" / f"{item_id}.html.gz", "rb") as handle:
                pages.append((f"{dataset}/{item_id}", url, handle.read()))
    return pages


def ours(url: str, data: bytes) -> dict[str, Any]:
    article = extract_page(Page(url=url, body=data, fetched_at=FETCHED_AT), default_profile(url))
    return article.to_dict()


def plain(url: str, data: bytes) -> None:
    with contextlib.suppress(ValueError, TypeError):
        trafilatura.bare_extraction(decode_html(data).text, url=url, with_metadata=True)


def timed_round(pages: list[tuple[str, str, bytes]]) -> tuple[float, float]:
    """CPU seconds of (ours, plain trafilatura) over the pages."""
    spent = [0.0, 0.0]
    for _, url, data in pages:
        for slot, run in enumerate((ours, plain)):
            start = time.process_time()
            run(url, data)
            spent[slot] += time.process_time() - start
    return spent[0], spent[1]


def comparable(article: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(article, default=str, ensure_ascii=False, sort_keys=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=int, default=2, help="take every N-th dev page of each dataset")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds after the warm-up")
    parser.add_argument("--dump", help="write our articles (JSON lines) to this file")
    parser.add_argument("--compare", help="report the pages whose article differs from this dump")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)
    if not EVAL.is_dir():
        raise SystemExit(
            f"evaluation pages not found at {EVAL} (expected ../shared/eval next to the repository)"
        )
    pages = load_pages(max(1, args.every))

    articles = {page_id: comparable(ours(url, data)) for page_id, url, data in pages}  # warm-up
    for _, url, data in pages[:20]:
        plain(url, data)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as handle:
            for page_id, article in articles.items():
                handle.write(json.dumps({"id": page_id, "article": article}, ensure_ascii=False) + "\n")
    differing = 0
    if args.compare:
        with open(args.compare, encoding="utf-8") as handle:
            before = {row["id"]: row["article"] for row in map(json.loads, handle)}
        for page_id, article in articles.items():
            old = before.get(page_id)
            if old != article:
                differing += 1
                fields = sorted(
                    k for k in set(article) | set(old or {}) if (old or {}).get(k) != article.get(k)
                )
                print(f"differs: {page_id}: {', '.join(fields)}")
        print(f"{differing} of {len(articles)} pages differ from {args.compare}")

    figures: dict[str, Any] = {"pages": len(pages), "rounds": args.rounds, "differing": differing}
    if args.rounds > 0:
        totals = [timed_round(pages) for _ in range(args.rounds)]
        ours_s = min(t[0] for t in totals) / len(pages)
        plain_s = min(t[1] for t in totals) / len(pages)
        figures.update(ours_cpu_s_per_page=ours_s, trafilatura_cpu_s_per_page=plain_s, ratio=ours_s / plain_s)
        print(f"{len(pages)} pages, best of {args.rounds} rounds, CPU seconds per page:")
        print(f"  newsarchive extract_page           {ours_s:.4f}")
        print(f"  trafilatura.bare_extraction        {plain_s:.4f}")
        print(f"  ratio (ours / plain trafilatura)   {ours_s / plain_s:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
