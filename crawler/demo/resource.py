"""What one URL of the demo site answers, as plain values, so routing never touches sockets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.demo.content import SITE_LAUNCHED

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

HTML_UTF8 = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Resource:
    """Status, headers and body of one answer; the server adds validators and conditional handling."""

    status: int = 200
    body: bytes = b""
    content_type: str = HTML_UTF8
    last_modified: datetime = SITE_LAUNCHED
    #: Target of a redirect (3xx).
    location: str | None = None
    #: Body produced chunk by chunk for bodies too large to hold; ``length`` must then be exact.
    stream: Callable[[], Iterator[bytes]] | None = None
    length: int | None = None
    #: Seconds to wait before sending the status line (slow-server tests).
    delay: float = 0.0
    #: Send a strong ETag (computed from the body) and answer If-None-Match.
    etag: bool = True

    @property
    def content_length(self) -> int:
        """Bytes the body will have on the wire."""
        if self.stream is not None:
            if self.length is None:
                raise ValueError("a streamed resource needs its exact length")
            return self.length
        return len(self.body)


def html_resource(
    text: str, *, charset: str = "utf-8", status: int = 200, last_modified: datetime = SITE_LAUNCHED
) -> Resource:
    """An HTML page encoded in ``charset`` and labelled with it (strict: unencodable text is a bug)."""
    return Resource(
        status=status,
        body=text.encode(charset),
        content_type=f"text/html; charset={charset}",
        last_modified=last_modified,
    )
