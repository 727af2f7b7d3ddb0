"""Turn fetched bytes into text before extraction: BOM, HTTP header, <meta>, then detection.

trafilatura guesses encodings statistically and garbles many GBK pages, so pages are
always decoded here first and extraction only ever sees ``str``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

#: Declared charsets read as their supersets: pages labelled GB2312/GBK routinely use
#: characters outside the label, which a strict decoder turns into garbage.
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
}

_META_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""",
    re.IGNORECASE,
)
_HEADER_RE = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.+-]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True, slots=True)
class DecodedPage:
    """Decoded text plus how it was decoded (stored with the article)."""

    text: str
    encoding: str
    #: Where the encoding came from: bom, header, meta, hint, utf-8, detected, fallback.
    source: str
    #: Number of undecodable bytes replaced by U+FFFD (0 for a clean decode).
    errors: int = 0


def normalize_encoding(label: str | None) -> str | None:
    """Python codec name for a declared label, widened to its superset; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return SUPERSETS.get(label) or SUPERSETS.get(name) or name


def header_charset(content_type: str | None) -> str | None:
    """Charset named by a Content-Type header value."""
    if not content_type:
        return None
    match = _HEADER_RE.search(content_type)
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """Charset named by <meta charset> or <meta http-equiv> in the first 4 KiB... or 16."""
    match = _META_RE.search(body[:16384])
    return match.group(1).decode("ascii", "ignore") if match else None


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None, hint: str | None = None) -> DecodedPage:
    """Decode a page: BOM, then header and meta (the one that decodes cleanly), hint, detection."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return DecodedPage(body[len(bom) :].decode(encoding, "replace"), encoding, "bom")
    candidates = [
        (normalize_encoding(header_charset(content_type)), "header"),
        (normalize_encoding(meta_charset(body)), "meta"),
        (normalize_encoding(hint), "hint"),
        ("utf-8", "utf-8"),
    ]
    for encoding, source in candidates:
        if encoding and (text := _strict(body, encoding)) is not None:
            return DecodedPage(text, encoding, source)
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    if best is not None and best.encoding:
        encoding = normalize_encoding(best.encoding) or best.encoding
        text = _strict(body, encoding)
        if text is not None:
            return DecodedPage(text, encoding, "detected")
    # Nothing decodes cleanly: use the first declared label (or UTF-8) and count the damage.
    encoding = next((e for e, _ in candidates if e), "utf-8")
    text = body.decode(encoding, "replace")
    return DecodedPage(text, encoding, "fallback", errors=text.count("\ufffd"))
