"""Serve the browser app with uvicorn: loopback by default, a clear error when the port is taken."""

from __future__ import annotations

import ipaddress
import logging
import socket
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from crawler.archive import Archive

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


class ServeError(RuntimeError):
    """The server cannot start (the message says why and what to do)."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_port(host: str, port: int) -> None:
    """Fail early, with the way out, when the address is taken or unknown."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {host!r}: {exc.strerror} (use --host 127.0.0.1)") from exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ServeError(
                f"cannot listen on {host}:{port}: {exc.strerror} (another server there? use --port)"
            ) from exc


def allowed_hosts(host: str) -> list[str] | None:
    """Host headers a server listening on host answers: loopback names only on a loopback address.

    A web page that rebinds its own name to 127.0.0.1 then reads nothing (its Host header is
    its own name). None: any name (a server on another address is reached by many names).
    """
    from crawler.web.app import LOOPBACK_NAMES

    return list(LOOPBACK_NAMES) if is_loopback(host) else None


def build_server(
    archive: Archive, warc_dir: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, tz: str
) -> Any:
    """The uvicorn server of the browser app (run() blocks; tests run it in a thread)."""
    import uvicorn

    from crawler.web.app import create_app

    app = create_app(archive, warc_dir, tz=tz, allowed_hosts=allowed_hosts(host))
    config = uvicorn.Config(
        app, host=host, port=port, log_level="info", server_header=False, access_log=True, lifespan="off"
    )
    return uvicorn.Server(config)


def serve(
    archive: Archive, warc_dir: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, tz: str
) -> None:
    """Run until interrupted (Ctrl-C / SIGTERM)."""
    check_port(host, port)
    build_server(archive, warc_dir, host=host, port=port, tz=tz).run()
