from __future__ import annotations

from typing import Any

import pytest

from crawler.extensions.progress import progress_figures, progress_line
from crawler.session.health import Thresholds, check_run

LIMITS = Thresholds()


def run(**figures: Any) -> dict[str, Any]:
    base = {
        "pages_fetched": 100,
        "articles_new": 20,
        "articles_updated": 0,
        "articles_unchanged": 10,
        "articles_dropped": 0,
        "articles_missing_date": 0,
        "errors": 0,
        "status": "finished",
    }
    return {**base, **figures}


def test_a_healthy_run_has_no_warnings() -> None:
    assert check_run(run(), [], LIMITS)["warnings"] == []


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ({"articles_dropped": 15}, "33% of article pages gave no text (15 of 45)"),
        ({"articles_missing_date": 10}, "50% of new or updated articles have no publication date (10 of 20)"),
        ({"errors": 25}, "25% of fetches failed (25 errors in 100 pages)"),
    ],
)
def test_rates_over_the_limit_warn(figures: dict[str, Any], expected: str) -> None:
    [warning] = check_run(run(**figures), [], LIMITS)["warnings"]
    assert warning.startswith(expected)


def test_small_samples_are_not_judged() -> None:
    assert (
        check_run(
            run(pages_fetched=3, errors=2, articles_new=1, articles_unchanged=0, articles_dropped=2),
            [],
            LIMITS,
        )["warnings"]
        == []
    )


def test_zero_new_articles_for_n_runs() -> None:
    quiet = run(articles_new=0)
    assert check_run(quiet, [quiet], LIMITS)["warnings"] == []  # two quiet runs: not yet
    [warning] = check_run(quiet, [quiet, quiet, run()], LIMITS)["warnings"]
    assert warning.startswith("no new articles in the last 3 runs")
    assert check_run(quiet, [quiet, run()], LIMITS)["warnings"] == []


def test_progress_line() -> None:
    stats = {
        "response_received_count": 30,
        "store/seen_new": 10,
        "store/seen_unchanged": 5,
        "store/seen_not_modified": 2,
        "fetch/http_error/404": 1,
        "incremental/skipped_known": 7,
    }
    line = progress_line("demo", progress_figures(stats, elapsed=60))
    assert line == (
        "demo: 30 pages (30/min); articles 10 new, 0 updated, 7 unchanged, 0 gone, 0 without text; "
        "7 archived not due; 1 errors"
    )
