"""A loopback site serving a dict of pages, recording every request (path) it gets."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

LOOPBACK = "127.0.0.1"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        site: Any = self.server
        with site.lock:
            site.hits.append(self.path)
        missing = ("text/html; charset=utf-8", None)
        kind, body = site.pages.get(self.path) or site.pages.get(self.path.split("?")[0], missing)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up early is no test failure."""


def write_profile(folder: Path, name: str, base_url: str, extra: str = "") -> Path:
    """A profile NAME for a site on loopback (private addresses allowed) in folder/profiles; that folder."""
    profiles = folder / "profiles"
    profiles.mkdir(exist_ok=True)
    text = f"name: {name}\nbase_url: {base_url}\nallow_private_addresses: true\n{extra}"
    (profiles / f"{name}.yaml").write_text(text, encoding="utf-8")
    return profiles


class FixtureSite:
    """Serves `pages` ({path: (content type, text or bytes)}) on 127.0.0.1 until stop()."""

    def __init__(self, pages: dict[str, tuple[str, str | bytes]]) -> None:
        self.server: Any = _Server((LOOPBACK, 0), _Handler)
        self.server.pages = pages
        self.server.hits = []
        self.server.lock = threading.Lock()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        """Base URL, with a trailing slash."""
        return f"http://{LOOPBACK}:{self.server.server_address[1]}/"

    @property
    def hits(self) -> list[str]:
        """Paths requested so far, in order."""
        with self.server.lock:
            return list(self.server.hits)

    def stop(self) -> None:
        """Shut the server down."""
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FixtureSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
