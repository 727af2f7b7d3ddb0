"""Keep credentials out of every log line, whoever writes it.

A MONGO_URI with a password reaches logs in ways no single call site controls: Scrapy prints
"Overridden settings" (with `-s MONGO_URI=...` or scrapyd's `setting=`), drivers echo hosts in
errors, tracebacks show arguments. A log-record factory redacts `scheme://user:password@`
in every record's message and arguments before any handler formats it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_CREDENTIALS_RE = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/\s@'\"]+@", re.IGNORECASE)
_installed = False


def redact(text: str) -> str:
    """`scheme://user:password@host` → `scheme://***:***@host`."""
    if "@" not in text or "://" not in text:
        return text
    return _CREDENTIALS_RE.sub(r"\g<scheme>***:***@", text)


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def install() -> None:
    """Wrap the current log-record factory (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.msg = _clean(record.msg)
        if isinstance(record.args, dict):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_clean(v) for v in record.args)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
