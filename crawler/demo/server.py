"""The demo site on a loopback HTTP server, with validators, conditional GETs, hit counts and admin endpoints.

``python -m crawler.demo.server --port 0`` prints its URL on one line, then serves until SIGTERM/SIGINT;
tests start it in a subprocess like Scrapy's mockserver, or in-process with ``serve()``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import signal
import sys
import threading
from collections import Counter
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from crawler.demo import site
from crawler.demo.resource import Resource
from crawler.demo.state import MutationError, SiteState

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType

    from crawler.demo.state import Entry

#: The only address the demo site binds.
LOOPBACK = "127.0.0.1"
#: Ports the bundled profiles expect: demo.yaml and edge.yaml.
DEMO_PORT = 8642
EDGE_PORT = 8643
ADMIN_PREFIX = "/__admin__/"
#: Largest request body read from an admin POST.
MAX_POST_BYTES = 64 * 1024


class HitCounter:
    """Requests per path (admin endpoints excluded), so tests can assert what a crawl fetched."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._statuses: dict[str, Counter[int]] = {}

    def record(self, path: str, status: int) -> None:
        """Count one answered request."""
        with self._lock:
            self._statuses.setdefault(path, Counter())[status] += 1

    def counts(self) -> dict[str, int]:
        """Requests per path, whatever the status."""
        with self._lock:
            return {path: sum(c.values()) for path, c in sorted(self._statuses.items())}

    def by_status(self) -> dict[str, dict[str, int]]:
        """Requests per path and status, e.g. {"/rss.xml": {"200": 1, "304": 2}}."""
        with self._lock:
            return {
                path: {str(s): n for s, n in sorted(c.items())} for path, c in sorted(self._statuses.items())
            }

    def reset(self) -> None:
        """Forget every count."""
        with self._lock:
            self._statuses.clear()


class DemoServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer holding the site state, the hit counter and the admin switch."""

    daemon_threads = True
    request_queue_size = 64
    # A thread streaming the huge page to a stalled client must not hold up shutdown.
    block_on_close = False

    def __init__(self, port: int, *, state: SiteState, admin: bool = False, verbose: bool = False) -> None:
        super().__init__((LOOPBACK, port), DemoRequestHandler)
        self.state = state
        self.admin = admin
        self.verbose = verbose
        self.hits = HitCounter()
        #: Set when the server stops; slow answers wait on it instead of sleeping.
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:PORT/"""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (a crawl killed mid-request) is not the site's error: no traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def start(self) -> None:
        """Serve from a daemon thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, name="demo-site", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket; pending slow answers are abandoned."""
        self.stopping.set()
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class DemoRequestHandler(BaseHTTPRequestHandler):
    """Routes through ``site.resolve`` and adds what HTTP needs: validators, 304s, lengths, admin."""

    server: DemoServer
    protocol_version = "HTTP/1.1"
    server_version = "LubeiDemo/1.0"
    #: Idle keep-alive connections are closed after this many seconds.
    timeout = 60

    def do_GET(self) -> None:
        """Answer a page, feed or read-only admin endpoint."""
        self._answer(head=False)

    def do_HEAD(self) -> None:
        """Answer like GET, without the body."""
        self._answer(head=True)

    def do_POST(self) -> None:
        """Admin endpoints only; the comment form's target does not exist (404)."""
        path, query = self._target()
        form = self._read_form()
        if not path.startswith(ADMIN_PREFIX):
            self._send(site.not_found(), path=path, head=False)
            return
        status, payload = self._admin_post(path.removeprefix(ADMIN_PREFIX), {**form, **query})
        self._send(_json(status, payload), path=None, head=False)

    def version_string(self) -> str:
        """Server header without the Python version."""
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Request log on stderr with --verbose only."""
        if self.server.verbose:
            super().log_message(format, *args)

    # Pages ---------------------------------------------------------------------------------

    def _target(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.path)
        return parts.path or "/", dict(parse_qsl(parts.query))

    def _answer(self, *, head: bool) -> None:
        path, query = self._target()
        if path.startswith(ADMIN_PREFIX):
            self._send(self._admin_get(path.removeprefix(ADMIN_PREFIX), query), path=None, head=head)
            return
        resource = site.resolve(self.server.state, self.server.base_url, path, query)
        if resource.delay and self.server.stopping.wait(resource.delay):
            self.close_connection = True
            return
        self._send(resource, path=path, head=head)

    def _send(self, resource: Resource, *, path: str | None, head: bool) -> None:
        etag = None
        if resource.etag and resource.stream is None and resource.status == 200:
            etag = '"' + hashlib.sha256(resource.body).hexdigest()[:24] + '"'
        status = resource.status
        if status == 200 and self._not_modified(etag, resource.last_modified):
            status = 304
        if path is not None:
            self.server.hits.record(path, status)
        self.send_response(status)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(resource.content_length))
        self.send_header("Last-Modified", formatdate(resource.last_modified.timestamp(), usegmt=True))
        if etag is not None:
            self.send_header("ETag", etag)
        if resource.location is not None:
            self.send_header("Location", resource.location)
        self.end_headers()
        if head or status == 304:
            return
        try:
            if resource.stream is not None:
                for chunk in resource.stream():
                    self.wfile.write(chunk)
            else:
                self.wfile.write(resource.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _not_modified(self, etag: str | None, last_modified: datetime) -> bool:
        # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); GET compares ETags weakly.
        if (if_none_match := self.headers.get("If-None-Match")) is not None:
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return etag is not None and ("*" in tags or etag in tags)
        if (if_modified_since := self.headers.get("If-Modified-Since")) is not None:
            try:
                since = parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return last_modified.replace(microsecond=0) <= since
        return False

    # Admin -----------------------------------------------------------------------------------

    def _read_form(self) -> dict[str, str]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > MAX_POST_BYTES or self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return {}
        body = self.rfile.read(length) if length > 0 else b""
        if "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            return dict(parse_qsl(body.decode("utf-8", "replace")))
        return {}

    def _admin_get(self, action: str, query: dict[str, str]) -> Resource:
        hits = self.server.hits
        match action:
            case "hits":
                return _json(200, hits.by_status() if query.get("by") == "status" else hits.counts())
            case "articles":
                base_url = self.server.base_url
                return _json(200, [_entry_payload(e, base_url) for e in self.server.state.entries()])
        return _json(404, {"error": f"no admin endpoint GET {ADMIN_PREFIX}{action}"})

    def _admin_post(self, action: str, params: dict[str, str]) -> tuple[int, object]:
        state = self.server.state
        if action == "reset-hits":
            self.server.hits.reset()
            return 200, {"ok": True}
        if action not in ("edit", "delete", "add", "reset"):
            return 404, {"error": f"no admin endpoint POST {ADMIN_PREFIX}{action}"}
        if not self.server.admin:
            return 403, {"error": "site mutations need the server started with --admin"}
        try:
            article_id = int(params["id"]) if params.get("id") else None
        except ValueError:
            return 400, {"error": f"id must be a number, not {params['id']!r}"}
        try:
            match action:
                case "reset":
                    state.reset()
                    return 200, {"ok": True}
                case "add":
                    article = state.add(article_id)
                case _ if article_id is None:
                    return 400, {"error": f"{action} needs ?id=ARTICLE_ID"}
                case "edit":
                    article = state.edit(article_id)
                case _:
                    article = state.delete(article_id, params.get("mode", "404"))
        except MutationError as exc:
            return exc.status, {"error": str(exc)}
        entry = state.entry(article.id)
        assert entry is not None  # every mutation leaves the article published
        return 200, _entry_payload(entry, self.server.base_url)


def _json(status: int, payload: object) -> Resource:
    body = json.dumps(payload, ensure_ascii=False, indent=1).encode()
    return Resource(
        status=status,
        body=body,
        content_type="application/json; charset=utf-8",
        last_modified=datetime.now(UTC),
        etag=False,
    )


def _entry_payload(entry: Entry, base_url: str) -> dict[str, object]:
    article = entry.article
    return {
        "id": article.id,
        "section": article.section,
        "title": article.title,
        "url": article.url(base_url),
        "page_urls": list(article.page_urls(base_url)),
        "published": article.published.isoformat(),
        "modified": entry.modified.isoformat(),
        "deleted": entry.deleted,
        "text": article.text,
    }


def serve(
    host: str = LOOPBACK,
    port: int = 0,
    *,
    state: SiteState | None = None,
    admin: bool = False,
    verbose: bool = False,
) -> tuple[DemoServer, str]:
    """Start the demo site in a daemon thread; returns the server (call ``stop()``) and its base URL."""
    if host != LOOPBACK:
        raise ValueError(f"the demo site only listens on {LOOPBACK}, not {host!r}")
    server = DemoServer(port, state=state if state is not None else SiteState(), admin=admin, verbose=verbose)
    server.start()
    return server, server.base_url


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGTERM or SIGINT; the first stdout line is the base URL."""
    parser = argparse.ArgumentParser(
        prog="python -m crawler.demo.server", description="Serve the demo news site on 127.0.0.1."
    )
    parser.add_argument(
        "--port", type=int, default=DEMO_PORT, help=f"TCP port, 0 for any free one ({DEMO_PORT})"
    )
    parser.add_argument("--admin", action="store_true", help="allow POST /__admin__/edit, delete, add, reset")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        try:
            server, url = serve(port=args.port, admin=args.admin, verbose=args.verbose)
        except OSError as exc:
            print(f"cannot listen on {LOOPBACK}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(url, flush=True)
        stop.wait()
        server.stop()
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
