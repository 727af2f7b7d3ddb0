"""A loopback site of numbered articles (/a/1001.htm …) listed on /index.htm, with its profile.

For crawl tests of what is learned per site: the test gives the article pages, this serves them.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path


#: What article n of a site is about: a public works project in one place.
TOPICS = ("供暖", "道路", "学校", "医院", "公园", "菜市场", "图书馆", "养老院")
PLACES = ("东沙区", "临河县", "安澜县", "清平县", "北岭县", "滨河街道", "幸福里社区", "青沙河")


def works_paragraphs(n: int, coda: str = "") -> str:
    """Article n's body: three paragraphs on its project, each ending in ``coda`` (all differ across articles)."""
    topic, place = TOPICS[n - 1], PLACES[n - 1]
    return "".join(
        f"<p>{place}的{topic}改造工程{part}，居民{feeling}{coda}。</p>"
        for part, feeling in (
            ("本周正式开工", "纷纷点赞"),
            ("预计明年春天完工", "期待已久"),
            ("由市财政全额出资", "表示放心"),
        )
    )


@contextmanager
def article_site(
    folder: Path, name: str, count: int, article: Callable[[int], str]
) -> Iterator[tuple[str, Path]]:
    """Serve ``count`` articles (``article(n)``'s HTML) and write profile ``name``: (base URL, profiles folder)."""

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/index.htm":
                links = "".join(f'<a href="/a/{1000 + n}.htm">第{n}篇</a>' for n in range(1, count + 1))
                page = f"<html><body>{links}</body></html>"
            elif self.path.startswith("/a/") and self.path[3:7].isdigit():
                page = article(int(self.path[3:7]) - 1000)
            else:
                self.send_error(404)
                return
            data = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    profiles = folder / "profiles"
    profiles.mkdir()
    (profiles / f"{name}.yaml").write_text(
        f"name: {name}\nbase_url: {url}\nstart_urls: [/index.htm]\nsitemaps_from_robots: false\n"
        "article_patterns: ['^/a/\\d+\\.htm$']\nallow_private_addresses: true\n",
        encoding="utf-8",
    )
    try:
        yield url, profiles
    finally:
        server.shutdown()
        server.server_close()
