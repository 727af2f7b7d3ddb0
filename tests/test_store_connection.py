from __future__ import annotations

import time

import pytest

from crawler.localdb import free_port
from crawler.store import DatabaseUnavailable, connect, redact_uri
from crawler.store.connection import resolve_database


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("mongodb://alice:s3cret@db.example:27017/news", "mongodb://***:***@db.example:27017/news"),
        (
            "mongodb+srv://bob:p%40ss@cluster0.x.net/?retryWrites=true",
            "mongodb+srv://***:***@cluster0.x.net/?retryWrites=true",
        ),
        ("mongodb://127.0.0.1:27117/", "mongodb://127.0.0.1:27117/"),
    ],
)
def test_redact_uri(uri: str, expected: str) -> None:
    assert redact_uri(uri) == expected


def test_unreachable_server_fails_fast_without_leaking_the_password() -> None:
    uri = f"mongodb://alice:s3cret@127.0.0.1:{free_port()}/"
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as info:
        connect(uri, connect_timeout_ms=1000)
    assert time.monotonic() - started < 10
    message = str(info.value)
    assert "s3cret" not in message and "alice" not in message
    assert "cannot reach the database at mongodb://***:***@127.0.0.1" in message
    assert "MONGO_URI" in message


def test_invalid_uri_is_reported() -> None:
    with pytest.raises(DatabaseUnavailable, match="not a valid MongoDB URI"):
        connect("http://not-mongo/")


def test_database_name_from_uri_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MONGO_DATABASE", raising=False)
    assert resolve_database(None, "mongodb://h/archive?x=1") == "archive"
    assert resolve_database(None, "mongodb://h/") == "newsarchive"
    monkeypatch.setenv("MONGO_DATABASE", "other")
    assert resolve_database("configured", "mongodb://h/archive") == "other"


def test_real_server_answers(mongo_uri: str) -> None:
    client = connect(mongo_uri)
    try:
        assert client.admin.command("ping")["ok"] == 1
    finally:
        client.close()


def test_credentials_never_reach_the_log_even_from_scrapy(tmp_path) -> None:
    """`scrapy crawl -s MONGO_URI=...` makes Scrapy print its overridden settings: still no password."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith(("MONGO_", "NEWSARCHIVE_"))}
    env["NEWSARCHIVE_VAR"] = str(tmp_path)
    uri = f"mongodb://alice:s3cret@127.0.0.1:{free_port()}/"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "news",
            "-a",
            "site=demo",
            "-s",
            f"MONGO_URI={uri}",
            "-s",
            "MONGO_CONNECT_TIMEOUT_MS=500",
            "-s",
            "LOG_LEVEL=DEBUG",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Overridden settings" in result.stderr and "mongodb://***:***@127.0.0.1" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
    assert "alice" not in result.stderr + result.stdout
