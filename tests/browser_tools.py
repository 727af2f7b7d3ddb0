"""What the browser tests share: plain HTTP requests, headless Chromium, `newsarchive web` in a thread."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from crawler.archive import Archive
from crawler.archive.writer import open_store
from crawler.localdb import free_port
from crawler.web.server import build_server
from tests import system_tools
from tests.conftest import wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pymongo.database import Database

LOOPBACK = "127.0.0.1"


def request(
    url: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with opener.open(req, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


@contextmanager
def web_server(db: Database[dict[str, Any]], warc_dir: Path, host: str = LOOPBACK) -> Iterator[str]:
    """The archive browser over db (the same server `newsarchive web` runs), in a thread; yields its base URL."""
    archive = Archive(db)
    port = free_port()
    server = build_server(archive, warc_dir, host=host, port=port, tz="Asia/Shanghai")
    thread = threading.Thread(target=server.run, name="web", daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive(), 30, "the archive browser to start")
        assert server.started, "the archive browser did not start"
        yield f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        archive.close()


def archive_page(
    db: Database[dict[str, Any]], warc_dir: Path, url: str, body: bytes, title: str, text: str
) -> str:
    """Archive one fetched page (WARC record + stored article) as a crawl of the demo site would; its _id."""
    from datetime import UTC, datetime

    from crawler.extract.urls import normalize_url
    from crawler.items import Article, content_hash
    from crawler.warc import Exchange, WarcFileWriter

    now = datetime.now(UTC)
    writer = WarcFileWriter(warc_dir / "demo", "newsarchive-demo")
    headers = [("Content-Type", "text/html; charset=utf-8")]
    location = writer.write(Exchange(url, "GET", [("Host", "probe")], b"", 200, "OK", headers, body, now))
    writer.close()
    location["file"] = f"demo/{location['file']}"
    article = Article(
        url=url,
        canonical_url=normalize_url(url),
        site="demo",
        title=title,
        text=text,
        content_hash=content_hash(title, text),
        fetched_at=now,
        status=200,
        encoding="utf-8",
        warc=[location],
    )
    store = open_store(db)
    store.load_known("demo")
    store.add(article, now)
    store.flush()
    return article.canonical_url


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # tests run as root in CI
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOOPBACK}",
]


def chromium(args: list[str], profile: Path, timeout: float = 90) -> str:
    """Run headless Chromium once; stopped by its process group id if it does not end in time."""
    system_tools.require("chromium")
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    assert binary is not None
    proc = subprocess.Popen(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"chromium did not finish within {timeout}s: {err.decode(errors='replace')[-2000:]}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode("utf-8", errors="replace")
