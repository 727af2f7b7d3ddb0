"""Two loopback HTTP servers for the hostile-page suite: a hostile news site and an "internal" one.

The hostile site links, redirects and announces (robots.txt, sitemaps, feed, pagination,
meta refresh) URLs on the internal server's port, under other schemes and on other hosts,
and serves bombs, huge, slow and lying pages. The internal server records every request:
a crawl under the outbound policy must never reach it.
"""

from __future__ import annotations

import gzip
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOOPBACK = "127.0.0.1"
ARTICLE = "/news/2026-11/27/content_{}.htm"
#: What an operator-like title and paragraph look like; they must be stored as plain text.
OPERATOR_TITLE = '{"$gt": ""} 市政府通报$where情况'
OPERATOR_TEXT = '本报讯 市政府今天通报了有关情况，{"$set": {"state": "gone"}} 以及 $where: 1 都只是文字。'
PARAGRAPH = "本报讯 今年以来，我市坚持把民生实事作为重点工作，扎实推进各项任务落实，群众满意度持续提升。"


def article_html(title: str, paragraphs: list[str], extra: str = "", charset: str = "utf-8") -> str:
    """A plain article page in the style of the portals."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="{charset}"><title>{title}</title></head><body>'
        f'<h1>{title}</h1><div class="info">2026-11-27 09:30 来源：本报</div>'
        f'<div class="article">{body}</div>{extra}</body></html>'
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A crawler that hangs up on a huge or slow page is expected here."""


class Recorder(BaseHTTPRequestHandler):
    """The internal server: records and answers every request."""

    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>internal admin: secret</body></html>")

    def log_message(self, *args: Any) -> None:
        """Quiet."""


class Hostile(BaseHTTPRequestHandler):
    """The hostile news site."""

    def do_GET(self) -> None:
        srv: Any = self.server
        srv.hits.append(self.path)
        srv.agents.add(self.headers.get("User-Agent"))
        a, b = srv.port, srv.internal_port
        inside = f"http://{LOOPBACK}:{b}"
        own = f"http://{LOOPBACK}:{a}"
        pages: dict[str, Any] = {
            "/robots.txt": ("text/plain", f"User-agent: *\nAllow: /\nSitemap: {inside}/robots-sitemap.xml\n"),
            "/sitemap.xml": (
                "application/xml",
                '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{inside}/sitemap-internal.xml</loc></sitemap>"
                "<sitemap><loc>file:///etc/passwd</loc></sitemap>"
                f"<sitemap><loc>ftp://{LOOPBACK}:{a}/sitemap.xml</loc></sitemap>"
                f"<sitemap><loc>{own}/sitemap-1.xml</loc></sitemap></sitemapindex>",
            ),
            "/sitemap-1.xml": (
                "application/xml",
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + "".join(
                    f"<url><loc>{u}</loc></url>"
                    for u in (
                        own + ARTICLE.format(1),
                        inside + ARTICLE.format(90),
                        f"http://localhost:{a}" + ARTICLE.format(91),
                        f"https://{LOOPBACK}:{b}" + ARTICLE.format(92),
                    )
                )
                + "</urlset>",
            ),
            "/rss.xml": (
                "application/rss+xml",
                '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                f"<item><title>x</title><link>{inside}/latest/meta-data/</link></item>"
                f"<item><title>y</title><link>{own}{ARTICLE.format(2)}</link></item>"
                "</channel></rss>",
            ),
            "/": ("text/html", self._home(own, inside)),
            "/news/index.htm": ("text/html", self._home(own, inside)),
            "/news/index_1.htm": (
                "text/html",
                f'<html><body><a href="{inside}/news/index_2.htm">下一页</a>'
                f'<a href="http://[::1]:{b}{ARTICLE.format(93)}">x</a></body></html>',
            ),
            ARTICLE.format(1): ("text/html", article_html(OPERATOR_TITLE, [OPERATOR_TEXT, PARAGRAPH])),
            ARTICLE.format(4): (
                "text/html",
                article_html(
                    "多页文章第一页",
                    [PARAGRAPH, "第一页的内容到此为止，请继续阅读下一页的报道内容和有关情况。"],
                    f'<div class="page"><a href="{inside}/news/2026-11/27/content_4_2.htm">下一页</a></div>',
                ),
            ),
            ARTICLE.format(7): (
                "text/html",
                article_html(
                    "通报", [PARAGRAPH], f'<meta http-equiv="refresh" content="0; url={inside}/admin/">'
                ),
            ),
        }
        if self.path in (ARTICLE.format(2), ARTICLE.format(3)):
            # to a cloud-metadata path on the internal port; to another host name of the machine
            target = (
                f"{inside}/latest/meta-data/"
                if self.path.endswith("_2.htm")
                else f"http://localhost:{a}/admin/"
            )
            self.send_response(302 if self.path.endswith("_2.htm") else 301)
            self.send_header("Location", target)
            self.end_headers()
            return
        if self.path == ARTICLE.format(5):  # a gzip bomb: 64 MB of zeros in ~64 KB
            self._send(200, "text/html", srv.bomb, {"Content-Encoding": "gzip"})
            return
        if self.path == ARTICLE.format(6):  # larger than DOWNLOAD_MAXSIZE
            self._send(200, "text/html", b"<p>" + b"x" * 3_000_000 + b"</p>")
            return
        if self.path == ARTICLE.format(8):  # slow: headers, then nothing until the crawl gives up
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            srv.release.wait(30)
            return
        if self.path == ARTICLE.format(9):  # a lying charset: GBK bytes labelled UTF-8
            html = article_html("谎报编码的文章", [PARAGRAPH], charset="utf-8")
            self._send(200, "text/html; charset=utf-8", html.encode("gb18030"))
            return
        if self.path not in pages:
            self._send(404, "text/html", b"<html><body>not found</body></html>")
            return
        kind, text = pages[self.path]
        self._send(200, f"{kind}; charset=utf-8", text.encode("utf-8"))

    def _home(self, own: str, inside: str) -> str:
        links = [ARTICLE.format(n) for n in range(1, 10)]
        links += [
            f"{inside}/admin/",
            f"{inside}{ARTICLE.format(94)}",
            "file:///etc/passwd",
            "data:text/html,<b>x</b>",
            f"ftp://{LOOPBACK}/news.htm",
            "/news/index_1.htm",
        ]
        return "<html><body>" + "".join(f'<a href="{u}">link</a>' for u in links) + "</body></html>"

    def _send(self, status: int, kind: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


class HostileSites:
    """Both servers, started in daemon threads; stop() ends them and any slow answer."""

    def __init__(self) -> None:
        self.internal = _Server((LOOPBACK, 0), Recorder)
        self.internal.hits = []  # type: ignore[attr-defined]
        self.site = _Server((LOOPBACK, 0), Hostile)
        site: Any = self.site
        site.hits = []
        site.agents = set()
        site.port = self.site.server_address[1]
        site.internal_port = self.internal.server_address[1]
        site.release = threading.Event()
        site.bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
        for server in (self.internal, self.site):
            threading.Thread(target=server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        """The hostile site's base URL."""
        return f"http://{LOOPBACK}:{self.site.server_address[1]}/"

    @property
    def internal_port(self) -> int:
        """The internal server's port."""
        return self.internal.server_address[1]

    def stop(self) -> None:
        """Shut both servers down."""
        self.site.release.set()  # type: ignore[attr-defined]
        for server in (self.site, self.internal):
            server.shutdown()
            server.server_close()
