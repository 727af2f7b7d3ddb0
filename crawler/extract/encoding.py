"""Turn fetched bytes into text before extraction: BOM, HTTP header, <meta>, then detection.

trafilatura guesses encodings statistically and garbles many GBK pages, so pages are
always decoded here first and extraction only ever sees ``str``.

Order of evidence:

1. a byte-order mark;
2. bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever a label says (a page
   saved from a browser keeps its old ``charset=gb2312`` meta; GBK text is practically never
   valid UTF-8 by accident);
3. the declared labels (HTTP header, ``<meta>``, ``<?xml encoding?>``, the profile's hint),
   each widened to its superset (GB2312/GBK -> GB18030, Big5 -> Big5-HKSCS); when they
   disagree, the first one that decodes cleanly wins, multi-byte labels before single-byte
   ones (a single-byte codec "decodes" anything, so it proves nothing);
4. detection (charset-normalizer) when nothing declared decodes cleanly;
5. a tolerant pass: the CJK codec with the fewest undecodable bytes, when they are rare
   (a page cut in the middle of a character is still a GBK page); the damage is counted.
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
    "euc_cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin_1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
}

#: Codecs where every byte is a character: a clean decode proves nothing.
SINGLE_BYTE_FAMILIES = ("cp", "iso8859", "latin", "mac", "koi8", "ptcp", "kz", "tis", "hp-roman", "windows-")

#: Multi-byte codecs tried when nothing declared decodes cleanly (Chinese portals first).
TOLERANT_CANDIDATES = ("utf-8", "gb18030", "big5hkscs")

#: A tolerant decode is accepted when at most this share of the non-ASCII bytes is lost ...
MAX_TOLERANT_ERROR_RATE = 0.01
#: ... and, for a CJK codec, when this share of its Han characters are common ones. Latin-1
#: bytes read as GB18030 also decode almost cleanly, but into rare characters (黵, 鰂, 躡).
MIN_COMMON_HAN_SHARE = 0.6
#: Byte ranges of the common ("level 1") characters of each CJK codec family.
COMMON_HAN_RANGES = {"gb18030": ("gb2312", 0xB0, 0xD7), "big5hkscs": ("big5", 0xA4, 0xC6)}
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")

_META_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""",
    re.IGNORECASE,
)
_XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_:.+-]+)""", re.IGNORECASE)
_HEADER_RE = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.+-]+)", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: How far into the page <meta charset> is looked for (browsers look at 1 KiB; old portals
#: put long <script> blocks first).
META_SCAN_BYTES = 16384


@dataclass(frozen=True, slots=True)
class DecodedPage:
    """Decoded text plus how it was decoded (stored with the article)."""

    text: str
    encoding: str
    #: Where the encoding came from: bom, header, meta, hint, utf-8, detected, tolerant, fallback.
    source: str
    #: Number of undecodable bytes replaced by U+FFFD (0 for a clean decode).
    errors: int = 0
    #: The label the page declared, when it was not the one used (e.g. meta said gb2312, bytes were UTF-8).
    overridden: str | None = None


def normalize_encoding(label: str | None) -> str | None:
    """Python codec name for a declared label, widened to its superset; None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in SUPERSETS:
        return SUPERSETS[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return SUPERSETS.get(label) or SUPERSETS.get(name) or name


def is_single_byte(encoding: str) -> bool:
    """True for codecs that map every byte to a character (cp1252, koi8-r, ...)."""
    return encoding.lower().startswith(SINGLE_BYTE_FAMILIES)


def header_charset(content_type: str | None) -> str | None:
    """Charset named by a Content-Type header value."""
    if not content_type:
        return None
    match = _HEADER_RE.search(content_type)
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """Charset named by ``<meta charset>``, ``<meta http-equiv>`` or an XML declaration."""
    head = body[:META_SCAN_BYTES]
    match = _XML_DECL_RE.search(head) or _META_RE.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _non_ascii(body: bytes) -> int:
    return len(body) - len(body.decode("ascii", "ignore"))


def _declared(content_type: str | None, body: bytes, hint: str | None) -> list[tuple[str, str]]:
    """Distinct declared codecs with their source, multi-byte ones first (stable order)."""
    seen: list[tuple[str, str]] = []
    for label, source in (
        (header_charset(content_type), "header"),
        (meta_charset(body), "meta"),
        (hint, "hint"),
    ):
        encoding = normalize_encoding(label)
        if encoding and encoding not in [e for e, _ in seen]:
            seen.append((encoding, source))
    return sorted(seen, key=lambda item: is_single_byte(item[0]))


def _detect(body: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    if best is None or not best.encoding:
        return None
    return normalize_encoding(best.encoding) or best.encoding


def common_han_share(text: str, encoding: str) -> float:
    """Share of the Han characters of ``text`` that are common in ``encoding`` (1.0 if not CJK)."""
    if encoding not in COMMON_HAN_RANGES:
        return 1.0
    codec, low, high = COMMON_HAN_RANGES[encoding]
    chars = _HAN_RE.findall(text)
    if not chars:
        return 0.0
    return sum(1 for char in chars if _is_common(char, codec, low, high)) / len(chars)


def _is_common(char: str, codec: str, low: int, high: int) -> bool:
    """In the codec's level-1 range, itself or (for GB, whose level 1 is simplified) as simplified."""
    from crawler.extract.script import to_simplified

    for candidate in {char, to_simplified(char) or char}:
        try:
            if low <= candidate.encode(codec)[0] <= high:
                return True
        except UnicodeEncodeError:
            continue
    return False


def _tolerant(body: bytes, declared: list[tuple[str, str]]) -> DecodedPage | None:
    """The multi-byte decode losing the fewest bytes, if it loses almost none and reads as text."""
    candidates = [e for e, _ in declared if not is_single_byte(e)]
    candidates += [e for e in TOLERANT_CANDIDATES if e not in candidates]
    best: tuple[int, str, str] | None = None
    for encoding in candidates:
        text = body.decode(encoding, "replace")
        errors = text.count("\ufffd")
        if common_han_share(text, encoding) < MIN_COMMON_HAN_SHARE:
            continue
        if best is None or errors < best[0]:
            best = (errors, encoding, text)
    if best is None:
        return None
    errors, encoding, text = best
    if errors > MAX_TOLERANT_ERROR_RATE * _non_ascii(body):
        return None
    return DecodedPage(text, encoding, "tolerant", errors=errors)


def decode_html(body: bytes, content_type: str | None = None, hint: str | None = None) -> DecodedPage:
    """Decode a page: BOM, UTF-8, declared labels (the one that decodes cleanly), detection."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            unmarked = body[len(bom) :].decode(encoding, "replace")
            return DecodedPage(unmarked, encoding, "bom", errors=unmarked.count("\ufffd"))
    declared = _declared(content_type, body, hint)
    if _non_ascii(body) == 0:
        encoding, source = declared[0] if declared else ("utf-8", "utf-8")
        return DecodedPage(body.decode("ascii"), encoding, source)
    if (text := _strict(body, "utf-8")) is not None:
        source = next((s for e, s in declared if e == "utf-8"), "utf-8")
        overridden = next((e for e, _ in declared if e != "utf-8"), None) if source == "utf-8" else None
        return DecodedPage(text, "utf-8", source, overridden=overridden)
    for encoding, source in declared:
        if (text := _strict(body, encoding)) is not None and not is_single_byte(encoding):
            return DecodedPage(text, encoding, source)
    detected = _detect(body)
    if detected and not is_single_byte(detected) and (text := _strict(body, detected)) is not None:
        return DecodedPage(text, detected, "detected")
    if (tolerant := _tolerant(body, declared)) is not None:
        return tolerant
    # A single-byte codec: declared beats detected; both decode every byte.
    for label, source in [*declared, (detected, "detected")]:
        if label and (text := _strict(body, label)) is not None:
            return DecodedPage(text, label, source)
    # Nothing decodes cleanly: use the first declared label (or UTF-8) and count the damage.
    encoding = declared[0][0] if declared else "utf-8"
    text = body.decode(encoding, "replace")
    return DecodedPage(text, encoding, "fallback", errors=text.count("\ufffd"))
