from __future__ import annotations

import re

import pytest

from crawler.extract import patterns


def test_empty_group_is_refused():
    with pytest.raises(ValueError, match="empty"):
        patterns.alternation((), name="nothing")


def test_empty_phrase_is_refused():
    with pytest.raises(ValueError, match="empty"):
        patterns.alternation(("版权所有", " "), name="blank")


def test_alternation_prefers_longest_phrase():
    match = re.search(patterns.alternation(("编辑", "责任编辑"), name="t"), "责任编辑：王五")
    assert match is not None
    assert match.group(0) == "责任编辑"


@pytest.mark.parametrize(
    "name",
    [
        "DISCLAIMER_PHRASES",
        "WIDGET_PHRASES",
        "AUTHOR_LABELS",
        "EDITOR_LABELS",
        "SOURCE_LABELS",
        "DATE_LABELS",
        "OUTLET_MARKERS",
        "BYLINE_FILLERS",
        "CLAUSE_WORDS",
    ],
)
def test_groups_are_simplified_and_nonempty(name):
    from crawler.extract.script import to_simplified

    group = getattr(patterns, name)
    assert group
    assert all(to_simplified(p) == p for p in group), "rules are matched on a simplified copy"
