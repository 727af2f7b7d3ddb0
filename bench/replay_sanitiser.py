"""The replay sanitiser: nh3 (ammonia, what `newsarchive web` uses) against beautifulsoup4 + html5lib.

Both parse as a browser does (HTML5) and apply the same allow-list (crawler/web/replay.py).
Two measurements in one run:

* speed: CPU seconds per page over the shared evaluation pages (``../shared/eval``, every
  ``--every``-th dev page, decoded first), best of ``--rounds``; the baseline is parsing and
  serialising the page with lxml alone (what touching the page costs at all);
* what each removes for the attack shapes of tests/attack_shapes.py (mutation XSS, refreshes,
  ``ping``, ``srcdoc``, foreign content ...): its output, re-parsed by html5lib as a browser would,
  must hold no script, event handler, foreign content or loading attribute.

beautifulsoup4 and html5lib are not dependencies of the project: install them to run this
(``.venv/bin/pip install beautifulsoup4==4.15.0 html5lib==1.1``).

    python bench/replay_sanitiser.py --json bench/results/replay-sanitiser.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import warnings  # noqa: E402

import lxml.html  # noqa: E402

from bench.extraction_cpu import EVAL, load_pages  # noqa: E402
from crawler.extract import decode_html  # noqa: E402
from crawler.web.replay import (  # noqa: E402
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    DROPPED_WITH_CONTENT,
    LINK_SCHEMES,
    NAVIGATION,
    STYLE_PROPERTIES,
    go_link,
    sanitise,
)
from tests.attack_shapes import MUTATION_XSS, SHAPES  # noqa: E402

PROBE = "http://probe.invalid/p"
UTF8 = lxml.html.HTMLParser(encoding="utf-8")
#: What must not survive in a sanitised page (element names; attribute tests below).
ACTIVE_ELEMENTS = frozenset(
    ("script", "style", "svg", "math", "iframe", "frame", "object", "embed", "meta", "base", "link", "form")
)
LOADING_ATTRIBUTES = frozenset(("src", "srcset", "srcdoc", "ping", "poster", "background", "data", "action"))


def bs4_sanitise(text: str, base_url: str) -> str:
    """The same allow-list on beautifulsoup4's html5lib tree."""
    from urllib.parse import urljoin, urlsplit

    from bs4 import BeautifulSoup, Comment, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(text, "html5lib")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(list(DROPPED_WITH_CONTENT)):
        if not tag.decomposed:
            tag.decompose()
    body = soup.body
    if body is None:
        return ""
    for tag in body.find_all(True):
        if tag.name not in ALLOWED_TAGS:
            tag.unwrap()
            continue
        keep = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag.name, set())
        for name in list(tag.attrs):
            value = tag.attrs[name]
            value = " ".join(value) if isinstance(value, list) else value
            if name not in keep:
                del tag.attrs[name]
            elif (tag.name, name) in NAVIGATION:
                try:
                    link = urljoin(base_url, value.strip())
                    web = urlsplit(link).scheme.lower() in LINK_SCHEMES
                except ValueError:
                    web = False
                if web:
                    tag.attrs[name] = go_link(link)
                else:
                    del tag.attrs[name]
            elif name == "style":
                kept = [
                    d.strip()
                    for d in value.split(";")
                    if d.partition(":")[0].strip().lower() in STYLE_PROPERTIES and "url(" not in d.lower()
                ]
                tag.attrs[name] = ";".join(kept)
    return "".join(str(child) for child in body.contents)


def lxml_roundtrip(text: str, base_url: str) -> str:
    """Baseline: parse and serialise, nothing removed."""
    root = lxml.html.document_fromstring((text or "<p></p>").encode("utf-8"), parser=UTF8)
    return lxml.html.tostring(root, encoding="unicode")


SANITISERS = {"nh3": sanitise, "bs4+html5lib": bs4_sanitise}


def residues(output: str) -> list[str]:
    """What an HTML5 parse of the output (in a body, as the browser sees it) still holds that is active."""
    import html5lib

    root = html5lib.parseFragment(output, container="div", treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = element.tag.rsplit("}", 1)[-1].lower()
        if name in ACTIVE_ELEMENTS:
            found.append(f"<{name}>")
        for attribute, value in element.attrib.items():
            attr = attribute.rsplit("}", 1)[-1].lower()
            if attr.startswith("on") or attr in LOADING_ATTRIBUTES:
                found.append(f"{name}@{attr}")
            elif "javascript:" in value.replace("\t", "").replace(" ", "").lower():
                found.append(f"{name}@{attr}=javascript:")
            elif PROBE in value and not value.startswith("/go?"):
                found.append(f"{name}@{attr}->probe")
    return found


def shapes_report() -> dict[str, dict[str, Any]]:
    payloads = {name: shape.format(p=PROBE) for name, shape in SHAPES.items()} | MUTATION_XSS
    report: dict[str, dict[str, Any]] = {}
    for name, payload in payloads.items():
        page = f"<html><body><p>正文</p>{payload}</body></html>"
        row: dict[str, Any] = {}
        for label, clean in SANITISERS.items():
            output = clean(page, "http://site.test/news/1.htm")
            row[label] = {"residues": residues(output), "output": output[:160]}
        report[name] = row
    return report


def timed(pages: list[tuple[str, str]], clean: Any) -> float:
    started = time.process_time()
    for url, text in pages:
        clean(text, url)
    return time.process_time() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=int, default=1, help="take every N-th dev page of each dataset")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (the best counts)")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)
    if not EVAL.is_dir():
        raise SystemExit(f"evaluation pages not found at {EVAL}")
    pages = [(url, decode_html(data).text) for _, url, data in load_pages(max(1, args.every))]
    megabytes = sum(len(text.encode("utf-8")) for _, text in pages) / 1e6
    candidates = {"lxml parse+serialise (baseline)": lxml_roundtrip, **SANITISERS}
    for clean in candidates.values():  # warm-up
        timed(pages[:10], clean)
    best = {
        label: min(timed(pages, clean) for _ in range(args.rounds)) for label, clean in candidates.items()
    }
    baseline = best["lxml parse+serialise (baseline)"]
    print(f"{len(pages)} eval pages ({megabytes:.1f} MB decoded), best of {args.rounds} rounds, CPU:")
    for label, seconds in best.items():
        print(
            f"  {label:32s} {seconds:7.2f} s  {seconds / len(pages) * 1000:7.2f} ms/page  "
            f"{seconds / baseline:6.2f}x baseline"
        )
    print(f"  bs4+html5lib / nh3: {best['bs4+html5lib'] / best['nh3']:.1f}x")
    report = shapes_report()
    print(f"\nattack shapes ({len(report)}): what an HTML5 re-parse of each output still holds")
    for name, row in report.items():
        cells = [f"{label}: {', '.join(r['residues']) or 'clean'}" for label, r in row.items()]
        print(f"  {name:24s} " + " | ".join(cells))
    failures = {label: sum(1 for row in report.values() if row[label]["residues"]) for label in SANITISERS}
    print(f"shapes with residues: {failures}")
    if args.json:
        figures = {
            "pages": len(pages),
            "megabytes": megabytes,
            "cpu_seconds": best,
            "ms_per_page": {k: v / len(pages) * 1000 for k, v in best.items()},
            "bs4_over_nh3": best["bs4+html5lib"] / best["nh3"],
            "shapes": report,
            "shapes_with_residues": failures,
        }
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
