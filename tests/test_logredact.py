"""Credentials never reach a log line or a traceback, whatever the password holds."""

from __future__ import annotations

import logging
import subprocess
import sys
from urllib.parse import quote

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crawler.logs.redact import MASK, redact

#: What a user can type into a password: anything but the characters that end a URI's authority
#: ('/', '?', '#', line breaks must be percent-encoded; the driver refuses them raw).
RAW = st.text(
    alphabet=st.characters(blacklist_characters="/?#\r\n", blacklist_categories=("Cs",)), min_size=6
)
TEMPLATE = "connecting to {scheme}://{userinfo}@db-1.example.cn:27017/archive?authSource=admin failed: {tail}"


@settings(max_examples=300, deadline=None)
@given(
    scheme=st.sampled_from(["mongodb", "mongodb+srv", "http", "redis"]),
    user=st.text(alphabet=st.characters(blacklist_characters="/?#\r\n@", blacklist_categories=("Cs",))),
    password=st.one_of(RAW, RAW.map(lambda p: quote(p, safe=""))),
    with_password=st.booleans(),
    tail=st.sampled_from(["", "timeout", "see a@b.cn", "mongodb://other-host/"]),
)
def test_no_userinfo_survives(scheme: str, user: str, password: str, with_password: bool, tail: str) -> None:
    userinfo = f"{user}:{password}" if with_password else password
    text = TEMPLATE.format(scheme=scheme, userinfo=userinfo, tail=tail)
    assume(password not in TEMPLATE.format(scheme=scheme, userinfo="", tail=tail))
    redacted = redact(text)
    assert password not in redacted
    assert f"{scheme}://{MASK}@db-1.example.cn:27017/archive" in redacted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mongodb://u:p@ss@h/db", f"mongodb://{MASK}@h/db"),
        ("mongodb://u:'p q\"@h/", f"mongodb://{MASK}@h/"),
        ("mongodb://u:p@h1,h2:27018/?w=1", f"mongodb://{MASK}@h1,h2:27018/?w=1"),
        ("mongodb://127.0.0.1:27117/ mail a@b.cn", "mongodb://127.0.0.1:27117/ mail a@b.cn"),
        ("no URL here: a@b.cn", "no URL here: a@b.cn"),
    ],
)
def test_forms(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_tracebacks_in_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("crawler.test")
    try:
        raise ConnectionError("cannot reach mongodb://alice:s3 cr@t@db.example.cn/news")
    except ConnectionError:
        logger.exception("store failed")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert "s3 cr@t" not in text
    assert f"mongodb://{MASK}@db.example.cn/news" in text


def test_uncaught_exceptions_are_redacted() -> None:
    code = "import crawler; raise RuntimeError('mongodb://alice:s3cr3t@db.example.cn/x')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "RuntimeError" in result.stderr
    assert "s3cr3t" not in result.stderr
