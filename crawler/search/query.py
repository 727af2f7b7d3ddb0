"""User input to a Mongo filter, where user strings are only ever values.

Terms become `{"terms": {"$all": [...]}}`, quoted phrases an escaped `$regex` on the simplified
title and text, and the filters (site, dates, author, source, section) `$eq`/`$in`/ranges.
Nothing the user types becomes a key or an operator: every value is checked to be a string
and wrapped in `$eq`/`$in` (so `{"$gt": ""}` or `$where` stay literal text), and phrases are
escaped for both regex dialects we meet (PCRE on MongoDB, Go RE2 on FerretDB).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.derived.terms import query_terms, to_simplified

#: Naive dates and times in filters are read in this zone (the default of the site profiles).
DEFAULT_TZ = "Asia/Shanghai"
MAX_TERMS = 32
MAX_PHRASES = 8
MAX_PHRASE_CHARS = 200

#: "…", “…” and 「…」 quote a phrase; an unclosed quote runs to the end.
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
#: Characters special in PCRE or RE2 outside a class; escaping them is valid in both.
_REGEX_SPECIAL = re.compile(r"([\\^$.|?*+()\[\]{}])")


class QueryError(ValueError):
    """The search input cannot be used; the message says what to change."""


def regex_literal(text: str) -> str:
    """A regex that matches text literally, on MongoDB (PCRE) and FerretDB (Go RE2) alike.

    `re.escape` also escapes spaces and other characters, escapes that RE2 rejects.
    """
    return _REGEX_SPECIAL.sub(r"\\\1", text)


def split_query(text: str) -> tuple[str, list[str]]:
    """The unquoted part of a query and its quoted phrases, in order."""
    rest: list[str] = []
    phrases: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        closing = _QUOTES.get(char)
        if closing is None:
            rest.append(char)
            i += 1
            continue
        end = text.find(closing, i + 1)
        end = len(text) if end < 0 else end
        phrases.append(text[i + 1 : end])
        rest.append(" ")
        i = end + 1
    return "".join(rest), [p.strip() for p in phrases if p.strip()]


def zone(tz: str | ZoneInfo) -> ZoneInfo:
    """The ZoneInfo for a name; QueryError for an unknown one."""
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise QueryError(f"unknown time zone {tz!r} (use e.g. Asia/Shanghai or UTC)") from None


def parse_when(value: str | date | datetime, tz: str | ZoneInfo, *, end: bool = False) -> datetime:
    """A filter bound in UTC: dates mean midnight in tz (the next midnight for an end bound)."""
    local = zone(tz)
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise QueryError(
                f"not a date: {value!r} (use YYYY-MM-DD or an ISO time like 2026-11-20T08:00)"
            ) from None
    try:
        if isinstance(value, datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=local)
            return moment.astimezone(UTC)
        if isinstance(value, date):
            day = value + timedelta(days=1) if end else value
            return datetime.combine(day, time(), local).astimezone(UTC)
    except OverflowError:
        # 0001-01-01 in a zone east of UTC, 9999-12-31 as an end: past what a datetime holds.
        # Every stored date is inside, so the bound is the first or last moment there is.
        return LATEST if end or _late(value) else EARLIEST
    raise QueryError(f"not a date: {value!r}")


#: The range a bound is clamped to (every stored date lies inside it).
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


def _late(value: date | datetime) -> bool:
    return value.year > 5000


def _strings(name: str, value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """Filter values as a list of non-empty strings; anything else is refused, never passed on."""
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise QueryError(f"{name} must be a string or a list of strings, got {type(value).__name__}")
    return [v.replace("\x00", "").strip() for v in values if v.strip()]


def _match(values: list[str]) -> dict[str, Any]:
    return {"$eq": values[0]} if len(values) == 1 else {"$in": values}


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: required terms, phrases, and filters; `filter()` is its Mongo filter."""

    text: str = ""
    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    #: Words of the query dropped as stopwords or punctuation (reported, not searched).
    ignored: tuple[str, ...] = field(default=(), compare=False)

    @property
    def needles(self) -> tuple[str, ...]:
        """What to look for in a text (lowercase, simplified): for snippets and ranking."""
        return (*self.terms, *(to_simplified(p).lower() for p in self.phrases))

    def filter(self) -> dict[str, Any]:
        """The Mongo filter; the same on MongoDB and FerretDB."""
        query: dict[str, Any] = {}
        if self.terms:
            query["terms"] = {"$all": list(self.terms)}
        if self.sites:
            query["site"] = _match(list(self.sites))
        if self.authors:
            query["authors"] = _match(list(self.authors))
        if self.sources:
            query["source"] = _match(list(self.sources))
        if self.sections:
            query["section"] = _match(list(self.sections))
        if self.since or self.until:
            bounds: dict[str, datetime] = {}
            if self.since:
                bounds["$gte"] = self.since
            if self.until:
                bounds["$lt"] = self.until
            query["published_at"] = bounds
        clauses = [self._phrase_clause(phrase) for phrase in self.phrases]
        if len(clauses) == 1:
            query.update(clauses[0])
        elif clauses:
            query["$and"] = clauses
        return query

    @staticmethod
    def _phrase_clause(phrase: str) -> dict[str, Any]:
        pattern = {"$regex": regex_literal(to_simplified(phrase)), "$options": "i"}
        return {"$or": [{"title_simplified": dict(pattern)}, {"text_simplified": dict(pattern)}]}

    def loosened(self) -> list[tuple[str, SearchQuery]]:
        """Each way to drop one condition, described as the user would undo it."""
        options: list[tuple[str, SearchQuery]] = []
        for phrase in self.phrases:
            options.append((f'the phrase "{phrase}"', replace(self, phrases=_without(self.phrases, phrase))))
        if len(self.terms) > 1:
            for term in self.terms:
                options.append((f"the term {term}", replace(self, terms=_without(self.terms, term))))
        for name, attr in (
            ("--site", "sites"),
            ("--author", "authors"),
            ("--source", "sources"),
            ("--section", "sections"),
        ):
            if getattr(self, attr):
                options.append((f"{name} {', '.join(getattr(self, attr))}", replace(self, **{attr: ()})))  # type: ignore[arg-type]
        if self.since:
            options.append(("--since", replace(self, since=None)))
        if self.until:
            options.append(("--until", replace(self, until=None)))
        return options


def _without(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(v for v in values if v != value)


def parse_query(
    text: str = "",
    *,
    site: str | list[str] | None = None,
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
    author: str | list[str] | None = None,
    source: str | list[str] | None = None,
    section: str | list[str] | None = None,
    tz: str | ZoneInfo = DEFAULT_TZ,
) -> SearchQuery:
    """Parse what a user typed (terms and "quoted phrases") plus filters; QueryError when unusable."""
    if not isinstance(text, str):
        raise QueryError(f"the query must be text, got {type(text).__name__}")
    unquoted, phrases = split_query(unicodedata.normalize("NFC", text.replace("\x00", "")))
    terms = query_terms(unquoted)
    if len(terms) > MAX_TERMS:
        raise QueryError(f"too many terms ({len(terms)}; at most {MAX_TERMS})")
    if len(phrases) > MAX_PHRASES:
        raise QueryError(f"too many phrases ({len(phrases)}; at most {MAX_PHRASES})")
    for phrase in phrases:
        if len(phrase) > MAX_PHRASE_CHARS:
            raise QueryError(f"phrase too long ({len(phrase)} characters; at most {MAX_PHRASE_CHARS})")
    words = [w for w in re.split(r"\s+", unquoted) if w]
    ignored = tuple(w for w in words if not query_terms(w))
    if words and not terms and not phrases:
        raise QueryError(
            f"nothing to search for in {' '.join(ignored)!r}: only stopwords or punctuation "
            '(put text in "double quotes" to find it exactly)'
        )
    since_at = parse_when(since, tz) if since is not None and since != "" else None
    until_at = parse_when(until, tz, end=True) if until is not None and until != "" else None
    if since_at and until_at and since_at >= until_at:
        raise QueryError("--since is not before --until: no article can match")
    return SearchQuery(
        text=text,
        terms=tuple(terms),
        phrases=tuple(phrases),
        sites=tuple(_strings("site", site)),
        authors=tuple(_strings("author", author)),
        sources=tuple(_strings("source", source)),
        sections=tuple(_strings("section", section)),
        since=since_at,
        until=until_at,
        ignored=ignored,
    )
