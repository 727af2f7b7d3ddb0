"""The ASGI application: routes, templates, static files and the read-only, no-external-load policy.

Every page is rendered on the server by Jinja2 with autoescaping on, so whatever an archived
page held (a title with `<script>`) is shown as text. Only GET and HEAD are answered; the
app's own pages may load only the app's own CSS and script (Content-Security-Policy), and
archived pages are replayed under a sandbox policy of their own (crawler/web/replay.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import ChainableUndefined, Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from crawler.search.query import DEFAULT_TZ, zone
from crawler.web import format as fmt
from crawler.web import routes

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from crawler.archive import Archive

HERE = Path(__file__).resolve().parent
#: The app's own pages: nothing from elsewhere, no inline script, no framing by other sites.
APP_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
READ_METHODS = frozenset(("GET", "HEAD"))
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"]


@dataclass(frozen=True)
class WebConfig:
    """What the handlers need besides the request: the archive, where the WARC files are, the zone."""

    archive: Archive
    warc_dir: Path
    tz: str = DEFAULT_TZ
    per_page: int = 20
    #: Days of the articles-per-day chart.
    days: int = 30


class ReadOnly:
    """Refuse every method but GET and HEAD before any handler runs (the browser writes nothing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in READ_METHODS:
            response = PlainTextResponse(
                "this archive browser is read-only: only GET and HEAD are answered\n",
                status_code=405,
                headers={"Allow": "GET, HEAD"},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Default security headers; a response that sets its own Content-Security-Policy keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                defaults = {
                    b"content-security-policy": APP_POLICY.encode(),
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",
                    b"x-frame-options": b"DENY",
                }
                headers += [(k, v) for k, v in defaults.items() if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def template_environment() -> Environment:
    """Jinja2 with autoescaping on for every template (the archive's text is never markup)."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(fmt.FILTERS)
    return env


def create_app(
    archive: Archive,
    warc_dir: Path,
    *,
    tz: str = DEFAULT_TZ,
    allowed_hosts: list[str] | None = None,
    days: int = 30,
) -> Starlette:
    """The browser app over an open Archive; allowed_hosts guards a loopback server against DNS rebinding."""
    zone(tz)  # a clear QueryError now rather than on the first page
    templates = Jinja2Templates(env=template_environment())
    templates.env.globals["tz"] = tz
    middleware = [Middleware(ReadOnly), Middleware(SecurityHeaders)]
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))
    app = Starlette(
        routes=[
            Route("/", routes.home, name="home"),
            Route("/search", routes.search, name="search"),
            Route("/article", routes.article, name="article"),
            Route("/diff", routes.diff, name="diff"),
            Route("/replay", routes.replay, name="replay"),
            Route("/replay/original", routes.original, name="original"),
            Route("/go", routes.go, name="go"),
            Route("/changes", routes.changes, name="changes"),
            Route("/health", routes.health, name="health"),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=middleware,
        exception_handlers={routes.Problem: routes.problem, 404: routes.not_found, 500: routes.server_error},
    )
    app.state.config = WebConfig(archive=archive, warc_dir=warc_dir, tz=tz, days=days)
    app.state.templates = templates
    return app


def config_of(app: Any) -> WebConfig:
    """The WebConfig an app was created with."""
    return app.state.config
