"""Run the local FerretDB (SQLite backend) on 127.0.0.1: start, stop, status.

The server runs detached from the command that started it, with its data, pid file and log
under one folder (``var/ferretdb`` by default; tests use a temporary one). Telemetry is off
and the debug HTTP listener disabled, so two servers never clash and nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.localdb.build import LocalDBError, build
from crawler.process import pid_alive
from crawler.workdir import var_dir

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_PORT = 27117
HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on right now (for tests and parallel servers)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((HOST, port)) == 0


@dataclass
class LocalServer:
    """One FerretDB process and the folder that holds its data, pid file, port and log."""

    folder: Path
    port: int = DEFAULT_PORT

    @classmethod
    def default(cls) -> LocalServer:
        """The project's own server under var/ferretdb, on the port it last used."""
        folder = var_dir() / "ferretdb"
        server = cls(folder)
        if server.port_file.exists():
            with contextlib.suppress(ValueError):
                server.port = int(server.port_file.read_text().strip())
        return server

    @property
    def data_dir(self) -> Path:
        """SQLite files (one per database)."""
        return self.folder / "data"

    @property
    def pid_file(self) -> Path:
        """Pid of the running server."""
        return self.folder / "ferretdb.pid"

    @property
    def port_file(self) -> Path:
        """Port the server was started on."""
        return self.folder / "ferretdb.port"

    @property
    def log_file(self) -> Path:
        """The server's own log."""
        return self.folder / "ferretdb.log"

    @property
    def uri(self) -> str:
        """Connection string for pymongo / mongosh."""
        return f"mongodb://{HOST}:{self.port}/"

    def pid(self) -> int | None:
        """Pid of the running server, or None (stale pid files are ignored)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if pid_alive(pid) else None

    def running(self) -> bool:
        """True when our process is alive and accepting connections."""
        return self.pid() is not None and _port_open(self.port)

    def start(self, timeout: float = 60.0) -> str:
        """Start the server (building it first if needed) and return its URI once it answers."""
        if self.running():
            return self.uri
        if _port_open(self.port):
            raise LocalDBError(
                f"port {self.port} on {HOST} is already used by another program; "
                f"stop it or start the local database on another port (--port)"
            )
        binary = build()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [
            str(binary),
            "--handler=sqlite",
            f"--sqlite-url=file:{self.data_dir}/",
            f"--listen-addr={HOST}:{self.port}",
            f"--state-dir={self.folder}",
            "--telemetry=disable",
            "--debug-addr=-",
            "--log-level=warn",
        ]
        with self.log_file.open("ab") as log:
            proc = subprocess.Popen(
                args, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True
            )
        self.pid_file.write_text(f"{proc.pid}\n")
        self.port_file.write_text(f"{self.port}\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise LocalDBError(
                    f"FerretDB exited at start (code {proc.returncode}); log:\n{self._log_tail()}"
                )
            if _port_open(self.port):
                return self.uri
            # Waiting for a child process to open its port: a short poll interval is the condition check.
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.1)
        self.stop()
        raise LocalDBError(
            f"FerretDB did not listen on {self.uri} within {timeout:.0f}s; log:\n{self._log_tail()}"
        )

    def stop(self, timeout: float = 20.0) -> bool:
        """Stop the server; True if one was running. Waits for it, so its files can be removed."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
            while pid_alive(pid):
                time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)
        return True

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
