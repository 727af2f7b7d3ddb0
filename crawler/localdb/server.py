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

import psutil

from crawler.localdb.build import LocalDBError, build
from crawler.project.process import pid_alive
from crawler.project.workdir import private_dir, private_file, var_dir

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
        """Pid of the running server, or None (stale pid files, or a pid now used by another program)."""
        pid = self._recorded_pid()
        return pid if pid is not None and self._is_ours(pid) else None

    def _recorded_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if pid_alive(pid) else None

    def _is_ours(self, pid: int) -> bool:
        """True when pid is FerretDB started for this folder and port (its command line says so)."""
        try:
            cmdline = psutil.Process(pid).cmdline()
        except (psutil.Error, OSError):
            return False
        return f"--listen-addr={HOST}:{self.port}" in cmdline and f"--state-dir={self.folder}" in cmdline

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
        private_dir(self.folder)
        private_dir(self.data_dir)
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
        with private_file(self.log_file, "ab") as log:
            # umask 077: the SQLite files FerretDB creates are owner-only (0600) too
            proc = subprocess.Popen(
                args, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True, umask=0o077
            )
        for path, value in ((self.pid_file, proc.pid), (self.port_file, self.port)):
            with private_file(path, "wb") as out:
                out.write(f"{value}\n".encode())
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
        """Stop the server; True if one was running. Waits for it, so its files can be removed.

        Only a process whose command line shows it is this local database is signalled: a pid
        file left behind names a pid the system may have given to another program since.
        """
        recorded = self._recorded_pid()
        pid = self.pid()
        if recorded is not None and pid is None:
            raise LocalDBError(
                f"{self.pid_file} names pid {recorded}, which is not the local database of {self.folder} "
                f"on port {self.port} (another program has that pid now); not stopping it. Remove the "
                "pid file if the database is not running."
            )
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
