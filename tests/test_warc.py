"""WARC files: what the writer produces is readable by warcio, with correct digests and revisits."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from warcio.archiveiterator import ArchiveIterator

from crawler.warc import Exchange, WarcFileWriter, iter_captures, payload_digest, read_capture

if TYPE_CHECKING:
    from pathlib import Path

T = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)


def exchange(
    url: str = "http://a.cn/p/1.htm", body: bytes = "<p>东营新闻</p>".encode("gbk"), status: int = 200
) -> Exchange:
    return Exchange(
        url=url,
        method="GET",
        request_headers=[("User-Agent", "newsarchive/test"), ("Accept-Encoding", "gzip")],
        request_body=b"",
        status=status,
        reason="OK" if status == 200 else "Not Modified",
        response_headers=[("Content-Type", "text/html; charset=GBK"), ("Transfer-Encoding", "chunked")],
        body=body if status == 200 else b"",
        date=T,
    )


def records(path: Path) -> list[tuple[str, dict[str, str], bytes]]:
    with path.open("rb") as fh:
        return [
            (r.rec_type, dict(r.rec_headers.headers), r.content_stream().read()) for r in ArchiveIterator(fh)
        ]


def test_response_and_request_records_readable_by_warcio(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "newsarchive-t", info={"isPartOf": "t"})
    location = writer.write(exchange())
    writer.close()
    [path] = tmp_path.glob("*.warc.gz")
    kinds = records(path)
    assert [k for k, _, _ in kinds] == ["warcinfo", "response", "request"]
    _, response, body = kinds[1]
    assert response["WARC-Target-URI"] == "http://a.cn/p/1.htm"
    assert (
        response["WARC-Payload-Digest"]
        == payload_digest("<p>东营新闻</p>".encode("gbk"))
        == location["digest"]
    )
    assert response["WARC-Block-Digest"].startswith("sha1:")
    assert body == "<p>东营新闻</p>".encode("gbk")
    assert kinds[2][1]["WARC-Concurrent-To"] == response["WARC-Record-ID"] == location["record_id"]
    capture = read_capture(tmp_path, location)
    assert (
        capture.status == 200 and capture.body == body and capture.headers["x-archive-orig-transfer-encoding"]
    )


def test_identical_payload_and_304_become_revisits(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "t")
    first = writer.write(exchange())
    same = writer.write(exchange(), previous=first)
    not_modified = writer.write(exchange(status=304), previous=first)
    changed = writer.write(exchange(body=b"<p>new</p>"), previous=first)
    writer.close()
    assert [first["type"], same["type"], not_modified["type"], changed["type"]] == [
        "response",
        "revisit",
        "revisit",
        "response",
    ]
    [path] = tmp_path.glob("*.warc.gz")
    revisits = [h for kind, h, _ in records(path) if kind == "revisit"]
    assert revisits[0]["WARC-Profile"].endswith("identical-payload-digest")
    assert revisits[0]["WARC-Refers-To-Target-URI"] == "http://a.cn/p/1.htm"
    assert revisits[0]["WARC-Payload-Digest"] == first["digest"]
    assert revisits[1]["WARC-Profile"].endswith("server-not-modified")


def test_files_rotate_by_size(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "t", max_bytes=2000)
    locations = [
        writer.write(exchange(url=f"http://a.cn/p/{n}.htm", body=bytes(range(256)) * 20)) for n in range(4)
    ]
    writer.close()
    assert len({loc["file"] for loc in locations}) >= 2
    for location in locations:
        assert read_capture(tmp_path, location).url == location["url"]


def test_a_truncated_file_keeps_its_complete_records(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "t")
    for n in range(3):
        writer.write(exchange(url=f"http://a.cn/p/{n}.htm"))
    writer.close()
    [path] = tmp_path.glob("*.warc.gz")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])  # killed while writing the last record
    urls = [capture.url for _, capture in iter_captures(path)]
    assert urls[:2] == ["http://a.cn/p/0.htm", "http://a.cn/p/1.htm"]


def test_every_record_is_its_own_gzip_member(tmp_path: Path) -> None:
    writer = WarcFileWriter(tmp_path, "t")
    location = writer.write(exchange())
    writer.close()
    [path] = tmp_path.glob("*.warc.gz")
    member = path.read_bytes()[location["offset"] : location["offset"] + location["length"]]
    record = gzip.decompress(member)
    assert record.startswith(b"WARC/1.1\r\n")
    assert b"\r\nWARC-Type: response\r\n" in record
