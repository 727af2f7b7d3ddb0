"""Extraction worker processes: a zygote that forks them, and the loop each one runs.

crawler.workers.pool starts one zygote per pool as ``python -m crawler.workers FD FUNCTION
SYS_PATH``: a fresh interpreter (never a fork of the crawl, whose pymongo and reactor threads
make fork unsafe) that imports extraction, runs it once on a warm-up page (lazy imports,
dictionaries, compiled patterns), freezes what it holds out of the garbage collector's reach
(``gc.freeze``: collections then never write to those objects' pages, so they stay shared) and
then only forks. Each worker is a fork of it: it starts in milliseconds with everything warm,
and its memory is shared with the zygote and the other workers until written (copy-on-write).
A worker talks to the pool over its own socket (multiprocessing's Connection framing). The
parent owns every time limit: a worker never watches the clock, it is killed.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import socket
import struct
import sys
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

#: Message kinds sent back to the parent.
OK = "ok"
ERROR = "error"
#: Sent once by a worker when it serves: page budgets never pay for start-up.
READY = "ready"
#: The zygote's protocol on its raw socket: one byte when warmed up; one byte (with the new
#: worker's socket attached as SCM_RIGHTS) asks for a fork; the reply is the worker's pid.
ZYGOTE_READY = b"R"
FORK = b"F"
PID = struct.Struct("!q")
WARM_UP_HTML = (
    "<html><head><title>预热</title></head><body><h1>预热</h1><p>记者 张三 2026年11月29日</p>"
    "<div><p>这是一段用于预热提取器的中文正文，它足够长，可以走完整个流程。</p></div></body></html>"
).encode()


def load_function(path: str) -> Callable[..., Any]:
    """``package.module.name`` -> the object (the EXTRACT_FUNCTION setting)."""
    module, _, name = path.rpartition(".")
    if not module:
        raise ValueError(f"EXTRACT_FUNCTION must be a dotted path (package.module.function), got {path!r}")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def zygote(sock: socket.socket, function_path: str) -> None:
    """Warm up once, then fork a worker for every FORK request until the pool closes ``sock``."""
    # Ctrl-C reaches the whole process group; the parent decides what happens to a page.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    function = load_function(function_path)
    warm_up()
    gc.collect()
    gc.freeze()
    # Workers are reaped by the kernel: the pool kills them by pid and never waits for them.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    sock.sendall(ZYGOTE_READY)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(sock, 1, 1)
        except OSError:
            return
        if not message:
            return  # the pool closed its end: the crawl is over
        if message != FORK or not fds:
            for fd in fds:
                os.close(fd)
            continue
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                sock.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                serve(Connection(fds[0]), function)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        os.close(fds[0])
        try:
            sock.sendall(PID.pack(pid))
        except OSError:
            return


def serve(conn: Connection, function: Callable[..., Any]) -> None:
    """Serve extraction requests on ``conn`` until it closes or a None arrives.

    A request is ``(page, profile or None, learned or None, template or None)``: the profile,
    learned set and site template are sent again only when they change, the worker keeps the
    last ones. ``page`` is a ``Page`` to extract or ``PagesToMerge`` (the pages of a multi-page
    article).
    """
    conn.send((READY, None))
    profile: Any = None
    learned: frozenset[str] = frozenset()
    template: Any = None
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        page, new_profile, new_learned, new_template = request
        if new_profile is not None:
            profile = new_profile
        if new_learned is not None:
            learned = new_learned
        if new_template is not None:
            template = new_template
        try:
            reply: tuple[str, Any] = (OK, with_search_fields(run(function, page, profile, learned, template)))
        except Exception as exc:  # any bug in extraction is this page's failure, not the worker's
            reply = (ERROR, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


def run(
    function: Callable[..., Any], job: Any, profile: Any, learned: frozenset[str], template: Any = None
) -> Any:
    """One job: a page for ``function`` (extraction), or the pages of an article to merge."""
    from crawler.extract.pagination import PagesToMerge

    if isinstance(job, PagesToMerge):
        return job.merge()
    if template:  # only when the site has one: EXTRACT_FUNCTION hooks need not know the keyword
        return function(job, profile, learned=learned, template=template)
    return function(job, profile, learned=learned)


def with_search_fields(article: Any) -> Any:
    """The article's search fields and story signature, computed here in parallel, not on the crawl thread."""
    from crawler.derived.fields import search_fields
    from crawler.derived.signature import SIGNATURE_FIELD, signature
    from crawler.items import Article

    if isinstance(article, Article) and article.text:
        article.search = search_fields(
            {
                "title": article.title,
                "text": article.text,
                "title_simplified": article.title_simplified,
                "text_simplified": article.text_simplified,
            }
        )
        found = signature(article.search["text_simplified"])
        if found is not None:
            article.search[SIGNATURE_FIELD] = found.to_bytes()
    return article


def warm_up() -> None:
    """Run the real extraction once on a tiny page (lazy imports, dictionaries, caches)."""
    from crawler.extract import Page, default_profile, extract_page

    url = "http://warm-up.invalid/a.html"
    with_search_fields(extract_page(Page(url=url, body=WARM_UP_HTML), default_profile(url)))


def main(argv: list[str]) -> None:
    """Entry point of a worker process (see the module docstring)."""
    fd, function_path, path_json = argv
    for entry in reversed(json.loads(path_json)):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    zygote(socket.socket(fileno=int(fd)), function_path)
