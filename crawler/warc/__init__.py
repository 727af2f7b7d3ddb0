"""Raw pages in WARC files: written during crawls, read back for re-extraction."""

from crawler.warc.reader import Capture, WarcReadError, iter_captures, read_capture
from crawler.warc.writer import Exchange, WarcFileWriter, payload_digest

__all__ = [
    "Capture",
    "Exchange",
    "WarcFileWriter",
    "WarcReadError",
    "iter_captures",
    "payload_digest",
    "read_capture",
]
