from __future__ import annotations

import pytest

from crawler.discovery import parse_feed

RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>站</title>
<item><title>第一条</title><link>http://a.cn/p/1.htm</link><pubDate>Fri, 27 Nov 2026 09:30:00 +0800</pubDate></item>
<item><title>第二条</title><link> http://a.cn/p/2.htm </link></item>
<item><title>没有链接</title></item></channel></rss>""".encode()
ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>a</title>
<link rel="enclosure" href="http://a.cn/x.mp3"/><link href="http://a.cn/p/3.htm"/><published>2026-11-27T09:30:00+08:00</published></entry></feed>"""
RDF = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<item rdf:about="http://a.cn/p/4.htm"><title>r</title></item></rdf:RDF>"""


def test_rss_items_in_order_with_dates() -> None:
    entries = parse_feed(RSS)
    assert [e.url for e in entries] == ["http://a.cn/p/1.htm", "http://a.cn/p/2.htm"]
    assert entries[0].published == "Fri, 27 Nov 2026 09:30:00 +0800"
    assert entries[0].title == "第一条"


def test_atom_takes_the_alternate_link() -> None:
    assert [(e.url, e.published) for e in parse_feed(ATOM)] == [
        ("http://a.cn/p/3.htm", "2026-11-27T09:30:00+08:00")
    ]


def test_rss1_rdf_about() -> None:
    assert [e.url for e in parse_feed(RDF)] == ["http://a.cn/p/4.htm"]


def test_gbk_feed_declared_in_prolog() -> None:
    body = '<?xml version="1.0" encoding="gbk"?><rss><channel><item><title>东营新闻</title><link>http://a.cn/1</link></item></channel></rss>'
    assert parse_feed(body.encode("gbk"))[0].title == "东营新闻"


@pytest.mark.parametrize("body", [b"", b"not xml at all", b"\x00\x01\x02", b"<html><body>404</body></html>"])
def test_garbage_gives_no_entries(body: bytes) -> None:
    assert parse_feed(body) == []


def test_truncated_feed_keeps_complete_items() -> None:
    assert [e.url for e in parse_feed(RSS[: RSS.index(b"<item><title>\xe7\xac\xac\xe4\xba\x8c")])] == [
        "http://a.cn/p/1.htm"
    ]


def test_entities_are_not_expanded() -> None:
    evil = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&x;</title><link>http://a.cn/1</link></item></channel></rss>"""
    entries = parse_feed(evil)
    assert all("root:" not in (e.title or "") for e in entries)
