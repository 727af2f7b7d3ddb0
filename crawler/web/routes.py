"""The pages: home, search, article, diff, replay, go, changes, health. Every handler only reads.

Handlers are plain functions (Starlette runs them in its thread pool), since pymongo blocks.
They read through `crawler.archive.Archive` and `crawler.stats`, never with queries of their
own, so a faster search or stats path behind that API speeds the browser up too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from crawler.search.query import QueryError, parse_when, zone
from crawler.search.snippets import highlight, make_snippet
from crawler.search.trends import PERIODS, trend
from crawler.stats.changes import KINDS as CHANGE_KINDS
from crawler.stats.figures import figures_for
from crawler.store.history import backfill_states
from crawler.stories.index import StoryIndex
from crawler.web import format as fmt
from crawler.web import replay as replays
from crawler.web.chart import per_day_chart, trend_chart
from crawler.web.diff import field_changes, text_diff
from crawler.web.stored import shown

if TYPE_CHECKING:
    from starlette.requests import Request

    from crawler.web.app import WebConfig

#: Fields the article page shows in their own places; any other stored field is listed as is.
SHOWN_FIELDS = frozenset(
    (
        "_id", "url", "canonical_url", "site", "title", "text", "authors", "source", "editors",
        "published_at", "date_precision", "modified_at", "script", "quality", "section", "tags", "categories",
        "description", "language", "first_seen", "last_seen", "fetched_at", "version", "version_since",
        "state", "history", "events", "warc", "page_urls", "missing_pages", "status", "encoding",
        "content_hash", "extractor_version", "etag", "last_modified", "schema_version", "story",
    )
)  # fmt: skip
#: Never shown: search-index copies of the text (large, and the same words again).
HIDDEN_FIELDS = frozenset(
    (
        "terms",
        "title_terms",
        "title_simplified",
        "text_simplified",
        "terms_version",
        "terms_source",
        "fingerprints",
    )
)
SORTS = ("date", "relevance")
#: How many runs of a site are looked at for "the runs that saw this article".
RUNS_LOOKED_AT = 200
MAX_PAGE = 500
MAX_PER_PAGE = 100


class Problem(Exception):
    """A page that cannot be shown; the reader gets its title and message with its status."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def _config(request: Request) -> WebConfig:
    return request.app.state.config


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


def _int(request: Request, name: str, default: int, low: int = 0, high: int = 10**9) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Problem(400, "Bad parameter", f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise Problem(400, "Bad parameter", f"{name} must be {low}..{high}, not {value}")
    return value


def _stored_article(request: Request) -> dict[str, Any]:
    url = request.query_params.get("url", "").strip()
    if not url:
        raise Problem(400, "No article given", "Add ?url=THE_ARTICLE_URL, or find the article by search.")
    doc = _config(request).archive.get(url)
    if doc is None:
        raise Problem(404, "Not in the archive", f"No stored article has the address {url}.")
    return shown(doc)


# Home -------------------------------------------------------------------------------------------


def home(request: Request) -> Response:
    """Sites with their counts and last run, the latest runs, and a search box."""
    config = _config(request)
    figures = figures_for(config.archive, days=config.days, tz=config.tz)
    last_runs = {s.site: next(iter(config.archive.runs(s.site, limit=1)), None) for s in figures.sites}
    context = {
        "figures": figures,
        "last_runs": last_runs,
        "runs": config.archive.runs(limit=10),
        "total": sum(s.articles for s in figures.sites),
    }
    return _render(request, "home.html", context)


# Search -----------------------------------------------------------------------------------------


@dataclass
class Hit:
    """One search result as the page shows it."""

    doc: dict[str, Any]
    title: list[tuple[str, bool]]
    snippet: list[tuple[str, bool]]
    number: int


def search(request: Request) -> Response:
    """The same engine and filters as `newsarchive search`, with marked snippets and paging."""
    config = _config(request)
    params = request.query_params
    form = {
        name: params.get(name, "").strip()
        for name in ("q", "site", "since", "until", "author", "source", "section")
    }
    form["sort"] = params.get("sort", "date")
    form["per"] = params.get("per", "").strip()
    form["by"] = params.get("by", "week")
    context: dict[str, Any] = {"form": form, "hits": [], "error": None, "hints": [], "page": 1, "more": False}
    context["link"] = lambda **changes: "/search?" + _query_string(form, **changes)
    context["sites"] = config.archive.crawled_sites()
    try:
        page = _int(request, "page", 1, 1, MAX_PAGE)
        per_page = _int(request, "per", config.per_page, 1, MAX_PER_PAGE)
        if form["sort"] not in SORTS:
            raise QueryError(f"sort must be date or relevance, not {form['sort']!r}")
        if form["by"] not in PERIODS:
            raise QueryError(f"by must be one of {', '.join(PERIODS)}, not {form['by']!r}")
        query = config.archive.query(
            form["q"],
            site=form["site"] or None,
            since=form["since"] or None,
            until=form["until"] or None,
            author=form["author"] or None,
            source=form["source"] or None,
            section=form["section"] or None,
            tz=config.tz,
        )
    except Problem as exc:
        context["error"] = exc.message
        return _render(request, "search.html", context, 400)
    except QueryError as exc:
        context["error"] = str(exc)
        return _render(request, "search.html", context, 400)
    skip = (page - 1) * per_page
    # One more than a page says whether there is a next page without counting every hit.
    results = config.archive.search(query, sort=form["sort"], limit=per_page + 1, skip=skip)  # type: ignore[arg-type]
    results = [shown(doc) for doc in results]
    context.update(page=page, more=len(results) > per_page, ignored=query.ignored)
    context["hits"] = [
        Hit(
            doc=doc,
            title=fmt.segments(highlight(doc.get("title") or "(no title)", query.needles)),
            snippet=fmt.segments(make_snippet(doc, query.needles, width=160)),
            number=number,
        )
        for number, doc in enumerate(results[:per_page], skip + 1)
    ]
    if not results and page == 1:
        context["hints"] = [(what, n) for what, n in config.archive.loosen(query) if n]
    if results and query.needles and not config.archive.index_missing:
        # the matches per period and site (not on FerretDB without its index: a full scan per page)
        found = trend(config.archive, query, by=form["by"], tz=zone(config.tz))
        context["trend"] = (found, trend_chart(found))
    return _render(request, "search.html", context)


def _query_string(form: dict[str, str], **changes: Any) -> str:
    values = {**form, **changes}
    return "&".join(f"{k}={quote(str(v), safe='')}" for k, v in values.items() if v not in ("", None))


# Article ----------------------------------------------------------------------------------------


def _runs_that_saw(
    config: WebConfig, doc: dict[str, Any], versions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Runs of the article's site during which it was stored, changed, marked gone or last seen.

    An article keeps the moments it was written (first and last seen, each version's start and
    end, each event, each archived fetch); a run saw it when one of them falls in the run.
    """
    moments = [doc.get("first_seen"), doc.get("last_seen"), doc.get("version_since"), doc.get("fetched_at")]
    moments += [v.get(k) for v in versions for k in ("since", "until", "fetched_at")]
    moments += [e.get("at") for e in doc.get("events") or [] if isinstance(e, dict)]
    times = sorted({m.astimezone(UTC) for m in moments if isinstance(m, datetime)})
    if not times or not doc.get("site"):
        return []
    now = datetime.now(UTC)
    seen = []
    for run in config.archive.runs(doc["site"], limit=RUNS_LOOKED_AT):
        start, end = run.get("started_at"), run.get("finished_at") or now
        if (
            isinstance(start, datetime)
            and isinstance(end, datetime)
            and any(start <= t <= end for t in times)
        ):
            seen.append(run)
    return seen


def article(request: Request) -> Response:
    """Everything stored about one article, its versions and the way to its raw pages."""
    config = _config(request)
    doc = _stored_article(request)
    versions = _versions(config, doc)
    extra = {k: v for k, v in doc.items() if k not in SHOWN_FIELDS and k not in HIDDEN_FIELDS}
    numbers = [v.get("version") for v in versions] + [doc.get("version", 1)]
    context = {
        "doc": doc,
        "versions": versions,
        "numbers": numbers,
        "runs": _runs_that_saw(config, doc, versions),
        "extra": extra,
        "paragraphs": [p for p in (doc.get("text") or "").splitlines() if p.strip()],
        "quality": doc.get("quality") if isinstance(doc.get("quality"), dict) else {},
        "copies": _copies(config, doc),
    }
    return _render(request, "article.html", context)


def _versions(config: WebConfig, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The article's earlier versions as the pages show them (see crawler/web/stored.py)."""
    return [shown(v) for v in config.archive.versions(doc)]


def _copies(config: WebConfig, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every copy of the article's story (itself included), first published first; [] when alone."""
    story = doc.get("story")
    if not isinstance(story, str):
        return []
    index = StoryIndex.for_database(config.archive.db, write=False)
    try:
        copies = index.copies(story)
    finally:
        index.close()
    return copies if len(copies) > 1 else []


def _version(config: WebConfig, doc: dict[str, Any], number: int) -> dict[str, Any]:
    if number == doc.get("version", 1):
        return doc
    found = next((v for v in _versions(config, doc) if v.get("version") == number), None)
    if found is None:
        raise Problem(404, "Version not kept", f"The archive does not hold version {number} of this article.")
    return found


def diff(request: Request) -> Response:
    """What changed between two versions of an article (paragraphs, then characters)."""
    config = _config(request)
    doc = _stored_article(request)
    current = int(doc.get("version") or 1)
    a = _int(request, "a", max(1, current - 1), 1, current)
    b = _int(request, "b", current, 1, current)
    old, new = _version(config, doc, min(a, b)), _version(config, doc, max(a, b))
    context = {
        "doc": doc,
        "old": old,
        "new": new,
        "a": min(a, b),
        "b": max(a, b),
        "numbers": list(range(1, current + 1)),
        "diff": text_diff(old.get("text"), new.get("text")),
        "fields": field_changes(old, new),
    }
    return _render(request, "diff.html", context)


# Replay -----------------------------------------------------------------------------------------


def _replay(request: Request) -> tuple[replays.Replay, dict[str, Any]]:
    """The archived page asked for (page, version) and the stored article it belongs to."""
    config = _config(request)
    doc = _stored_article(request)
    page = _int(request, "page", 0, 0, 10_000)
    number = _int(request, "version", 0, 0)
    source = doc if not number else _version(config, doc, number)
    try:
        return replays.load({**source, "site": doc.get("site")}, page, config.warc_dir), doc
    except replays.ReplayError as exc:
        raise Problem(404, "Cannot replay this page", str(exc)) from exc


def replay(request: Request) -> Response:
    """The archived page as fetched, decoded as the crawler did, in a sandbox with no outside loads."""
    config = _config(request)
    loaded, doc = _replay(request)
    banner = {
        "text": replays.describe(loaded, lambda t: fmt.when(t, config.tz, seconds=True)),
        "article page": "/article?url=" + quote(doc["_id"], safe=""),
        "original bytes": "/replay/original?" + request.url.query,
    }
    try:
        body = replays.rewrite(loaded, banner)
    except replays.ReplayError as exc:
        raise Problem(422, "Cannot replay this page", str(exc)) from exc
    return Response(
        body,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": replays.REPLAY_POLICY, "Cache-Control": "no-store"},
    )


def original(request: Request) -> Response:
    """The archived bytes exactly as received, labelled with the charset the crawler decoded them with."""
    loaded, _ = _replay(request)
    return Response(
        loaded.capture.body,
        headers={
            "Content-Type": f"text/plain; charset={loaded.charset}",
            "Content-Security-Policy": replays.REPLAY_POLICY,
            "X-Archive-Encoding-Source": loaded.decoded.source,
        },
    )


def go(request: Request) -> Response:
    """A link followed inside a replayed page: its archived copy, or the address as text."""
    url = request.query_params.get("url", "").strip()
    doc = _config(request).archive.get(url) if url else None
    if doc is not None and doc.get("warc"):
        return RedirectResponse("/replay?url=" + quote(doc["_id"], safe=""), status_code=303)
    if doc is not None:
        return RedirectResponse("/article?url=" + quote(doc["_id"], safe=""), status_code=303)
    return _render(request, "go.html", {"url": url}, 404)


# Changes ----------------------------------------------------------------------------------------

#: Changes listed per page of /changes (each row looks its article up for the title).
CHANGES_PER_PAGE = 100


def changes(request: Request) -> Response:
    """Edits (with their diff) and take-downs per site and day, newest first."""
    config = _config(request)
    site = request.query_params.get("site", "").strip()
    kind = request.query_params.get("kind", "").strip()
    if kind and kind not in CHANGE_KINDS:
        raise Problem(400, "Bad parameter", f"kind must be one of {', '.join(CHANGE_KINDS)}, not {kind!r}")
    since_text = request.query_params.get("since", "").strip()
    try:
        since = parse_when(since_text, config.tz) if since_text else None
    except QueryError as exc:
        raise Problem(400, "Bad parameter", str(exc)) from None
    page = _int(request, "page", 1, 1, MAX_PAGE)
    found = config.archive.changes(
        sites=[site] if site else None, since=since, kinds=[kind] if kind else None
    )
    shown = found[(page - 1) * CHANGES_PER_PAGE : page * CHANGES_PER_PAGE]
    articles = {doc["_id"]: doc for doc in config.archive.fetch(list(dict.fromkeys(c.url for c in shown)))}
    days: list[dict[str, Any]] = []
    for change in shown:
        day = fmt.when(change.at, config.tz)[:10] if change.at else "-"
        if not days or (days[-1]["day"], days[-1]["site"]) != (day, change.site):
            days.append({"day": day, "site": change.site, "rows": []})
        doc = articles.get(change.url) or {}
        event = next(
            (e for e in doc.get("events") or [] if isinstance(e, dict) and e.get("seq") == change.seq), {}
        )
        days[-1]["rows"].append({"change": change, "title": doc.get("title"), "reason": event.get("reason")})
    form = {"site": site, "kind": kind, "since": since_text}
    context = {
        "days": days,
        "form": form,
        "kinds": CHANGE_KINDS,
        "total": len(found),
        "counts": {k: sum(1 for c in found if c.kind == k) for k in CHANGE_KINDS},
        "page": page,
        "pages": max(1, -(-len(found) // CHANGES_PER_PAGE)),
        "query": lambda **changes: _query_string(form, **changes),
        "complete": config.archive.sequence_complete(),
    }
    return _render(request, "changes.html", context)


# Health -----------------------------------------------------------------------------------------


def health(request: Request) -> Response:
    """Per site: articles per day, pages without text, extraction failures, missing fields, runs, backfill."""
    config = _config(request)
    site = request.query_params.get("site", "").strip()
    days = _int(request, "days", config.days, 1, 3660)
    figures = figures_for(config.archive, days=days, tz=config.tz, sites=[site] if site else None)
    sites: list[dict[str, Any]] = []
    backfill = backfill_states(config.archive.articles.database, [site] if site else None)
    for stats in figures.sites:
        runs = config.archive.runs(stats.site, limit=10)
        sites.append(
            {
                "stats": stats,
                "chart": per_day_chart(figures.days, stats.per_day),
                "runs": runs,
                "last": runs[0] if runs else None,
                "dropped": sum(int(r.get("articles_dropped") or 0) for r in runs),
                "fetched": sum(int(r.get("pages_fetched") or 0) for r in runs),
                "history": backfill.get(stats.site, "no list walked yet"),
            }
        )
    if site and not sites:
        raise Problem(404, "No such site", f"The archive holds no articles of {site!r}.")
    shares = config.archive.change_shares(sites=[site] if site else None, tz=config.tz)
    for entry in sites:
        entry["shares"] = shares.sites.get(entry["stats"].site, [])
    context = {"figures": figures, "sites": sites, "site": site, "days": days, "percent": fmt.percent}
    context["sequence_complete"] = config.archive.sequence_complete()
    return _render(request, "health.html", context)


# Errors -----------------------------------------------------------------------------------------


def _problem_page(request: Request, status: int, title: str, message: str) -> Response:
    return _render(request, "problem.html", {"title": title, "message": message}, status)


async def problem(request: Request, exc: Exception) -> Response:
    """A Problem raised by a handler, as a page."""
    if not isinstance(exc, Problem):
        raise exc
    return _problem_page(request, exc.status, exc.title, exc.message)


async def not_found(request: Request, exc: Exception) -> Response:
    """Unknown paths."""
    return _problem_page(request, 404, "Not found", f"Nothing here: {request.url.path}")


async def server_error(request: Request, exc: Exception) -> Response:
    """What the reader sees when a page fails: never the error's text (it may quote files or data).

    The traceback goes to the server's log (Starlette re-raises the error after this page).
    """
    return _problem_page(
        request,
        500,
        "This page failed",
        f"An error inside the archive browser ({type(exc).__name__}); the server's log has the details.",
    )
