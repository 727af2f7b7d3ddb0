from __future__ import annotations

import codecs

import pytest

from crawler.extract.encoding import common_han_share, decode_html, meta_charset, normalize_encoding

TEXT = "東營市選派干部參與一線疫情防控，朱镕基談經濟"  # 镕 is in GBK but not in GB2312


def html(charset: str | None, body: str = TEXT) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    return f"<html><head>{meta}</head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-gbk", "gb18030"),
        ("big5", "big5hkscs"),
        ("UTF8", "utf-8"),
        ("iso-8859-1", "cp1252"),
        ("no-such-codec", None),
        (None, None),
    ],
)
def test_normalize_encoding_widens_to_superset(label, expected):
    assert normalize_encoding(label) == expected


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "source"),
    [
        pytest.param(codecs.BOM_UTF8 + html(None).encode(), None, "utf-8", "bom", id="bom"),
        pytest.param(
            html(None).encode("gb18030"), "text/html; charset=gbk", "gb18030", "header", id="header-gbk"
        ),
        pytest.param(html("gbk").encode("gb18030"), None, "gb18030", "meta", id="meta-gbk"),
        pytest.param(
            html("gb2312").encode("gbk"), None, "gb18030", "meta", id="meta-gb2312-with-gbk-only-char"
        ),
        pytest.param(
            html(None).encode("gb18030"),
            "text/html; charset=utf-8",
            "gb18030",
            "detected",
            id="header-says-utf8-bytes-are-gbk",
        ),
        pytest.param(
            html("gbk").encode("gb18030"),
            "text/html; charset=utf-8",
            "gb18030",
            "meta",
            id="header-utf8-meta-gbk-meta-decodes",
        ),
        pytest.param(html("gb2312").encode("utf-8"), None, "utf-8", "utf-8", id="stale-gb2312-meta-on-utf8"),
        pytest.param(
            html("big5", "東營機關幹部下沉一線，香港茶餐廳㗎").encode("big5hkscs"),
            None,
            "big5hkscs",
            "meta",
            id="big5-label-hkscs-char",
        ),
        pytest.param(
            html("iso-8859-1", "Grüße aus München, schön").encode("latin-1"),
            None,
            "cp1252",
            "meta",
            id="latin1-not-read-as-gbk",
        ),
    ],
)
def test_decode_picks_the_encoding_that_fits(body, content_type, encoding, source):
    page = decode_html(body, content_type)
    assert (page.encoding, page.source) == (encoding, source)
    assert page.errors == 0


def test_decoded_text_is_the_original():
    page = decode_html(html("gb2312").encode("gbk"))
    assert TEXT in page.text


def test_stale_label_is_recorded():
    assert decode_html(html("gb2312").encode("utf-8")).overridden == "gb18030"


def test_page_cut_inside_a_character_is_still_gbk():
    body = html(None, TEXT * 40).encode("gb18030") + "機".encode("gb18030")[:1] + b"</p>"
    page = decode_html(body)
    assert (page.encoding, page.source, page.errors) == ("gb18030", "tolerant", 1)


def test_undeclared_big5_is_detected():
    text = (
        "東營市於二月二十三日印發關於選派幹部人才參與一線疫情防控的通知，連夜抽調機關幹部參與指導幫助一線疫情防控工作。"
        * 3
    )
    page = decode_html(html(None, text).encode("big5"))
    assert page.encoding == "big5hkscs"
    assert text in page.text


def test_meta_charset_reads_xml_declaration():
    assert meta_charset(b'<?xml version="1.0" encoding="GBK"?><html></html>') == "GBK"


@pytest.mark.parametrize(
    ("text", "encoding", "common"),
    [("東營市選派干部參與", "gb18030", True), ("黵鰂躡鋐", "gb18030", False), ("Hello", "utf-8", True)],
)
def test_common_han_share(text, encoding, common):
    assert (common_han_share(text, encoding) >= 0.6) is common
