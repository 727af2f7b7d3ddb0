"""An article's text to its story signature: MinHash of character shingles, and its LSH band keys.

A reprint keeps most of the text's characters in order, whatever the portal's chrome, headline,
script or editor's note, so the text (never the title: headlines are what editors rewrite) is
normalised as for search (NFKC, OpenCC t2s, lowercase), stripped of everything but letters,
digits and CJK characters (punctuation and spacing differ between copies), and cut into
overlapping character 5-grams. Chinese has no spaces, and characters work for Latin text too.

The MinHash itself comes from rensa (Rust): measured against datasketch and a SimHash
library by `bench/reprints.py` (docs/reprints.md). It is deterministic across processes and
machines (fixed seed, fixed hashing), so extraction workers compute it and any crawl process
compares it with what others stored.

Band keys: the signature's NUM_PERM values cut into BANDS bands of ROWS; two articles are
candidates when any band is equal (the LSH S-curve: probability 1 - (1 - J^ROWS)^BANDS for
Jaccard similarity J). A band key is 8 bytes of BLAKE2b of its values, as hex, prefixed by
its band number.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass

from crawler.extract.script import to_simplified

#: Version of the signature rules (kept in the state; a change needs `reindex --stories --all`).
SIGNATURE_VERSION = 1
#: Where the signature computed by an extraction worker travels in a document (never stored).
SIGNATURE_FIELD = "story_signature"
SHINGLE_CHARS = 5
NUM_PERM = 128
BANDS = 32
ROWS = 4
SEED = 25
#: Texts with fewer shingles than this get no signature (a caption or a stub matches too much).
MIN_SHINGLES = 40
#: Longest text read, in characters (bounded time and memory per page).
MAX_CHARS = 60_000
#: Everything but letters, digits and CJK characters.
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class Signature:
    """An article's MinHash values and their band keys."""

    values: tuple[int, ...]

    @property
    def bands(self) -> list[str]:
        """The LSH band keys (`<band>:<hex>`), one per band."""
        return band_keys(self.values)

    def similarity(self, other: Signature) -> float:
        """The estimated Jaccard similarity of the two texts' shingle sets."""
        same = sum(a == b for a, b in zip(self.values, other.values, strict=True))
        return same / len(self.values)

    def to_bytes(self) -> bytes:
        """Compact form for storage (4 bytes per value)."""
        return struct.pack(f"<{len(self.values)}I", *self.values)

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature | None:
        """The signature to_bytes() gave; None for anything else (stored data is untrusted)."""
        if not isinstance(data, bytes | bytearray) or len(data) != 4 * NUM_PERM:
            return None
        return cls(struct.unpack(f"<{NUM_PERM}I", data))


def normalized(text: str) -> str:
    """The text shingles are cut from: NFKC, simplified, lowercase, letters/digits/CJK only."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    return _NOT_WORD.sub("", (to_simplified(text) or "").lower())


def shingles(text: str) -> list[str]:
    """The distinct character 5-grams of normalized(text)."""
    flat = normalized(text)
    return list(dict.fromkeys(flat[i : i + SHINGLE_CHARS] for i in range(len(flat) - SHINGLE_CHARS + 1)))


def signature(text: str | None) -> Signature | None:
    """The story signature of an article's text; None when it is too short to compare."""
    if not text:
        return None
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    import rensa

    minhash = rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update(grams)
    return Signature(tuple(minhash.digest()))


def band_keys(values: tuple[int, ...] | list[int], bands: int = BANDS, rows: int = ROWS) -> list[str]:
    """The LSH band keys of MinHash values."""
    keys = []
    for band in range(bands):
        chunk = struct.pack(f"<{rows}I", *values[band * rows : (band + 1) * rows])
        keys.append(f"{band}:{hashlib.blake2b(chunk, digest_size=8).hexdigest()}")
    return keys
