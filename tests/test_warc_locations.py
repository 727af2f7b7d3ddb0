"""Stored WARC pointers stay under the WARC folder: when written, imported and read (replay, re-extraction).

The local database has no authentication and spill files come from others: a pointer may name
`/etc/passwd`, `../../x` or a link out of the folder. None of them is stored, and none is read;
the browser says only that the page cannot be read (the details go to the server's log).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from crawler.archive.writer import open_store
from crawler.store.articles import REJECTED
from crawler.store.documents import article_document, storable
from crawler.warc import Exchange, WarcFileWriter, WarcReadError, read_capture
from crawler.warc.locations import BadWarcLocation, check_location, resolve_location
from tests.browser_tools import request, web_server
from tests.conftest import run_cli
from tests.test_store_articles import T0, article

if TYPE_CHECKING:
    from pathlib import Path

    from pymongo.database import Database

SECRET = "root-secret-line: must never reach the browser"


def _warc_file(folder: Path, url: str = "http://a.cn/p/1.htm") -> dict[str, Any]:
    writer = WarcFileWriter(folder / "demo", "newsarchive-demo")
    exchange = Exchange(
        url, "GET", [], b"", 200, "OK", [("Content-Type", "text/html")], b"<p>archived</p>", T0
    )
    location = writer.write(exchange)
    writer.close()
    return {**location, "file": f"demo/{location['file']}"}


@pytest.mark.parametrize(
    "name",
    [
        "/etc/passwd",
        "../../etc/passwd.warc.gz",
        "demo/../../x.warc.gz",
        "demo/./x.warc.gz",
        "demo//x.warc.gz",
        "demo\\..\\x.warc.gz",
        "demo/x.warc.gz\x00.txt",
        "demo/notes.txt",
        "",
    ],
)
def test_pointers_out_of_the_folder_are_refused_by_their_text(name: str) -> None:
    with pytest.raises(BadWarcLocation):
        check_location({"file": name, "offset": 0})


@pytest.mark.parametrize("offset", [-1, "0", None, True, 1.5])
def test_offsets_must_be_whole_numbers(offset: Any) -> None:
    with pytest.raises(BadWarcLocation, match="offset"):
        check_location({"file": "demo/a.warc.gz", "offset": offset})


def test_the_writers_own_pointers_are_accepted(tmp_path: Path) -> None:
    location = _warc_file(tmp_path)
    assert check_location(location) is location
    assert read_capture(tmp_path, location).body == b"<p>archived</p>"


def test_a_link_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    real = _warc_file(outside)  # a real WARC file, but not under the WARC folder
    warc_dir = tmp_path / "warc"
    (warc_dir / "demo").mkdir(parents=True)
    (warc_dir / "demo" / "link.warc.gz").symlink_to(outside / real["file"])
    pointer = {**real, "file": "demo/link.warc.gz"}
    with pytest.raises(BadWarcLocation, match="leads out of the WARC folder"):
        resolve_location(warc_dir, pointer)
    with pytest.raises(WarcReadError):
        read_capture(warc_dir, pointer)


def test_a_pointer_into_a_page_body_reads_no_more_than_a_page(tmp_path: Path) -> None:
    """A gzip bomb archived as sent is never decompressed past the crawl's page size."""
    import gzip

    from crawler.warc.reader import MAX_BODY_BYTES

    bomb = gzip.compress(b"\0" * (MAX_BODY_BYTES + 1024))
    writer = WarcFileWriter(tmp_path / "demo", "newsarchive-demo")
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    location = writer.write(Exchange("http://a.cn/b", "GET", [], b"", 200, "OK", headers, bomb, T0))
    writer.close()
    with pytest.raises(WarcReadError, match="larger than"):
        read_capture(tmp_path, {**location, "file": f"demo/{location['file']}"})


def test_the_store_refuses_pointers_out_of_the_folder(mongo_db: Database[dict[str, Any]]) -> None:
    store = open_store(mongo_db)
    store.load_known()
    bad = replace(article(1), warc=[{"file": "/etc/passwd", "offset": 0}])
    assert store.add(bad, T0) == REJECTED
    store.add(article(2), T0)
    store.flush()
    [rejected] = store.take_rejected()
    assert "warc.0" in rejected.reason and "/etc/passwd" in rejected.reason
    assert [d["_id"] for d in mongo_db.articles.find({}, {"_id": 1})] == ["http://a.cn/p/2.htm"]


def _spill_line(doc: dict[str, Any]) -> str:
    from bson import json_util

    return json_util.dumps(doc, ensure_ascii=False)


def test_import_refuses_pointers_out_of_the_folder_and_stores_the_rest(
    cli_env: dict[str, str], mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    good = article_document(article(1), T0)
    bad = {**article_document(article(2), T0), "warc": [{"file": "../../../etc/passwd", "offset": 0}]}
    spill = tmp_path / "handed-over.jsonl"
    spill.write_text(_spill_line(bad) + "\n" + _spill_line(good) + "\n", encoding="utf-8")
    result = run_cli(["import", str(spill)], cli_env)
    assert result.returncode == 1
    assert f"{spill}:1: field warc.0:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert [d["_id"] for d in mongo_db.articles.find({}, {"_id": 1})] == ["http://a.cn/p/1.htm"]


@pytest.mark.integration
def test_the_browser_reads_nothing_outside_the_folder_and_never_quotes_what_it_read(
    mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    warc_dir = tmp_path / "warc"
    real = _warc_file(warc_dir)
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    outside = tmp_path / "outside"
    elsewhere = _warc_file(outside)
    (warc_dir / "demo" / "link.warc.gz").symlink_to(outside / elsewhere["file"])
    pointers = {
        "passwd": {"file": "/etc/passwd", "offset": 0},
        "parent": {"file": "../secret.txt", "offset": 0},
        "parent-warc": {"file": "../outside/" + elsewhere["file"], "offset": 0},
        "link": {**elsewhere, "file": "demo/link.warc.gz"},
        "not-a-record": {**real, "offset": 3},  # inside a gzip member: the parser's message quotes bytes
        "no-file": {"offset": 0},
        "not-an-object": "demo/x.warc.gz",
    }
    now = datetime.now(UTC)
    # written as anyone who can reach the unauthenticated local database could
    mongo_db.articles.insert_many(
        [
            {"_id": f"http://a.cn/{name}", "site": "demo", "title": name, "text": "x", "warc": [pointer]}
            for name, pointer in pointers.items()
        ]
        + [{"_id": "http://a.cn/good", "site": "demo", "title": "good", "warc": [real], "fetched_at": now}]
    )
    with web_server(mongo_db, warc_dir) as base:
        for name in pointers:
            for path in ("/replay", "/replay/original"):
                status, _, body = request(f"{base}{path}?url={quote('http://a.cn/' + name, safe='')}")
                text = body.decode("utf-8", errors="replace")
                for leaked in ("root:", SECRET, "secret.txt", "passwd", "outside", "first line", "Traceback"):
                    assert leaked not in text, (name, path, leaked)
                assert status == 404, (name, path, status, text[:300])
                # a pointer that is no object is not even taken for one (shown as a stored value)
                assert "cannot be read" in text or (name == "not-an-object" and "no raw page" in text)
        status, _, body = request(f"{base}/replay/original?url={quote('http://a.cn/good', safe='')}")
        assert status == 200 and body == b"<p>archived</p>"


def test_reextract_reads_nothing_outside_the_folder(
    cli_env: dict[str, str], mongo_db: Database[dict[str, Any]], tmp_path: Path
) -> None:
    secret = tmp_path / "var" / "secret.warc.gz"
    secret.parent.mkdir(parents=True)
    _warc_file(tmp_path / "elsewhere")
    [elsewhere] = (tmp_path / "elsewhere" / "demo").glob("*.warc.gz")
    secret.write_bytes(elsewhere.read_bytes())
    doc = storable(article_document(article(1), T0))
    mongo_db.articles.insert_one({**doc, "warc": [{"file": "../secret.warc.gz", "offset": 0}]})
    result = run_cli(["reextract", "--site", "demo", "--warc-dir", str(tmp_path / "var" / "warc")], cli_env)
    assert "Traceback" not in result.stderr
    assert "leads out of the WARC folder" in result.stdout + result.stderr or "not a WARC file" in (
        result.stdout + result.stderr
    )
    assert json.dumps(mongo_db.articles.find_one({"_id": doc["_id"]})["text"]) == json.dumps(doc["text"])
