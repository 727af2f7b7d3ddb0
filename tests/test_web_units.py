"""The browser's pure parts: replay rewriting of a hostile page, version diffs, the chart, value display."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import lxml.html
import pytest

from crawler.extract.encoding import decode_html
from crawler.search.snippets import Snippet
from crawler.warc.reader import Capture
from crawler.web import format as fmt
from crawler.web.chart import per_day_chart
from crawler.web.diff import MAX_INLINE_CHARS, field_changes, inline, text_diff
from crawler.web.replay import Replay, ReplayError, locate, rewrite
from crawler.web.server import is_loopback

if TYPE_CHECKING:
    from pathlib import Path

HOSTILE = """<html><head><meta charset="gb2312"><base href="http://evil.example/">
<meta http-equiv="refresh" content="0;url=http://evil.example/">
<link rel="stylesheet" href="/static/site.css"><style>body{background:url(/bg.png)}</style>
<script src="http://evil.example/x.js"></script><script>document.title='ran'</script></head>
<body onload="alert(1)"><h1 style="background:url('http://evil.example/t.png')">标题</h1>
<p><a href="/news/2.htm">下一篇</a> <a href="javascript:alert(2)">打印</a> <a href="#top">顶部</a>
<a href="mailto:editor@example.com">来信</a></p>
<img src="/photo.jpg" srcset="/a.jpg 1x, /b.jpg 2x" onerror="alert(3)">
<iframe src="http://evil.example/" srcdoc="<script>alert(4)</script>"></iframe>
<form action="http://evil.example/post"><input name="q"></form>
<svg><a href="http://example.org/in-svg">svg</a></svg>
</body></html>"""


def _replay(html: str, url: str = "http://site.test/news/1.htm") -> Replay:
    body = html.encode("gb18030")
    capture = Capture(
        url, 200, {"content-type": "text/html"}, body, datetime(2026, 11, 29, tzinfo=UTC), "response"
    )
    return Replay(url, capture, decode_html(body, "text/html"), "gb18030")


def test_a_hostile_page_replays_without_scripts_loads_or_exits() -> None:
    out = rewrite(_replay(HOSTILE), {"text": "Archived copy", "article page": "/article?url=x"}).decode(
        "utf-8"
    )
    root = lxml.html.fromstring(out)
    assert not root.cssselect("script, base, meta[http-equiv]")
    assert "alert" not in out and "evil.example" not in out
    for element in root.iter():
        if isinstance(element.tag, str):
            assert not [name for name in element.attrib if name.lower().startswith("on")]
    assert [a.get("href") for a in root.cssselect("p a")] == [
        "/go?url=http%3A%2F%2Fsite.test%2Fnews%2F2.htm",
        None,  # javascript: shown as text
        "/go?url=http%3A%2F%2Fsite.test%2Fnews%2F1.htm%23top",
        None,  # mailto: shown as text
    ]
    [img] = root.cssselect("img")
    assert img.get("src") is None and img.get("srcset") is None
    assert not root.cssselect("iframe, form, input, link, style, svg, object, embed")  # dropped, not emptied
    assert "url(" not in out and "evil.example" not in out
    assert root.cssselect('meta[charset="utf-8"]') and not root.cssselect('meta[charset="gb2312"]')
    assert root.cssselect("h1")[0].text_content() == "标题"
    assert root.cssselect("body > div#newsarchive-replay a")[0].get("href") == "/article?url=x"


def test_banner_text_is_escaped() -> None:
    out = rewrite(_replay("<p>x</p>"), {"text": "<b>title</b>", "<i>": "/a?b=<c>"}).decode("utf-8")
    assert "&lt;b&gt;title&lt;/b&gt;" in out and "<b>" not in out


def test_pages_without_warc_say_why() -> None:
    with pytest.raises(ReplayError, match="no raw page was archived"):
        locate({"warc": []}, 0)
    with pytest.raises(ReplayError, match=r"page must be 0\.\.0"):
        locate({"warc": [{"file": "f", "offset": 0}]}, 3)


def test_diff_marks_characters_inside_a_changed_paragraph() -> None:
    old = "第一段。\n市区新增停车泊位2860个。\n第三段。"
    new = "第一段。\n市区新增停车泊位3000个。\n第三段。\n【更正】已更正。"
    diff = text_diff(old, new)
    assert [b.kind for b in diff.blocks] == ["same", "changed", "same", "added"]
    assert (diff.changed, diff.added, diff.removed) == (1, 1, 0)
    pieces = diff.blocks[1].pieces
    assert ("2860", "removed") in pieces and ("3000", "added") in pieces
    assert "".join(t for t, k in pieces if k != "added") == "市区新增停车泊位2860个。"
    assert "".join(t for t, k in pieces if k != "removed") == "市区新增停车泊位3000个。"


def test_diff_of_huge_paragraphs_stays_bounded() -> None:
    old, new = "甲" * (MAX_INLINE_CHARS + 1), "乙" * (MAX_INLINE_CHARS + 1)
    assert inline(old, new) == [(old, "removed"), (new, "added")]


def test_field_changes() -> None:
    assert field_changes({"title": "a", "authors": ["x"]}, {"title": "b", "authors": ["x"]}) == [
        ("title", "a", "b")
    ]


def test_chart_scales_to_the_busiest_day() -> None:
    days = [date(2026, 11, d) for d in (1, 2, 3)]
    chart = per_day_chart(days, [0, 4, 2])
    assert chart.bars[0].height == 0 and chart.top == 4
    assert chart.bars[1].height == 2 * chart.bars[2].height
    assert chart.bars[1].y + chart.bars[1].height == chart.baseline
    assert per_day_chart(days, [0, 0, 0]).top == 0


def test_values_show_as_text() -> None:
    assert fmt.segments(Snippet("东营市东营区", [(0, 2), (3, 5)])) == [
        ("东营", True),
        ("市", False),
        ("东营", True),
        ("区", False),
    ]
    assert fmt.when(datetime(2026, 11, 29, 1, 0, tzinfo=UTC), "Asia/Shanghai") == "2026-11-29 09:00"
    assert fmt.when(None) == "-"
    # a month-only date (a magazine issue) is shown as the month, not as its first day at midnight
    issue = datetime(1998, 2, 28, 16, 0, tzinfo=UTC)  # 1998-03-01 00:00 in Shanghai
    assert fmt.when(issue, "Asia/Shanghai", precision="month") == "1998-03"
    assert fmt.when(issue, "UTC", precision="month") == "1998-03"  # a reader west of the page's zone
    assert fmt.when(issue, "Asia/Shanghai") == "1998-03-01 00:00"
    assert fmt.value_text({"score": 0.9, "from": "meta"}) == '{"from": "meta", "score": 0.9}'
    assert fmt.value_text("x" * 3000).endswith("(1000 more characters)")


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "NEWSARCHIVE_VAR": str(tmp_path)}
        result = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "web", "--port", str(port)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr


@pytest.mark.parametrize(
    ("host", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False)]
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_malformed_links_are_shown_as_text() -> None:
    """urljoin raises on a bracketed host that is no address: the link stays text, the page replays."""
    out = rewrite(
        _replay('<p><a href="http://[ccpa-preferences]/x">坏链接</a><a href="/ok.htm">好链接</a></p>'),
        {"text": "Archived copy"},
    ).decode("utf-8")
    root = lxml.html.fromstring(out)
    assert [a.get("href") for a in root.cssselect("p a")] == [None, "/go?url=http%3A%2F%2Fsite.test%2Fok.htm"]
