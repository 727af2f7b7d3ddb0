"""Why extraction chose what it chose: every candidate of the title, date, authors, editors and source.

``newsarchive extract --explain FILE`` prints this report: per field, the candidates found on
the page with where they were read (the line, the element path, the declared value), their
weight and score, what refused some of them, and why the winner won. It is what a user reads
before writing a profile ``selectors`` entry: the element path of the right candidate is the
place to select.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from crawler.extract.article import extract_page

if TYPE_CHECKING:
    from crawler.extract.evidence import Candidate, Choice
    from crawler.extract.page import Page
    from crawler.extract.template import SiteTemplate
    from crawler.items import Article
    from crawler.profiles import SiteProfile

#: Candidates listed per field (the best first).
MAX_LISTED = 12
#: Characters of a value or an evidence line shown.
SHOWN_CHARS = 60


def explain_page(
    page: Page, profile: SiteProfile, *, template: SiteTemplate | None = None
) -> tuple[Article, dict[str, Choice]]:
    """The article and the choice made for each field (title, date, authors, editors, source)."""
    choices: dict[str, Choice] = {}
    article = extract_page(page, profile, template=template, choices=choices)
    return article, choices


def show_value(value: object) -> str:
    """A value as a person reads it: a date in ISO form, names joined, long text cut."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "(nobody)"
    text = " ".join(str(value or "").split())
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def winner(choice: Choice) -> Candidate | None:
    """The candidate the choice took (None when nothing won or the value was not one candidate's)."""
    taken = (c for c in choice.candidates if c.source == choice.source and c.value == choice.value)
    return next((c for c in taken if not c.refused), None)


def candidate_record(candidate: Candidate) -> dict[str, object]:
    """One candidate as plain data (what a bench or a JSON report keeps of it)."""
    return {
        "value": show_value(candidate.value),
        "source": candidate.source,
        "score": round(candidate.score or candidate.weight, 3),
        "evidence": show_value(candidate.evidence),
        "path": candidate.path,
        "refused": candidate.refused,
    }


def candidate_line(candidate: Candidate) -> str:
    """One candidate as ``--explain`` prints it: score, source, value, place, evidence, notes."""
    score = candidate.score or candidate.weight
    parts = [f"{score:5.2f}", f"{candidate.source:15}", show_value(candidate.value)]
    if candidate.path:
        parts.append(f"at {candidate.path}")
    if candidate.evidence and show_value(candidate.evidence) != show_value(candidate.value):
        parts.append(f"from {show_value(candidate.evidence)!r}")
    if candidate.notes:
        parts.append(f"({'; '.join(candidate.notes)})")
    if candidate.refused:
        parts.append(f"REFUSED: {candidate.refused}")
    return "    " + "  ".join(parts)


def format_choice(choice: Choice) -> list[str]:
    """The report of one field: the winner and why, then its candidates, best first."""
    head = f"{choice.field}: {show_value(choice.value) if choice.value not in (None, '', []) else '(none)'}"
    if choice.source:
        score = f", score {choice.score:.2f}" if isinstance(choice.score, int | float) else ""
        head += f"  [{choice.source}{score}]"
    lines = [head, f"  why: {choice.reason or 'no candidate'}"]
    ranked = sorted(choice.candidates, key=lambda c: (bool(c.refused), -(c.score or c.weight)))
    if ranked:
        lines.append(f"  candidates ({len(ranked)}):")
        lines += [candidate_line(c) for c in ranked[:MAX_LISTED]]
        if len(ranked) > MAX_LISTED:
            lines.append(f"    … {len(ranked) - MAX_LISTED} more")
    return lines


def format_explanation(path: str, article: Article, choices: dict[str, Choice]) -> str:
    """The whole report for one page."""
    lines = [f"== {path}"]
    for name in ("title", "date", "authors", "editors", "source"):
        if name in choices:
            lines += format_choice(choices[name])
    lines.append(f"photographers: {show_value(article.photographers)}")
    if article.layout:
        places = ", ".join(f"{k} at {v}" for k, v in article.layout.items())
        lines.append(f"places the site's template learner would count: {places}")
    return "\n".join(lines)
