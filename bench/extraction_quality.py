"""Extraction quality on the shared evaluation pages: our extractor and plain trafilatura, side by side.

Reads ``../shared/eval/`` (next to the repository), runs on every dev page of every dataset:

- ``trafilatura raw``: ``trafilatura.extract(page_bytes)`` with defaults (the README baseline),
  metadata from ``bare_extraction(page_bytes, with_metadata=True)``;
- ``trafilatura decoded``: the same on the text decoded by our ``decode_html``;
- ``newsarchive``: ``extract_page`` (decode + extraction + cleaning), default profile per host;

and prints per dataset: text P/R/F1 (``score.py``: token metric for aeb/cwced, snippet metric
for trafilatura-eval), date accuracy (``--match date``), author accuracy (``score.py`` exact,
and "names": the same set of names, gold split on spaces/、/commas, because the gold joins
several authors with spaces on some pages and 、 on others), and leaks: pages whose text
still holds a disclaimer/copyright/editor line that the gold does not have.

cwced's gold credits the editor or the photographer when a page names no author (编辑：李楠 ->
author 李楠), so the author prediction of a system is its authors, else its editors, else its
photographers (trafilatura has neither).

Two views of every per-page figure (text F1; for trafilatura-eval the share of its snippets
right per page; date; author names): **pooled** (mean over pages) and **leave-one-site-out**
(each site in turn held out and scored on its own pages; the figure is the mean over sites, so
a site with many dev pages counts once, as one unseen site would). Sites are the dataset's
``groups.json``, else the page URL's host. For dates, each ``date_source`` is listed with the
pages it decided and on how many sites it was right or wrong: a rule that helps only on the
site it was written for shows up as right on one site.

``--misses`` lists each wrong headline, date, authors, editors and source (hand labels, and
trafilatura-eval's own gold) with the winning candidate and the candidate equal to the gold,
read from the choices ``newsarchive extract --explain`` prints: *not found* or *out-ranked*.

    python bench/extraction_quality.py                  # all datasets, ~3 minutes
    python bench/extraction_quality.py -d cwced --per-item --groups
    python bench/extraction_quality.py -d cwced,gne-pages,trafilatura-eval --ours-only --misses
    python bench/extraction_quality.py -d aeb,cwced --quick   # without trafilatura decoded
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib.util
import io
import json
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.extract import Page, decode_html  # noqa: E402
from crawler.extract.explain import candidate_record, explain_page, winner  # noqa: E402
from crawler.extract.page import default_profile  # noqa: E402

if TYPE_CHECKING:
    from crawler.extract.evidence import Candidate, Choice

SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
DATASETS = ("aeb", "cwced", "trafilatura-eval", "gne-pages")
SYSTEMS = ("trafilatura raw", "trafilatura decoded", "newsarchive")

#: Phrases whose presence in the output (and absence from the gold) counts as a leak. Kept here,
#: independent of the extractor's own rules, so the bench checks rather than repeats them.
LEAK_RE = re.compile(
    r"免责声明|凡本网注明|版权所有|版权声明|转载请注明|未经授权|不得转载|禁止转载|不代表本网|ICP备|"
    r"违法和不良信息举报|责任编辑|(?<![\w])编辑\s*[:：]|Copyright|©"
)
_NAME_SPLIT_RE = re.compile(r"[\s、,，;；/]+|\band\b")


def load_score() -> Any:
    """score.py from the shared folder, imported (not copied)."""
    spec = importlib.util.spec_from_file_location("eval_score", EVAL / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {EVAL / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold(dataset: str) -> dict[str, dict[str, Any]]:
    path = EVAL / dataset / ("items.json" if dataset == "gne-pages" else "ground-truth.json")
    return json.loads(path.read_text(encoding="utf-8"))


def page_url(dataset: str, item_id: str, record: dict[str, Any]) -> str:
    url = record.get("url") or record.get("url_hint")
    return url if url and url.startswith("http") else f"http://{dataset}.example/{item_id}.html"


def run_trafilatura(data: bytes | str) -> dict[str, Any]:
    text = trafilatura.extract(data) or ""
    try:
        meta = trafilatura.bare_extraction(data, with_metadata=True)
    except (ValueError, TypeError):
        meta = None
    author = getattr(meta, "author", None) or ""
    return {
        "text": text,
        "author": author,
        "title": getattr(meta, "title", None) or "",
        "date": getattr(meta, "date", None) or "",
        "people": [n.strip() for n in re.split(r"[;,]", author) if n.strip()],
    }


def shown_date(article: Any) -> str:
    """The published date as the archive states it: ISO, or "YYYY-MM" when only the month is known."""
    if article.published_at is None:
        return ""
    return (
        article.published_at.strftime("%Y-%m")
        if article.date_precision == "month"
        else article.published_at.isoformat()
    )


#: Datasets whose gold credits the editor, or the photographer, when a page names no author.
CREDITS_ANYONE = frozenset({"cwced"})


def run_ours(data: bytes, url: str, dataset: str = "") -> dict[str, Any]:
    article, choices = explain_page(Page(url=url, body=data), default_profile(url))
    people = article.authors
    if dataset in CREDITS_ANYONE:
        people = article.authors or article.editors or article.photographers
    return {
        "text": article.text,
        "title": article.title or "",
        "author": " ".join(people),
        "authors": people,
        "people": article.authors,
        "editors": article.editors,
        "source": article.source or "",
        "date": shown_date(article),
        "date_source": article.date_source,
        "author_source": article.author_source,
        "title_source": article.title_source,
        "quality": article.quality,
        "_choices": choices,
    }


def predict(
    dataset: str, ids: list[str], records: dict[str, dict[str, Any]], systems: tuple[str, ...] = SYSTEMS
) -> dict[str, dict[str, dict]]:
    preds: dict[str, dict[str, dict]] = {s: {} for s in systems}
    for item_id in ids:
        with gzip.open(EVAL / dataset / "html" / f"{item_id}.html.gz", "rb") as handle:
            data = handle.read()
        if "trafilatura raw" in preds:
            preds["trafilatura raw"][item_id] = run_trafilatura(data)
        if "trafilatura decoded" in preds:
            preds["trafilatura decoded"][item_id] = run_trafilatura(decode_html(data).text)
        url = page_url(dataset, item_id, records.get(item_id, {}))
        preds["newsarchive"][item_id] = run_ours(data, url, dataset)
    return preds


def metadata_gold() -> dict[str, dict[str, dict[str, Any]]]:
    """dataset -> id -> hand labels (title, published, authors, editors, source) of METADATA-GOLD.md."""
    path = EVAL / "metadata-gold.json"
    labels = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    by_dataset: dict[str, dict[str, dict[str, Any]]] = {}
    for key, value in labels.items():
        dataset, _, item_id = key.partition("/")
        by_dataset.setdefault(dataset, {})[item_id] = value
    return by_dataset


def _exact(value: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "").lower())


def _same_day(want: str | None, got: str | None) -> bool:
    """The gold's day (or month, for a magazine issue 'YYYY-MM') is the prediction's, as printed."""
    want, got = (want or "").strip(), (got or "").strip()
    if len(want) == 7:  # YYYY-MM
        return got[:7] == want
    return got[:10] == want[:10]


def same(name: str, want: Any, got: Any) -> bool:
    """A predicted (or candidate) value of a metadata field is the gold's, as the bench scores it."""
    if isinstance(got, datetime):
        got = got.isoformat()
    if name in ("title", "source"):
        return _exact(want) == _exact(got)
    if name == "date":
        return _same_day(want, got)
    return names(want) == names(got)


#: Metadata fields scored against METADATA-GOLD.md labels, and for trafilatura-eval its own gold.
META_FIELDS = ("title", "date", "authors", "editors", "source")


def metadata_hits(
    dataset: str, ids: list[str], records: dict[str, dict[str, Any]], pred: dict[str, dict]
) -> dict[str, dict[str, tuple[bool, Any, Any]]]:
    """field -> id -> (hit, gold, prediction) for every page with a label for that field.

    Predictions without a field (trafilatura has no editors or source) give no entry.
    """
    hand = metadata_gold().get(dataset, {})
    out: dict[str, dict[str, tuple[bool, Any, Any]]] = {f: {} for f in META_FIELDS}
    for item_id in ids:
        p = pred[item_id]
        if item_id in hand:
            label = hand[item_id]
            wants = {
                "title": label.get("title"),
                "date": label.get("published"),
                "authors": label.get("authors"),
                "editors": label.get("editors"),
                "source": label.get("source") or "",
            }
        elif dataset == "trafilatura-eval":
            record = records.get(item_id, {})
            wants = {"title": record.get("title") or None}
        else:
            continue
        for name, want in wants.items():
            if want is None or (name in ("editors", "source") and name not in p):
                continue
            got = p.get("people" if name == "authors" else name)
            out[name][item_id] = (same(name, want, got), want, got)
    return {k: v for k, v in out.items() if v}


def wrong_fields(dataset: str, row: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """(field, id, gold, ours) of every wrong field of our row: the hand labels' fields, and for
    trafilatura-eval its own title/date/author gold."""
    wrong = [
        (label.removeprefix("meta "), item_id, want, got)
        for label, per_page in row.get("_meta", {}).items()
        for item_id, (hit, want, got) in per_page.items()
        if not hit
    ]
    if dataset == "trafilatura-eval":
        wrong += [("date", i["id"], i["gt"], i["pred"]) for i in row.get("_date_items", []) if not i["match"]]
        wrong += [("authors", i, want, got) for i, want, got in row.get("_author_misses", [])]
    return wrong


def miss_kind(name: str, want: Any, got: Any, choice: Choice | None) -> tuple[str, Candidate | None]:
    """Why a field is wrong, and the candidate equal to the gold (the best-scoring one) if any.

    ``not found``: no candidate is the gold; ``out-ranked``: one is, another won; ``refused``: the
    only ones that are were refused; ``altered``: the gold's candidate won but the value stored
    differs (a poster added to the authors ...); ``gold empty``: the page credits nobody. Editors
    and source keep no candidates: ``not found`` when we have none, else ``other value``.
    """
    if choice is None:
        return ("other value" if got else "not found"), None
    if not want:
        return "gold empty", None
    matching = [c for c in choice.candidates if same(name, want, c.value)]
    if not matching:
        return "not found", None
    best = max(matching, key=lambda c: (not c.refused, c.score or c.weight))
    if best.refused:
        return "refused", best
    return ("altered" if best is winner(choice) else "out-ranked"), best


def misses(dataset: str, row: dict[str, Any], preds: dict[str, dict]) -> list[dict[str, Any]]:
    """Every wrong field of our extraction with its evidence: the winner and the gold's candidate."""
    out = []
    for name, item_id, want, got in wrong_fields(dataset, row):
        choice = preds[item_id]["_choices"].get(name)
        kind, found = miss_kind(name, want, got, choice)
        won = winner(choice) if choice else None
        out.append(
            {
                "dataset": dataset,
                "id": item_id,
                "field": name,
                "kind": kind,
                "gold": want,
                "ours": got,
                "why": choice.reason if choice else "",
                "winner": candidate_record(won) if won else None,
                "gold_candidate": candidate_record(found) if found else None,
            }
        )
    return out


#: Characters of an element path printed (its end: the element and its parents).
PATH_SHOWN = 70


def print_misses(found: list[dict[str, Any]]) -> None:
    for miss in found:
        print(f"    miss {miss['field']:8} {miss['dataset']}/{miss['id'][:16]} [{miss['kind']}]")
        print(f"      gold={miss['gold']!r} ours={miss['ours']!r}")
        for label in ("winner", "gold_candidate"):
            if miss[label]:
                c = miss[label]
                refused = f" REFUSED: {c['refused']}" if c["refused"] else ""
                print(
                    f"      {label:14} {c['score']:5.2f} {c['source']:15} {c['value']!r}"
                    f" at {c['path'][-PATH_SHOWN:] or '-'} from {c['evidence']!r}{refused}"
                )
        if miss["why"]:
            print(f"      why: {miss['why']}")


def miss_summary(found: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """field -> kind -> pages."""
    tally: dict[str, Counter[str]] = {}
    for miss in found:
        tally.setdefault(miss["field"], Counter())[miss["kind"]] += 1
    return {name: dict(kinds.most_common()) for name, kinds in tally.items()}


def site_groups(dataset: str, ids: list[str], records: dict[str, dict[str, Any]]) -> dict[str, str]:
    """id -> site: groups.json where the dataset has one, else the host of the page's URL."""
    path = EVAL / dataset / "groups.json"
    known = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return {
        i: known.get(i) or urlsplit(page_url(dataset, i, records.get(i, {}))).hostname or "?" for i in ids
    }


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def page_scores(dataset: str, row: dict[str, Any], ids: list[str]) -> dict[str, dict[str, float]]:
    """Per page, every figure that is a mean over pages (text F1, date, author names)."""
    scores: dict[str, dict[str, float]] = {}
    if "_per_item" in row:
        scores["F1"] = {i["id"]: i["f1"] for i in row["_per_item"]}
    elif "_snippets" in row:  # snippet F1 is a corpus figure: per page, the share of snippets right
        scores["snippets"] = {
            i["id"]: (i["tp"] + i["tn"]) / max(1, i["tp"] + i["tn"] + i["fp"] + i["fn"])
            for i in row["_snippets"]
        }
    if "_date_items" in row:
        scores["date"] = {i["id"]: float(i["match"]) for i in row["_date_items"]}
    if "_author_hits" in row:
        scores["author names"] = row["_author_hits"]
    for label, per_page in row.get("_meta", {}).items():
        scores[label] = {i: float(hit) for i, (hit, _, _) in per_page.items()}
    return scores


def leave_one_site_out(groups: dict[str, str], scores: dict[str, dict[str, float]]) -> dict[str, dict]:
    """For each figure: pooled (mean over pages) and leave-one-site-out (mean over held-out sites).

    Leave one site out: every site in turn is the held-out one and is scored on its own pages;
    the figure is the mean over sites, so a site with many dev pages counts once, as one unseen
    site would. ``worst`` lists the held-out sites that score lowest.
    """
    out: dict[str, dict] = {}
    for name, per_page in scores.items():
        by_site: dict[str, list[float]] = {}
        for item_id, value in per_page.items():
            by_site.setdefault(groups.get(item_id, "?"), []).append(value)
        site_means = {site: _mean(values) for site, values in by_site.items()}
        out[name] = {
            "pooled": _mean(list(per_page.values())),
            "loso": _mean(list(site_means.values())),
            "sites": len(site_means),
            "worst": sorted(site_means.items(), key=lambda kv: kv[1])[:5],
        }
    return out


def rule_sources(
    groups: dict[str, str], items: list[dict[str, Any]], preds: dict[str, dict], key: str
) -> dict[str, dict]:
    """Per source (``date_source``/``author_source``): pages it decided, right ones, and on how
    many sites it was right / wrong.

    A source that is right only on the site it was written for shows as right on one site.
    """
    tally: dict[str, dict[str, Any]] = {}
    for item in items:
        source = preds[item["id"]].get(key) or "(none)"
        entry = tally.setdefault(source, {"pages": 0, "right": 0, "sites_right": set(), "sites_wrong": set()})
        entry["pages"] += 1
        entry["right"] += int(item["match"])
        (entry["sites_right"] if item["match"] else entry["sites_wrong"]).add(groups.get(item["id"], "?"))
    return {
        k: {**v, "sites_right": len(v["sites_right"]), "sites_wrong": len(v["sites_wrong"])}
        for k, v in sorted(tally.items(), key=lambda kv: -kv[1]["pages"])
    }


def score_with(score: Any, dataset: str, preds: dict[str, dict], *extra: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "preds.jsonl"
        path.write_text(
            "".join(
                json.dumps(
                    {"id": i, **{k: v for k, v in p.items() if not k.startswith("_")}},
                    ensure_ascii=False,
                    default=str,
                )
                + "\n"
                for i, p in preds.items()
            ),
            encoding="utf-8",
        )
        args = [
            str(EVAL / dataset / "ground-truth.json"),
            str(path),
            "--ids",
            str(EVAL / dataset / "dev.txt"),
            *extra,
        ]
        with contextlib.redirect_stdout(io.StringIO()):
            return score.main(args)


def names(value: str | list[str] | None) -> set[str]:
    if isinstance(value, list):
        value = " ".join(value)
    value = unicodedata.normalize("NFKC", value or "").lower()
    if value.strip() == "unknown":
        return set()
    return {n for n in _NAME_SPLIT_RE.split(value) if n}


def leaks(dataset: str, preds: dict[str, dict], records: dict[str, dict[str, Any]]) -> list[str]:
    leaked = []
    for item_id, pred in preds.items():
        gold_text = records.get(item_id, {}).get("articleBody", "")
        found = {m.group(0) for m in LEAK_RE.finditer(pred["text"] or "")}
        if any(phrase not in gold_text for phrase in found):
            leaked.append(item_id)
    return leaked


def evaluate(
    dataset: str,
    score: Any,
    per_item: bool,
    groups: bool,
    systems: tuple[str, ...] = SYSTEMS,
    show_misses: bool = False,
) -> dict[str, dict[str, Any]]:
    records = gold(dataset)
    ids = (EVAL / dataset / "dev.txt").read_text(encoding="utf-8").split()
    started = time.perf_counter()
    preds = predict(dataset, ids, records, systems)
    elapsed = time.perf_counter() - started
    results: dict[str, dict[str, Any]] = {}
    for system, system_preds in preds.items():
        row: dict[str, Any] = {"leaks": len(leaks(dataset, system_preds, records))}
        if dataset != "gne-pages":
            text = score_with(score, dataset, system_preds, *(("--aeb-compat",) if dataset == "aeb" else ()))
            if text["mode"] == "snippets":
                row.update(P=text["precision"], R=text["recall"], F1=text["f1"])
                row["_snippets"] = text["per_item"]
            else:
                row.update(
                    P=text["macro"]["precision"],
                    R=text["macro"]["recall"],
                    F1=text["macro"]["f1"],
                    microF1=text["micro"]["f1"],
                )
                if "aeb_compat" in text:  # article-extraction-benchmark's own metric
                    row["aeb-compat F1"] = text["aeb_compat"]["f1"]
                row["_per_item"] = text["per_item"]
        has_meta = dataset in ("cwced", "trafilatura-eval")
        if has_meta:
            row["date"] = score_with(score, dataset, system_preds, "--field", "date", "--match", "date")[
                "accuracy"
            ]
            row["_date_items"] = score_with(
                score, dataset, system_preds, "--field", "date", "--match", "date"
            )["per_item"]
            exact = score_with(score, dataset, system_preds, "--field", "author", "--match", "exact")
            row["author exact"] = exact["accuracy"]
            scored = [i for i in ids if records[i].get("author") is not None]
            hits = [i for i in scored if names(records[i]["author"]) == names(system_preds[i]["author"])]
            row["author names"] = len(hits) / len(scored) if scored else 0.0
            row["_author_hits"] = {i: float(i in hits) for i in scored}
            row["_author_misses"] = [
                (i, records[i]["author"], system_preds[i]["author"]) for i in scored if i not in hits
            ]
        meta = metadata_hits(dataset, ids, records, system_preds)
        for name, per_page in meta.items():
            label = name if name not in row else f"meta {name}"
            row[label] = _mean([float(hit) for hit, _, _ in per_page.values()])
            row.setdefault("_meta", {})[label] = per_page
        row["_leaked"] = leaks(dataset, system_preds, records)
        results[system] = row
    site_of = site_groups(dataset, ids, records)
    for row in results.values():
        row["_sites"] = site_of
        row["_loso"] = leave_one_site_out(site_of, page_scores(dataset, row, ids))
    ours = results["newsarchive"]
    if "_date_items" in ours:
        ours["_date_sources"] = rule_sources(
            site_of, ours["_date_items"], preds["newsarchive"], "date_source"
        )
        author_items = [{"id": i, "match": bool(v)} for i, v in ours["_author_hits"].items()]
        ours["_author_sources"] = rule_sources(site_of, author_items, preds["newsarchive"], "author_source")
    ours["_misses"] = misses(dataset, ours, preds["newsarchive"])
    print_table(dataset, len(ids), elapsed, results)
    print_loso(results)
    if show_misses and ours.get("_misses"):
        print_misses(ours["_misses"])
    if ours.get("_misses"):
        print(f"  misses by kind: {miss_summary(ours['_misses'])}")
    if per_item:
        print_items(dataset, preds, results, records)
    if groups and "_per_item" in results["newsarchive"]:
        print_groups(dataset, results)
    return results


def print_loso(results: dict[str, dict[str, Any]]) -> None:
    systems = list(results)
    ours = results["newsarchive"]["_loso"]
    if not ours:
        return
    sites = max(v["sites"] for v in ours.values())
    print(f"  pooled (mean over pages) | leave-one-site-out (mean over {sites} held-out sites)")
    for name in ours:
        cells = []
        for system in systems:
            figure = results[system]["_loso"].get(name)
            cells.append(f"{figure['pooled']:.3f} | {figure['loso']:.3f}" if figure else "")
        print(f"  {name:14}" + "".join(f"{c:>22}" for c in cells))
    for what in ("date", "author"):
        for source, entry in results["newsarchive"].get(f"_{what}_sources", {}).items():
            print(
                f"    {what} from {source:16} pages={entry['pages']:3} right={entry['right']:3} "
                f"sites right={entry['sites_right']:3} wrong={entry['sites_wrong']:3}"
            )


def print_pooled_metadata(heading: str, by_dataset: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """The hand-labelled metadata of several datasets as one set: pooled and leave-one-site-out."""
    systems = list(next(iter(by_dataset.values())))
    figures: dict[str, Any] = {}
    for system in systems:
        groups: dict[str, str] = {}
        scores: dict[str, dict[str, float]] = {}
        for dataset, results in by_dataset.items():
            row = results[system]
            for label, per_page in row.get("_meta", {}).items():
                field = label.removeprefix("meta ")
                for item_id, (hit, _, _) in per_page.items():
                    scores.setdefault(field, {})[f"{dataset}/{item_id}"] = float(hit)
            groups.update({f"{dataset}/{i}": f"{dataset}/{s}" for i, s in row["_sites"].items()})
        figures[system] = leave_one_site_out(groups, scores)
    pages = max((v["sites"] for v in figures["newsarchive"].values()), default=0)
    print(f"\n{heading}: pooled | leave-one-site-out ({pages} sites)")
    print(f"  {'':14}" + "".join(f"{s:>22}" for s in systems))
    for field in META_FIELDS:
        cells = []
        for system in systems:
            figure = figures[system].get(field)
            cells.append(f"{figure['pooled']:.3f} | {figure['loso']:.3f}" if figure else "-")
        print(f"  {field:14}" + "".join(f"{c:>22}" for c in cells))
    return figures


def print_table(dataset: str, n: int, elapsed: float, results: dict[str, dict[str, Any]]) -> None:
    keys = [k for k in results["newsarchive"] if not k.startswith("_")]
    systems = list(results)
    print(f"\n{dataset} ({n} dev pages, {elapsed:.0f}s)")
    print(f"  {'':14}" + "".join(f"{s:>22}" for s in systems))
    for key in keys:
        cells = []
        for system in systems:
            value = results[system].get(key)
            cells.append(f"{value:>22.3f}" if isinstance(value, float) else f"{value!s:>22}")
        print(f"  {key:14}" + "".join(cells))


def print_items(dataset: str, preds: dict, results: dict, records: dict) -> None:
    ours = results["newsarchive"]
    for item in sorted(ours.get("_per_item", []), key=lambda r: r["f1"])[:12]:
        print(
            f"    text {item['id'][:12]} F1={item['f1']:.3f} "
            f"P={item['precision']:.3f} R={item['recall']:.3f} "
            f"method={preds['newsarchive'][item['id']]['quality'].get('method')}"
        )
    theirs = {i["id"]: i for i in results.get("trafilatura raw", {}).get("_date_items", [])}
    for item in ours.get("_date_items", []):
        if not item["match"]:
            note = " (trafilatura right)" if theirs.get(item["id"], {}).get("match") else ""
            print(f"    date {item['id'][:12]} gold={item['gt']!r} ours={item['pred']!r}{note}")
    for item_id, want, got in ours.get("_author_misses", []):
        print(f"    author {item_id[:12]} gold={want!r} ours={got!r}")
    theirs_meta = results.get("trafilatura raw", {}).get("_meta", {})
    for label, per_page in ours.get("_meta", {}).items():
        key = label.removeprefix("meta ")
        for item_id, (hit, want, got) in per_page.items():
            if hit:
                continue
            pred = preds["newsarchive"][item_id]
            evidence = pred.get(f"{key.rstrip('s')}_source") or pred.get(f"{key}_source") or ""
            other = theirs_meta.get(label, {}).get(item_id)
            note = f" trafilatura={other[2]!r}{' (right)' if other[0] else ''}" if other else ""
            print(f"    {label} {item_id[:12]} gold={want!r} ours={got!r} [{evidence}]{note}")
    for item_id in ours["_leaked"]:
        found = sorted({m.group(0) for m in LEAK_RE.finditer(preds["newsarchive"][item_id]["text"])})
        print(f"    leak {item_id[:16]} {found}")


def print_groups(dataset: str, results: dict) -> None:
    groups = json.loads((EVAL / dataset / "groups.json").read_text(encoding="utf-8"))
    by_group: dict[str, list[float]] = {}
    for item in results["newsarchive"]["_per_item"]:
        by_group.setdefault(groups.get(item["id"], "?"), []).append(item["f1"])
    means = [sum(v) / len(v) for v in by_group.values()]
    print(f"  site-grouped macro F1 (mean of {len(means)} site means): {sum(means) / len(means):.3f}")
    for group, values in sorted(by_group.items(), key=lambda kv: sum(kv[1]) / len(kv[1]))[:8]:
        print(f"    {group:28} n={len(values)} F1={sum(values) / len(values):.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--datasets", default=",".join(DATASETS), help="comma-separated subset")
    parser.add_argument("--per-item", action="store_true", help="print our worst items, misses and leaks")
    parser.add_argument(
        "--misses",
        action="store_true",
        help="list each wrong headline/date/authors/editors/source with the winner's and the gold's evidence",
    )
    parser.add_argument("--groups", action="store_true", help="print site-grouped F1 (groups.json)")
    parser.add_argument("--json", help="write all figures to this file")
    parser.add_argument(
        "--quick", action="store_true", help="newsarchive and trafilatura raw only (skip trafilatura decoded)"
    )
    parser.add_argument("--ours-only", action="store_true", help="newsarchive only (while tuning)")
    args = parser.parse_args(argv)
    if not EVAL.is_dir():
        print(
            f"no evaluation data at {EVAL} (expected ../shared/eval next to the repository)", file=sys.stderr
        )
        return 2
    import logging

    logging.disable(logging.WARNING)  # trafilatura logs every page it finds little on
    score = load_score()
    everything = {}
    chinese: dict[str, dict[str, dict[str, Any]]] = {}
    for dataset in args.datasets.split(","):
        systems = ("trafilatura raw", "newsarchive") if args.quick else SYSTEMS
        systems = ("newsarchive",) if args.ours_only else systems
        results = evaluate(dataset, score, args.per_item, args.groups, systems, args.misses)
        if dataset in ("cwced", "gne-pages"):
            chinese[dataset] = results
        everything[dataset] = {
            s: {
                **{k: v for k, v in r.items() if not k.startswith("_")},
                "leave_one_site_out": r["_loso"],
                **({"date_sources": r["_date_sources"]} if "_date_sources" in r else {}),
                **({"author_sources": r["_author_sources"]} if "_author_sources" in r else {}),
                **(
                    {"misses": r["_misses"], "miss_kinds": miss_summary(r["_misses"])}
                    if "_misses" in r
                    else {}
                ),
            }
            for s, r in results.items()
        }
    if {"cwced", "gne-pages"} <= set(everything):
        everything["chinese metadata"] = print_pooled_metadata(
            "Chinese metadata (cwced + gne-pages, hand labels)", chinese
        )
    if args.json:
        Path(args.json).write_text(json.dumps(everything, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
