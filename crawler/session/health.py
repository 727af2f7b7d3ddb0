"""Health checks after each run: the signs that a site changed its layout or started failing.

A site that silently changes its templates does not make a crawl fail; it makes it store
empty texts, lose dates, or find nothing new. These checks turn that into warnings on the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.project.defaults import project_float, project_int


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Limits above which a run gets a warning (rates are fractions)."""

    max_empty_text_rate: float = 0.2
    max_missing_date_rate: float = 0.3
    max_error_rate: float = 0.1
    #: Warn when this many finished runs in a row (this one included) found nothing new.
    zero_new_runs: int = 3
    #: Rates are not judged on fewer pages or articles than this.
    min_sample: int = 5

    @classmethod
    def from_settings(cls, settings: Any) -> Thresholds:
        """HEALTH_* settings."""
        return cls(
            max_empty_text_rate=project_float(settings, "HEALTH_MAX_EMPTY_TEXT_RATE"),
            max_missing_date_rate=project_float(settings, "HEALTH_MAX_MISSING_DATE_RATE"),
            max_error_rate=project_float(settings, "HEALTH_MAX_ERROR_RATE"),
            zero_new_runs=project_int(settings, "HEALTH_ZERO_NEW_RUNS"),
            min_sample=project_int(settings, "HEALTH_MIN_SAMPLE"),
        )


def check_run(run: dict[str, Any], previous: list[dict[str, Any]], limits: Thresholds) -> dict[str, Any]:
    """Rates of this run and the warnings they raise; previous: earlier runs of the site, newest first."""
    extracted = run.get("articles_new", 0) + run.get("articles_updated", 0) + run.get("articles_unchanged", 0)
    dropped = run.get("articles_dropped", 0)
    fresh = run.get("articles_new", 0) + run.get("articles_updated", 0)
    pages = run.get("pages_fetched", 0)
    rates = {
        "empty_text": _rate(dropped, extracted + dropped),
        "missing_date": _rate(run.get("articles_missing_date", 0), fresh),
        "errors": _rate(run.get("errors", 0), pages),
    }
    warnings = []
    if extracted + dropped >= limits.min_sample and rates["empty_text"] > limits.max_empty_text_rate:
        warnings.append(
            f"{rates['empty_text']:.0%} of article pages gave no text ({dropped} of {extracted + dropped}): "
            "has the site's layout changed? check `selectors` in the profile"
        )
    if fresh >= limits.min_sample and rates["missing_date"] > limits.max_missing_date_rate:
        warnings.append(
            f"{rates['missing_date']:.0%} of new or updated articles have no publication date "
            f"({run.get('articles_missing_date', 0)} of {fresh}): check `selectors.date` in the profile"
        )
    if pages >= limits.min_sample and rates["errors"] > limits.max_error_rate:
        warnings.append(
            f"{rates['errors']:.0%} of fetches failed ({run.get('errors', 0)} errors in {pages} pages)"
        )
    if failed := run.get("extraction_failed", 0):
        warnings.append(
            f"{failed} article pages failed extraction (over the time budget, or a worker crashed); "
            "they are kept in the WARC: `newsarchive reextract --failed` retries them"
        )
    finished = [r for r in previous if r.get("status") == "finished"][: limits.zero_new_runs - 1]
    if (
        run.get("articles_new", 0) == 0
        and len(finished) == limits.zero_new_runs - 1
        and all(r.get("articles_new", 0) == 0 for r in finished)
    ):
        warnings.append(
            f"no new articles in the last {limits.zero_new_runs} runs: is discovery still finding the site's "
            "lists and feeds?"
        )
    return {"rates": rates, "warnings": warnings}


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
