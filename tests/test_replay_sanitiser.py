"""The replay sanitiser holds on its own: mutation-XSS shapes loaded in headless Chromium request nothing.

An archived page full of known shapes (SVG and MathML breakouts, `ping`, `srcdoc`, refreshes,
event handlers, CSS loads, `<base>`, forms, media), all aimed at a loopback probe server, is
replayed two ways: through `/replay` (with its sandbox policy) and as the sanitised bytes alone,
served without any Content-Security-Policy. The probe server's request log must stay empty.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import lxml.html
import pytest

from crawler.extract.encoding import decode_html
from crawler.warc import Capture
from crawler.web.replay import Replay, rewrite
from tests.attack_shapes import MUTATION_XSS, SHAPES
from tests.browser_tools import archive_page, chromium, request, web_server
from tests.fixture_site import FixtureSite

if TYPE_CHECKING:
    from pathlib import Path

    from pymongo.database import Database

pytestmark = pytest.mark.integration

TEXT = "正文：这是一篇检验回放净化的存档页面。"


def attack_page(probe: str) -> bytes:
    shapes = "\n".join(shape.format(p=probe) for shape in SHAPES.values())
    shapes += "\n".join(
        payload.replace("alert(1)", f"fetch('{probe}/mxss-{name}')") for name, payload in MUTATION_XSS.items()
    )
    return (
        f'<html><head><meta charset="utf-8"><title>净化</title></head>'
        f'<body onload="document.body.setAttribute(\'data-ran\', 1)" background="{probe}/body-bg">'
        f"<h1>净化测试</h1><p>{TEXT}</p>\n{shapes}\n<p>结尾</p></body></html>"
    ).encode()


def _sanitised(url: str, body: bytes) -> bytes:
    capture = Capture(url, 200, {"content-type": "text/html"}, body, datetime.now(UTC), "response")
    replay = Replay(url, capture, decode_html(body, "text/html"), "utf-8")
    return rewrite(replay, {"text": "Archived copy", "article page": "/article?url=x"})


def _check_dom(dom: str) -> None:
    root = lxml.html.fromstring(dom)
    assert "净化测试" in root.text_content() and TEXT in root.text_content()  # the page was shown
    assert root.body.get("data-ran") is None
    for element in root.iter():
        if isinstance(element.tag, str):
            assert not [n for n in element.attrib if n.lower().startswith("on") or n in ("ping", "srcdoc")]
    assert not root.xpath("//svg | //math | //script | //meta[@http-equiv] | //iframe | //base | //style")


def test_the_sanitised_page_alone_requests_nothing_in_chromium(tmp_path: Path) -> None:
    """No Content-Security-Policy here: the sanitiser is the only layer."""
    with FixtureSite({}) as site:
        probe = site.url.rstrip("/") + "/probe"
        body = _sanitised(site.url + "news/attack.htm", attack_page(probe))
        site.server.pages["/replayed.htm"] = ("text/html; charset=utf-8", body)
        dom = chromium(
            ["--virtual-time-budget=5000", "--dump-dom", site.url + "replayed.htm"], tmp_path / "profile"
        )
        # the browser asks the page's own server for its icon: not a request the page made
        requests = [hit for hit in site.hits if hit not in ("/replayed.htm", "/favicon.ico")]
    assert requests == []
    _check_dom(dom)


def test_replay_of_the_attack_page_requests_nothing_in_chromium(
    mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    warc_dir = tmp_path / "warc"
    with FixtureSite({}) as site:
        probe = site.url.rstrip("/") + "/probe"
        article = archive_page(
            mongo_db, warc_dir, site.url + "news/attack.htm", attack_page(probe), "净化测试", TEXT
        )
        with web_server(mongo_db, warc_dir) as base:
            url = f"{base}/replay?url={quote(article, safe='')}"
            status, headers, _ = request(url)
            assert status == 200 and "sandbox" in headers["content-security-policy"]
            dom = chromium(["--virtual-time-budget=5000", "--dump-dom", url], tmp_path / "profile")
        requests = list(site.hits)
    assert requests == []
    _check_dom(dom)
