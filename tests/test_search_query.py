"""User input to Mongo filters: terms, phrases, filters, dates, and nothing ever an operator."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from crawler.search.query import QueryError, parse_query, regex_literal, split_query

#: Every operator our filters may contain; anything else starting with $ came from the user.
OUR_OPERATORS = {"$all", "$eq", "$in", "$gte", "$lt", "$regex", "$options", "$or", "$and"}


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


def test_terms_must_all_match() -> None:
    assert parse_query("东营 水利").filter() == {"terms": {"$all": ["东营", "水利"]}}


def test_quoted_phrases_become_escaped_regexes_on_the_simplified_copies() -> None:
    query = parse_query('东营 "農田水利 (建设)" “候鸟”')
    assert query.terms == ("东营",)
    assert query.phrases == ("農田水利 (建设)", "候鸟")
    clauses = query.filter()["$and"]
    first = clauses[0]["$or"]
    assert [list(c) for c in first] == [["title_simplified"], ["text_simplified"]]
    assert first[0]["title_simplified"] == {"$regex": r"农田水利 \(建设\)", "$options": "i"}


def test_split_query_keeps_an_unclosed_phrase() -> None:
    assert split_query('a "b c') == ("a  ", ["b c"])
    assert split_query("「東營」 x") == ("  x", ["東營"])


@pytest.mark.parametrize("text", [".*", "[", "a+b=c", "(3.5%)", "$100.5", "^x$", "a|b", "{2}", "\\d"])
def test_regex_literal_matches_exactly_the_text(text: str) -> None:
    pattern = re.compile(regex_literal(text))
    assert pattern.search(f"before {text} after")
    assert pattern.fullmatch(text)
    assert not pattern.search("xyz 123")


@pytest.mark.parametrize(
    "text",
    ['{"$where": "sleep(100)"}', "$ne", '$where: "1 == 1"', "{$gt: ''}", '".*"', '"["', "$regex"],
)
def test_user_text_never_becomes_an_operator(text: str) -> None:
    query = parse_query(text, site=text, author=text, source=text, section=text)
    assert keys(query.filter()) <= OUR_OPERATORS | {
        "terms",
        "site",
        "authors",
        "source",
        "section",
        "title_simplified",
        "text_simplified",
    }
    assert query.filter()["authors"] == {"$eq": text}


@pytest.mark.parametrize("bad", [{"$gt": ""}, ["ok", {"$ne": 1}], 3])
def test_filter_values_must_be_strings(bad: Any) -> None:
    with pytest.raises(QueryError, match="author must be a string"):
        parse_query("", author=bad)


def test_several_values_are_alternatives() -> None:
    assert parse_query("", site=["a", "b"]).filter() == {"site": {"$in": ["a", "b"]}}


def test_dates_are_read_in_the_time_zone_and_until_includes_the_day() -> None:
    query = parse_query("", since="2026-11-20", until=date(2026, 11, 21))
    assert query.filter()["published_at"] == {
        "$gte": datetime(2026, 11, 19, 16, tzinfo=UTC),
        "$lt": datetime(2026, 11, 21, 16, tzinfo=UTC),
    }
    utc = parse_query("", since="2026-11-20T08:00", tz="UTC")
    assert utc.since == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert parse_query("", since="2026-11-20T08:00+08:00").since == datetime(2026, 11, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"since": "yesterday"}, "not a date"),
        ({"since": "2026-11-21", "until": "2026-11-20"}, "not before"),
        ({"tz": "Mars/Olympus"}, "unknown time zone"),
    ],
)
def test_unusable_input_is_explained(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query("东营", **{"since": "2026-11-20", **kwargs})


def test_text_without_any_term_is_refused_not_matched_against_everything() -> None:
    with pytest.raises(QueryError, match="nothing to search for"):
        parse_query(".* 的")
    assert parse_query('".*"').phrases == (".*",)


def test_loosened_lists_each_condition_once() -> None:
    query = parse_query('东营 水利 "候鸟"', site="demo", since="2026-11-20")
    described = [what for what, _ in query.loosened()]
    assert described == ['the phrase "候鸟"', "the term 东营", "the term 水利", "--site demo", "--since"]
