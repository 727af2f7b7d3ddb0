"""The local database: building without Go, starting, stopping, status."""

from __future__ import annotations

import importlib
import socket
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from crawler.localdb import LocalDBError, LocalServer, free_port
from crawler.store import connect
from tests.conftest import run_cli

if TYPE_CHECKING:
    from pathlib import Path


def test_without_go_it_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    build_module = importlib.import_module("crawler.localdb.build")  # the package exports build()
    monkeypatch.setenv("NEWSARCHIVE_HOME", str(tmp_path))  # no binary built there
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(build_module, "GO_LOCATIONS", ())
    with pytest.raises(LocalDBError) as info:
        build_module.build()
    message = str(info.value)
    assert "Go is not installed" in message and "install Go 1.22+" in message and "MONGO_URI" in message


@pytest.mark.integration
def test_start_status_stop(tmp_path: Path) -> None:
    server = LocalServer(tmp_path / "db", free_port())
    assert not server.running()
    uri = server.start()
    try:
        assert server.running() and uri == f"mongodb://127.0.0.1:{server.port}/"
        assert server.start() == uri  # already running: same server
        assert server.pid_file.exists() and (tmp_path / "db" / "data").is_dir()
        client = connect(uri)
        client.t.x.insert_one({"_id": 1})  # the SQLite file exists
        client.close()
        _assert_owner_only(tmp_path / "db")
    finally:
        assert server.stop() is True
    assert not server.running() and not server.pid_file.exists()
    assert server.stop() is False


def _assert_owner_only(folder: Path) -> None:
    """Folders 0700, files 0600: the database has no authentication, its files must not leak."""
    paths = [folder, *folder.rglob("*")]
    assert any(p.suffix == ".sqlite" for p in paths), paths
    for path in paths:
        expected = 0o700 if path.is_dir() else 0o600
        assert path.stat().st_mode & 0o777 == expected, path


def test_stop_never_signals_a_process_that_is_not_the_database(tmp_path: Path) -> None:
    """A stale pid file whose pid now belongs to another program: refuse, and leave that program alone."""
    other = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        server = LocalServer(tmp_path / "db", free_port())
        server.folder.mkdir(parents=True)
        server.pid_file.write_text(f"{other.pid}\n")
        assert server.pid() is None
        assert not server.running()
        with pytest.raises(LocalDBError, match=f"names pid {other.pid}, which is not the local database"):
            server.stop()
        assert other.poll() is None  # still running
    finally:
        other.communicate(b"")


def test_var_is_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.project.workdir import var_dir
    from crawler.warc.writer import WarcFileWriter

    monkeypatch.setenv("NEWSARCHIVE_VAR", str(tmp_path / "var"))
    (tmp_path / "var").mkdir(mode=0o755)
    (tmp_path / "var").chmod(0o755)
    var = var_dir()
    assert var.stat().st_mode & 0o777 == 0o700
    writer = WarcFileWriter(var / "warc" / "demo", "demo")
    writer._open()
    writer.close()
    [warc] = (var / "warc" / "demo").iterdir()
    assert warc.stat().st_mode & 0o777 == 0o600


@pytest.mark.integration
def test_a_port_taken_by_another_program_is_reported(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        server = LocalServer(tmp_path / "db", other.getsockname()[1])
        with pytest.raises(LocalDBError, match="already used by another program"):
            server.start()


def test_status_uri_prints_only_the_uri(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "MONGO_URI": "mongodb://archive.example:27017/",
        "NEWSARCHIVE_VAR": str(tmp_path),
    }
    result = run_cli(["db", "status", "--uri"], env)
    assert result.returncode == 0 and result.stdout == "mongodb://archive.example:27017/\n"
    human = run_cli(["db", "status"], {**env, "MONGO_URI": "mongodb://alice:s3cret@archive.example:27017/"})
    assert "MONGO_URI is set: mongodb://***:***@archive.example:27017/" in human.stdout
    assert "s3cret" not in human.stdout + human.stderr
