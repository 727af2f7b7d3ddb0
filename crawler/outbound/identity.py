"""How the crawler introduces itself: the project, its version, and a contact the user sets.

Site operators who see an unknown crawler in their logs need to know what it is and whom to
ask; the contact (an e-mail address or URL) is the user's own: `CRAWL_CONTACT`, a profile's
`contact`, or $NEWSARCHIVE_CONTACT. Nothing is invented when none is given.
"""

from __future__ import annotations

import os
import re

from crawler import __version__

#: A contact is one short line of printable ASCII (it goes into an HTTP header as it is).
_CONTACT_RE = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?")


def check_contact(value: str) -> str:
    """The contact, stripped; ValueError for control characters, non-ASCII or more than 200 characters."""
    value = value.strip()
    if not _CONTACT_RE.fullmatch(value):
        raise ValueError(
            f"a contact is one line of printable ASCII, at most 200 characters "
            f"(an e-mail address or URL), got {value[:50]!r}"
        )
    return value


def user_agent(contact: str | None = None) -> str:
    """`newsarchive/<version> (archival crawler for regional news[; contact: <contact>])`."""
    details = "archival crawler for regional news"
    if contact:
        details += f"; contact: {check_contact(contact)}"
    return f"newsarchive/{__version__} ({details})"


def configured_contact(profile_contact: str | None, setting: str | None) -> str | None:
    """The contact in force: the profile's, else the CRAWL_CONTACT setting, else $NEWSARCHIVE_CONTACT."""
    return profile_contact or setting or os.environ.get("NEWSARCHIVE_CONTACT") or None
