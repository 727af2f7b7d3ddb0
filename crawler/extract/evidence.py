"""Candidates and choices: every value a page offers for a field, with where it was read and its score.

Title, date and credits are each chosen the same way: collect every candidate from the whole
page with its evidence (the line or attribute it was read from, the element's place in the
template), score it by the weight of its source and the agreement of the others, and keep
the best. ``newsarchive extract --explain`` prints these records.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Candidate:
    """One value the page offers for a field."""

    value: Any
    #: Where it was read (``heading``, ``og:title``, ``date-line-label``, ``header`` ...).
    source: str
    #: How far the source is trusted on its own (0..1).
    weight: float
    #: The weight plus agreement and position: what the choice compares.
    score: float = 0.0
    #: The text it was read from (a line of the page, a meta value).
    evidence: str = ""
    #: The element's place in the page's template (``htmltext.element_path``), when from a line.
    path: str = ""
    #: Why it may not win (a link to another article, after the fetch time ...), '' when it may.
    refused: str = ""
    #: What agrees with it, or other notes for the reader of ``--explain``.
    notes: list[str] = dataclasses.field(default_factory=list)


@dataclass(slots=True)
class Choice:
    """The value chosen for one field, and why."""

    field: str
    value: Any = None
    source: str | None = None
    score: float | None = None
    candidates: list[Candidate] = dataclasses.field(default_factory=list)
    #: Why the winner won (or why nothing did).
    reason: str = ""
    #: The winner's element path (what the site's template learner counts), '' when not from a line.
    path: str = ""
