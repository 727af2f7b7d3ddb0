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

Query parameters whose name looks like a secret have their value masked too, wherever a URL
is printed: `?tlsCertificateKeyFilePassword=` in MONGO_URI, `redis://host/0?password=` in a
frontier URL, `?access_token=` or `&X-Amz-Signature=` in a crawled URL.
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


#: A query parameter (`?name=value`, `&name=value`, `;name=value`): one pass, nothing backtracks
#: (names are bounded, values end at the first separator).
_PARAM_RE = re.compile(r"([?&;])([^=&#?;\s]{1,100})=([^&#;\s'\"<>]*)")
#: Words of a parameter name that make its value a secret (`tlsCertificateKeyFilePassword`,
#: `access_token`, `X-Amz-Signature`, `api-key`, `authMechanismProperties` ...).
SECRET_WORDS = frozenset(
    (
        "password", "passwd", "pwd", "pass", "passphrase", "secret", "token", "key", "apikey",
        "credential", "credentials", "signature", "sig", "auth", "authorization", "session",
        "sessionid", "sid", "jsessionid", "phpsessid", "jwt", "otp", "privatekey", "accesskey",
        "secretkey",
    )
)  # fmt: skip
SECRET_MASK = "***"  # noqa: S105 (what replaces a secret, not one)


def redact(text: str) -> str:
    """Userinfo (`scheme://user:password@host` → `scheme://***:***@host`) and secret-looking query values."""
    text = redact_userinfo(text)
    return redact_query(text) if "=" in text else text


def redact_query(text: str) -> str:
    """`?password=x&w=1` → `?password=***&w=1`: the value of every parameter whose name looks secret."""
    return _PARAM_RE.sub(_mask_param, text)


def _mask_param(match: re.Match[str]) -> str:
    if not match.group(3) or not is_secret_name(match.group(2)):
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}={SECRET_MASK}"


def is_secret_name(name: str) -> bool:
    """True when a word of the name (split at punctuation and camelCase) says its value is a secret."""
    words: list[str] = []
    current = ""
    previous = ""
    for char in name:
        if not char.isalnum():
            words.append(current)
            current = ""
        elif char.isupper() and previous.islower():
            words.append(current)
            current = char
        else:
            current += char
        previous = char
    words.append(current)
    return name.lower() in SECRET_WORDS or any(w.lower() in SECRET_WORDS for w in words if w)


def redact_userinfo(text: str) -> str:
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
    """A log argument with its secrets masked; objects (Scrapy's Request, Response) by their text."""
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, int | float | bytes):
        return value
    text = str(value)
    masked = redact(text)
    return value if masked == text else masked


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
