"""Reprint detection: quality on republished eval pages, candidates compared, and clustering at scale.

**quality** (default): every dev page of ``../shared/eval`` (read at run time, never copied)
is extracted by our extractor; each article is then republished 0-5 times (seeded) as a new
HTML page on another portal's chrome, each copy with some of: an edited headline, its last
paragraph cut, an editor's note added, traditional script (OpenCC s2t). The copies are
extracted again by the same extractor, so what is compared is what a crawl would store. The
other articles (from the same site group: same topic, same boilerplate leaks) are the
negatives. Pairwise precision and recall: a pair of articles is predicted together when
they get the same story, truly together when one is a copy of the other (or both copies of
one article). Candidates, each on the same texts:

- ``newsarchive``: the production path (crawler/stories: rensa MinHash, 32x4 LSH bands,
  verified against the story's first copy), with its SQLite state;
- ``datasketch``: datasketch MinHash (128) + MinHashLSH (threshold 0.3) on the same shingles;
- ``simhash``: the simhash library (64 bits over the same shingles), SimhashIndex k=3 and k=8.

**scale** (``--scale 10000 50000 100000``): generated articles (sentences from the eval
articles' vocabulary of 5-grams would copy data, so: random sentences from a fixed word list,
as bench/search.py does) with 0-5 reprints each, clustered through the production path in
arrival order; articles/s, peak RSS of this process sampled every 20 ms, and precision and
recall, per size.

    python bench/reprints.py --json reprints.json
    python bench/reprints.py --scale 10000 50000 100000 --json reprints-scale.json
"""

from __future__ import annotations

import argparse
import gzip
import html
import itertools
import json
import math
import os
import random
import sys
import tempfile
import time
from array import array
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extraction_quality import DATASETS, EVAL, gold, page_url  # noqa: E402
from search import _chinese, peak_rss  # noqa: E402

from crawler.derived.signature import MIN_SHINGLES, shingles, signature  # noqa: E402
from crawler.extract import Page, extract_page  # noqa: E402
from crawler.extract.page import default_profile  # noqa: E402
from crawler.stories.clusters import assign  # noqa: E402
from crawler.stories.state import LocalStories  # noqa: E402

NOTES_ZH = [
    "编者按：本文转载自{src}，内容有删节，观点仅代表作者本人。",
    "【编者按】{src}记者报道，本网经授权转发，略有改动。",
    "（本文来源：{src}，转载时有删改）",
]
NOTES_EN = [
    "Editor's note: This story was first published by {src} and has been edited for length.",
    "This article is republished from {src} under a content-sharing agreement.",
    "(Reporting by {src}; editing by our news desk. Updated to add context.)",
]
HEADLINE_ZH = ["{t}", "转载：{t}", "{t}（图）", "【关注】{t}", "{t}——来自{src}"]
HEADLINE_EN = ["{t}", "UPDATE: {t}", "{t} (report)", "{t} - {src}", "Analysis: {t}"]
SOURCES = ["新华社", "人民网", "大众日报", "齐鲁晚报", "Reuters", "AP", "Xinhua", "东营日报"]


@dataclass
class Item:
    key: str
    truth: str
    group: str
    title: str
    text: str
    changes: str = ""


def _is_chinese(text: str) -> bool:
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in text[:2000])
    return cjk > 0.2 * min(len(text), 2000)


def _chrome(n: int, title: str, paragraphs: list[str], zh: bool) -> str:
    """An article page on another portal's chrome (four templates)."""
    esc = html.escape
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    nav_words = (
        ["首页", "新闻", "国内", "国际", "财经", "体育", "图片"]
        if zh
        else ["Home", "News", "World", "Business", "Sport"]
    )
    nav = "".join(f'<a href="/c/{i}.html">{w}</a> ' for i, w in enumerate(nav_words))
    related = "".join(
        f'<li><a href="/r/{n}/{i}.html">{"相关新闻" if zh else "Related story"} {i}</a></li>'
        for i in range(8)
    )
    footer = (
        "版权所有 © 2026 示例转载网 未经授权禁止转载 ICP备12345678号"
        if zh
        else "Copyright © 2026 Example Syndicate. All rights reserved."
    )
    head = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)}</title></head><body>'
    if n == 0:
        main = f'<div class="article"><h1>{esc(title)}</h1><div class="content">{body}</div></div>'
        page = f'<div class="nav">{nav}</div>{main}<div class="side"><ul>{related}</ul></div>'
    elif n == 1:
        main = f"<article><header><h1>{esc(title)}</h1></header><section>{body}</section></article>"
        page = f"<header><nav>{nav}</nav></header><main>{main}</main><aside><ol>{related}</ol></aside>"
    elif n == 2:
        main = f'<td class="main"><h2 class="title">{esc(title)}</h2><div id="zoom">{body}</div></td>'
        page = f'<table><tr><td colspan="2">{nav}</td></tr><tr>{main}<td><ul>{related}</ul></td></tr></table>'
    else:
        share = "分享到：微信 微博 QQ空间" if zh else "Share: Facebook Twitter Email"
        main = (
            f'<div id="main"><h1>{esc(title)}</h1><div class="share">{share}</div>'
            f'<div class="text">{body}</div></div>'
        )
        page = f'<div id="top">{nav}</div><div id="left"><ul>{related}</ul></div>{main}'
    return f'{head}{page}<div class="footer"><p>{footer}</p></div></body></html>'


def _republish(title: str, text: str, rng: random.Random, n: int) -> tuple[str, str]:
    """One reprint of an article: (HTML, what changed)."""
    from crawler.extract.script import _converter

    def to_traditional(value: str) -> str:
        return _converter("s2t").convert(value)

    zh = _is_chinese(text)
    paragraphs = [p for p in text.split("\n") if p.strip()]
    changes = [f"chrome{n % 4}"]
    src = rng.choice(SOURCES)
    if rng.random() < 0.6:
        title = rng.choice(HEADLINE_ZH if zh else HEADLINE_EN).format(t=title, src=src)
        changes.append("headline")
    if len(paragraphs) >= 2 and rng.random() < 0.5:
        paragraphs = paragraphs[:-1]
        changes.append("cut")
    if rng.random() < 0.5:
        note = rng.choice(NOTES_ZH if zh else NOTES_EN).format(src=src)
        paragraphs = [note, *paragraphs] if rng.random() < 0.5 else [*paragraphs, note]
        changes.append("note")
    if zh and rng.random() < 0.4:
        title = to_traditional(title) or title
        paragraphs = [to_traditional(p) or p for p in paragraphs]
        changes.append("traditional")
    return _chrome(n % 4, title, paragraphs, zh), "+".join(changes)


def _extract(job: tuple[str, str, bytes]) -> tuple[str, str, str]:
    key, url, body = job
    article = extract_page(Page(url=url, body=body), default_profile(url))
    return key, article.title or "", article.text or ""


def generated_set(seed: int, limit: int | None) -> tuple[list[Item], dict[str, int]]:
    """The originals (extracted eval pages) and their reprints (extracted too), shuffled."""
    jobs = []
    groups: dict[str, str] = {}
    for dataset in DATASETS:
        records = gold(dataset)
        site_groups = json.loads((EVAL / dataset / "groups.json").read_text(encoding="utf-8"))
        for item_id in (EVAL / dataset / "dev.txt").read_text().split():
            with gzip.open(EVAL / dataset / "html" / f"{item_id}.html.gz", "rb") as page:
                body = page.read()
            key = f"{dataset}/{item_id}"
            groups[key] = f"{dataset}/{site_groups.get(item_id, item_id)}"
            jobs.append((key, page_url(dataset, item_id, records.get(item_id, {})), body))
    jobs = jobs[:limit] if limit else jobs
    workers = max(1, min(2, os.cpu_count() or 1))
    with ProcessPoolExecutor(workers) as pool:
        originals = [o for o in pool.map(_extract, jobs, chunksize=8) if signature(o[2]) is not None]
    rng = random.Random(seed)
    copy_jobs, changes, made = [], defaultdict(int), {}
    for key, title, text in originals:
        for n in range(rng.randint(0, 5)):
            page, change = _republish(title, text, rng, n)
            for part in change.split("+"):
                changes[part] += 1
            made[f"{key}#copy{n}"] = change
            copy_jobs.append(
                (f"{key}#copy{n}", f"http://reprint{n}.example/{abs(hash(key)) % 10**8}.html", page.encode())
            )
    with ProcessPoolExecutor(workers) as pool:
        copies = list(pool.map(_extract, copy_jobs, chunksize=8))
    items = [Item(k, k, groups[k], t, x) for k, t, x in originals]
    items += [Item(k, k.split("#")[0], groups[k.split("#")[0]], t, x, made[k]) for k, t, x in copies]
    rng.shuffle(items)
    changes["originals"] = len(originals)
    changes["copies"] = len(copies)
    changes["copies_without_signature"] = sum(signature(x) is None for _, _, x in copies)
    return items, dict(changes)


def pair_scores(items: list[Item], predicted: dict[str, str]) -> dict[str, Any]:
    """Pairwise precision and recall, and the false pairs within a site group (hard negatives)."""

    def pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
        clusters: dict[str, list[str]] = defaultdict(list)
        for key, label in labels.items():
            clusters[label].append(key)
        return {tuple(sorted(p)) for members in clusters.values() for p in itertools.combinations(members, 2)}

    truth = pairs({i.key: i.truth for i in items})
    found = pairs(predicted)
    hits = len(truth & found)
    group = {i.key: i.group for i in items}
    false = found - truth
    originals: dict[str, list[str]] = defaultdict(list)
    for item in items:
        if item.key == item.truth:
            originals[item.group].append(item.key)
    return {
        "negative_pairs_same_site_group": sum(len(v) * (len(v) - 1) // 2 for v in originals.values()),
        "precision": round(hits / len(found), 4) if found else 1.0,
        "recall": round(hits / len(truth), 4) if truth else 1.0,
        "true_pairs": len(truth),
        "predicted_pairs": len(found),
        "false_pairs": len(false),
        "false_pairs_same_site_group": sum(group[a] == group[b] for a, b in false),
        "missed_pairs": len(truth - found),
    }


def run_newsarchive(items: list[Item]) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as folder:
        state = LocalStories(Path(folder) / "stories.sqlite")
        with state.transaction():
            return {i.key: assign(state, i.key, signature(i.text)) for i in items}


def _online(items: list[Item], signed: Any, similar: Any, add: Any) -> dict[str, str]:
    """Cluster in arrival order: an article joins the story of the first earlier one found similar."""
    stories: dict[str, str] = {}
    for item in items:
        grams = shingles(item.text)
        if len(grams) < MIN_SHINGLES:
            stories[item.key] = item.key
            continue
        value = signed(grams)
        found = similar(value, stories)
        stories[item.key] = stories[min(found)] if found else item.key
        add(item.key, value)
    return stories


def run_datasketch(items: list[Item], verify: float = 0.0) -> dict[str, str]:
    """datasketch's MinHashLSH; with verify, a candidate joins at that Jaccard estimate to its first copy."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.3, num_perm=128)
    hashes: dict[str, Any] = {}

    def signed(grams: list[str]) -> Any:
        minhash = MinHash(num_perm=128, seed=1)
        minhash.update_batch([g.encode() for g in grams])
        return minhash

    def add(key: str, minhash: Any) -> None:
        hashes[key] = minhash
        lsh.insert(key, minhash)

    def similar(minhash: Any, stories: dict[str, str]) -> list[str]:
        return [key for key in lsh.query(minhash) if minhash.jaccard(hashes[stories[key]]) >= verify]

    return _online(items, signed, similar, add)


def run_simhash(items: list[Item], k: int) -> dict[str, str]:
    """The simhash library: 64 bits over the same 5-grams, near when at most k bits differ."""
    from simhash import Simhash, SimhashIndex

    index = SimhashIndex([], k=k)
    return _online(items, Simhash, lambda value, _: index.get_near_dups(value), index.add)


def quality(args: argparse.Namespace, out: dict[str, Any]) -> None:
    started = time.perf_counter()
    items, made = generated_set(args.seed, args.limit)
    print(f"generated set: {made} ({len(items)} articles, {time.perf_counter() - started:.0f} s)")
    out["quality"] = {"set": made, "articles": len(items), "candidates": {}}
    candidates = {
        "newsarchive": lambda: run_newsarchive(items),
        "datasketch": lambda: run_datasketch(items),
        "datasketch+verify": lambda: run_datasketch(items, 0.3),
        "simhash k=3": lambda: run_simhash(items, 3),
        "simhash k=8": lambda: run_simhash(items, 8),
    }
    print(
        f"{'candidate':<18} {'precision':>9} {'recall':>7} {'articles/s':>10}  "
        "false pairs (same site group) / missed"
    )
    for name, run in candidates.items():
        began = time.perf_counter()
        predicted = run()
        elapsed = time.perf_counter() - began
        scores = pair_scores(items, predicted)
        scores["articles_per_s"] = round(len(items) / elapsed, 1)
        out["quality"]["candidates"][name] = scores
        print(
            f"{name:<18} {scores['precision']:>9.4f} {scores['recall']:>7.4f} "
            f"{scores['articles_per_s']:>10.1f}  "
            f"{scores['false_pairs']} ({scores['false_pairs_same_site_group']}) / {scores['missed_pairs']}"
        )
    by_change: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    predicted = run_newsarchive(items)
    for item in items:
        for part in item.changes.split("+") if item.changes else ():
            by_change[part][0] += 1
            by_change[part][1] += predicted[item.key] == predicted[item.truth]
    found = {k: f"{v[1]}/{v[0]}" for k, v in sorted(by_change.items())}
    print(f"newsarchive: copies in their original's story, by change: {found}")
    out["quality"]["newsarchive_copies_with_original_by_change"] = found
    texts = [i.text for i in items]
    began = time.perf_counter()
    for text in texts:
        signature(text)
    out["quality"]["signature_ms_per_article"] = round((time.perf_counter() - began) / len(texts) * 1000, 3)
    print(f"signature alone: {out['quality']['signature_ms_per_article']} ms per article")


def _scale_stream(count: int, seed: int) -> Any:
    """(key, truth, text) of `count` generated articles: originals with 0-5 reprints each, roughly in order.

    Texts are bench/search.py's generated Chinese (sentences from one vocabulary: every pair of
    articles shares words, the hard negatives). Reprints are made on the text directly (no HTML
    round trip at this size): last paragraph cut, an editor's note, traditional script. A window
    of 500 is shuffled, so a copy may come before its original, as crawls meet them.
    """

    from crawler.extract.script import _converter

    rng = random.Random(seed)
    made = 0
    window: list[tuple[str, int, str]] = []
    original = 0
    while made < count:
        chars = int(math.exp(rng.uniform(math.log(300), math.log(3000))))
        text = _chinese(rng, chars)
        group = [(f"o{original}", original, text)]
        for n in range(rng.randint(0, 5)):
            paragraphs = text.split("\n")
            if len(paragraphs) >= 2 and rng.random() < 0.5:
                paragraphs = paragraphs[:-1]
            if rng.random() < 0.5:
                note = rng.choice(NOTES_ZH).format(src=rng.choice(SOURCES))
                paragraphs = [note, *paragraphs] if rng.random() < 0.5 else [*paragraphs, note]
            copy = "\n".join(paragraphs)
            if rng.random() < 0.3:
                copy = _converter("s2t").convert(copy)
            group.append((f"o{original}#copy{n}", original, copy))
        original += 1
        for item in group[: count - made]:
            window.append(item)
            made += 1
            if len(window) >= 500:
                yield window.pop(rng.randrange(len(window)))
    rng.shuffle(window)
    yield from window


SCALE_SITES = ("dongying", "dezhou", "dzwww", "binzhou", "liaocheng", "weifang")
SCALE_START = datetime(2026, 1, 1, tzinfo=UTC)


def _pairs(labels: list[int]) -> int:
    return sum(n * (n - 1) // 2 for n in Counter(labels).values())


def scale(args: argparse.Namespace, out: dict[str, Any]) -> None:
    """Cluster max(--scale) generated articles through the production path; figures at each size."""
    sizes = sorted(set(args.scale))
    truth = array("q")
    predicted = array("Q")
    checkpoints: list[dict[str, Any]] = []
    process = psutil.Process()
    sign_s = assign_s = 0.0
    with tempfile.TemporaryDirectory() as folder, peak_rss([os.getpid()]) as memory:
        state = LocalStories(Path(folder) / "stories.sqlite")
        batch: list[tuple[str, Any]] = []
        started = time.perf_counter()

        def flush() -> None:
            nonlocal assign_s
            began = time.perf_counter()
            with state.transaction():
                copies = []
                for key, found in batch:
                    story = assign(state, key, found)
                    predicted.append(int(story, 16))
                    site = SCALE_SITES[hash(key) % len(SCALE_SITES)]
                    when = SCALE_START + timedelta(minutes=len(predicted))
                    copies.append(
                        {"_id": key, "story": story, "site": site, "published_at": when, "url": key}
                    )
                state.record(copies)
            assign_s += time.perf_counter() - began
            batch.clear()

        for key, group, text in _scale_stream(sizes[-1], args.seed):
            began = time.perf_counter()
            found = signature(text)
            sign_s += time.perf_counter() - began
            truth.append(group)
            batch.append((key, found))
            if len(batch) >= 100:
                flush()
            if len(truth) in sizes:
                flush()
                elapsed = time.perf_counter() - started
                point = {
                    "articles": len(truth),
                    "elapsed_s": round(elapsed, 1),
                    "articles_per_s": round(len(truth) / elapsed),
                    "clustering_articles_per_s": round(len(truth) / (sign_s + assign_s)),
                    "signature_ms_per_article": round(sign_s / len(truth) * 1000, 3),
                    "assign_ms_per_article": round(assign_s / len(truth) * 1000, 3),
                    "rss_mb": round(process.memory_info().rss / 1e6),
                    "peak_rss_mb": round(memory[os.getpid()]["peak"] / 1e6),
                    "state_mb": round(sum(p.stat().st_size for p in Path(folder).iterdir()) / 1e6),
                    "load_average": round(os.getloadavg()[0], 1),
                }
                checkpoints.append(point)
                print(
                    f"{point['articles']:>7} articles: {point['articles_per_s']} articles/s with generation, "
                    f"{point['clustering_articles_per_s']} clustering "
                    f"(signature {point['signature_ms_per_article']} ms, assignment "
                    f"{point['assign_ms_per_article']} ms an article), RSS {point['rss_mb']} MB "
                    f"(peak {point['peak_rss_mb']} MB), state {point['state_mb']} MB",
                    flush=True,
                )
        began = time.perf_counter()
        listed = sum(1 for _ in state.reprinted())
        out["reprints_listing"] = {"stories": listed, "seconds": round(time.perf_counter() - began, 2)}
        print(
            f"`reprints` listing of the {listed} stories with copies: {out['reprints_listing']['seconds']} s"
        )
        state.close()
    for point in checkpoints:  # quality at each size, computed after the memory was measured
        n = point["articles"]
        labels = list(truth[:n])
        stories = list(predicted[:n])
        true_pairs, found_pairs = _pairs(labels), _pairs(stories)
        both = _pairs([hash((a, b)) for a, b in zip(labels, stories, strict=True)])
        point["precision"] = round(both / found_pairs, 4) if found_pairs else 1.0
        point["recall"] = round(both / true_pairs, 4) if true_pairs else 1.0
        point["true_pairs"], point["predicted_pairs"] = true_pairs, found_pairs
        print(f"{n:>7} articles: precision {point['precision']:.4f}, recall {point['recall']:.4f}")
    out["scale"] = checkpoints


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=25)
    parser.add_argument("--limit", type=int, help="only the first N eval pages (development)")
    parser.add_argument("--scale", type=int, nargs="*", help="cluster N generated articles (each size)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"load_average": os.getloadavg()}
    if args.scale:
        scale(args, out)
    else:
        quality(args, out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
