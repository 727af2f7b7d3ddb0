"""A small loopback news site whose pages the tests set one by one: article identity, pagination, retirement.

Routes are raw request targets (path and query exactly as sent, so GBK percent-escapes stay
bytes). The server can act like IIS (paths in any case), drop ``;jsessionid=`` and ignore
session and tracking parameters as real servers do, answer conditional GETs with 304, and
redirect; every answer is recorded.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"
#: What servers drop before routing (the crawler must drop them too, or it stores duplicates).
IGNORED_BY_SERVER = ("sessionid", "utm_source", "utm_medium")
LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)
FILLER = (
    "本报讯 今年以来，我市坚持把民生实事作为重点工作，扎实推进各项任务落实。",
    "各部门加强协作，细化工作方案，确保每一项任务按时完成、取得实效。",
    "下一步，我市将继续聚焦群众关切，推动各项民生工作再上新台阶。",
)


def article_html(
    title: str,
    lead: str,
    *,
    canonical: str | None = None,
    extra: str = "",
    sidebar: str = "",
    charset: str = "utf-8",
    paragraphs: tuple[str, ...] = FILLER,
) -> str:
    """An article page in the style of the portals: headline, date line, body, optional sidebar and bar."""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in (lead, *paragraphs))
    side = f'<div class="side"><h3>热点新闻</h3><ul>{sidebar}</ul></div>' if sidebar else ""
    return (
        f'<html><head><meta charset="{charset}"><title>{title}</title>{link}</head><body>'
        f'<div class="nav"><a href="/">首页</a> <a href="/list/">本地新闻</a></div>'
        f'<h1>{title}</h1><div class="info">2020-03-05 09:30 来源：本报</div>'
        f'<div class="article">{body}</div>{extra}{side}'
        '<div class="footer">版权所有 演示日报社</div></body></html>'
    )


def list_html(links: list[str]) -> str:
    """A section list page linking every URL given, as it is written (variants included)."""
    items = "".join(f'<li><a href="{href}">新闻标题 {n}</a></li>' for n, href in enumerate(links))
    return f"<html><head><title>本地新闻</title></head><body><ul>{items}</ul></body></html>"


@dataclass
class Answer:
    """What the site answers for one route."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None
    conditional: bool = True


@dataclass
class SiteMap:
    """The routes of the site, changed by the tests between crawls."""

    routes: dict[str, Answer] = field(default_factory=dict)
    #: Answer /NEWS/A.HTML as /news/a.html (an IIS server).
    case_insensitive: bool = False
    hits: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page(self, path: str, html: str, *, charset: str = "utf-8", conditional: bool = True) -> None:
        """Serve an HTML page at ``path`` (with ETag and Last-Modified unless ``conditional`` is false)."""
        self.routes[path] = Answer(
            body=html.encode(charset), content_type=f"text/html; charset={charset}", conditional=conditional
        )

    def status(self, path: str, status: int) -> None:
        """Answer ``path`` with an error page and this status."""
        self.routes[path] = Answer(status=status, body=f"<html><body>HTTP {status}</body></html>".encode())

    def redirect(self, path: str, location: str, status: int = 301) -> None:
        """Redirect ``path`` to ``location``."""
        self.routes[path] = Answer(status=status, location=location)

    def route(self, target: str) -> Answer | None:
        """The answer for a request target, after what real servers ignore (parameter order too)."""
        wanted = self._canonical(target)
        for key, answer in self.routes.items():
            if self._canonical(key) == wanted:
                return answer
        return None

    def _canonical(self, target: str) -> str:
        parts = urlsplit(target)
        path = parts.path.split(";", 1)[0]
        if self.case_insensitive:
            path = path.lower()
        pairs = sorted(
            pair
            for pair in parts.query.split("&")
            if pair and pair.split("=")[0].lower() not in IGNORED_BY_SERVER
        )
        return f"{path}?{'&'.join(pairs)}" if pairs else path

    def count(self, path: str) -> int:
        """Requests answered for a route (by raw target)."""
        with self.lock:
            return sum(1 for target, _ in self.hits if target == path)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        site: SiteMap = self.server.site  # type: ignore[attr-defined]
        answer = site.route(self.path)
        if answer is None:
            answer = Answer(status=404, body=b"<html><body>HTTP 404</body></html>")
        etag = '"' + hashlib.sha256(answer.body).hexdigest()[:16] + '"'
        status = answer.status
        if answer.status == 200 and answer.conditional and self.headers.get("If-None-Match") == etag:
            status = 304
        with site.lock:
            site.hits.append((self.path, status))
        self.send_response(status)
        if answer.location:
            self.send_header("Location", answer.location)
        if answer.status == 200 and answer.conditional:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
        body = b"" if status in (304,) or answer.location else answer.body
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True


def serve(site: SiteMap) -> tuple[_Server, str]:
    """Serve ``site`` on a free loopback port in a daemon thread; returns the server and its base URL."""
    server = _Server((LOOPBACK, 0), _Handler)
    server.site = site  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://{LOOPBACK}:{server.server_address[1]}/"
