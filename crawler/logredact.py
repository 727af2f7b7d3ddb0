"""Keep credentials out of every log line and traceback, whoever writes it.

A MONGO_URI with a password reaches logs in ways no single call site controls: Scrapy prints
"Overridden settings" (with `-s MONGO_URI=...` or scrapyd's `setting=`), drivers echo hosts in
errors, tracebacks show arguments. A log-record factory redacts the userinfo of every
`scheme://user:password@host` in each record's message, arguments and formatted traceback
before any handler sees it; uncaught exceptions are redacted the same way.

Passwords may hold anything a user can type: quotes, spaces, ':' and a raw '@'. So the
userinfo runs from `://` to the *last* '@' before the authority ends ('/', '?', '#' or the
end of the line); at worst a little more than the password is hidden, never less. The scan
is linear in the text (no regular expression backtracks over it).
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from typing import Any

MASK = "***:***"
#: Where a URL's authority (and so its userinfo) ends: one character class, searched once per authority.
_AUTHORITY_END_RE = re.compile(r"[/?#\r\n]")
_installed = False


def redact(text: str) -> str:
    """`scheme://user:password@host` → `scheme://***:***@host`, for every userinfo form."""
    if "@" not in text or "://" not in text:
        return text
    out: list[str] = []
    pos = 0  # text[:pos] is done
    end = -1  # end of the authority that holds the current '://' (cached: keeps the scan linear)
    last_at = -1  # last '@' before `end`
    search = 0
    while (start := text.find("://", search)) != -1:
        begin = start + 3
        if begin > end:
            end = _authority_end(text, begin)
            last_at = text.rfind("@", begin, end)
        if last_at >= begin:
            out.append(text[pos:begin])
            out.append(MASK)
            pos = last_at
            search = last_at + 1
        else:
            search = end if end > begin else begin
    out.append(text[pos:])
    return "".join(out)


def _authority_end(text: str, begin: int) -> int:
    match = _AUTHORITY_END_RE.search(text, begin)
    return match.start() if match else len(text)


def _clean(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def _redacted_record(record: logging.LogRecord) -> logging.LogRecord:
    record.msg = _clean(record.msg)
    if isinstance(record.args, dict):
        record.args = {k: _clean(v) for k, v in record.args.items()}
    elif isinstance(record.args, tuple):
        record.args = tuple(_clean(v) for v in record.args)
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        # Formatters reuse exc_text when it is set: the traceback is formatted once, here, redacted.
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def install() -> None:
    """Wrap the current log-record factory and sys.excepthook (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _redacted_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)

    def excepthook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        sys.stderr.write(redact("".join(traceback.format_exception(kind, value, tb))))

    sys.excepthook = excepthook
    _installed = True
