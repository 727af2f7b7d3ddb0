"""Open the archive database: which server, a client that fails loudly, secrets kept out of logs."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pymongo
from pymongo import MongoClient
from pymongo.errors import ConfigurationError, InvalidURI, OperationFailure, PyMongoError

from crawler import __version__
from crawler import settings as project
from crawler.logs.redact import redact
from crawler.project.defaults import connection_setting, connection_value, project_int

if TYPE_CHECKING:
    from pymongo.database import Database

# pymongo's DEBUG records carry whole commands (article text, filters): never let a crawl's
# DEBUG log level turn them on.
logging.getLogger("pymongo").setLevel(logging.INFO)

DEFAULT_DATABASE = "newsarchive"
#: How long to look for a server before giving up (fail fast, before any page is fetched).
DEFAULT_CONNECT_TIMEOUT_MS = project.MONGO_CONNECT_TIMEOUT_MS
#: Upper bound for any single operation: a wedged server fails the crawl instead of hanging it.
DEFAULT_OPERATION_TIMEOUT_MS = project.MONGO_TIMEOUT_MS


class DatabaseUnavailable(RuntimeError):
    """The archive database cannot be reached or used; the message says what to do."""


def redact_uri(uri: str) -> str:
    """The URI with any user name and password replaced, safe for logs and error messages."""
    return redact(uri)


def resolve_uri(configured: str | None = None) -> str:
    """MONGO_URI from the environment, else the configured value, else the project's local server."""
    uri = connection_value("MONGO_URI", configured)
    if uri:
        return uri
    from crawler.localdb.server import LocalServer

    return LocalServer.default().uri


def resolve_database(configured: str | None = None, uri: str | None = None) -> str:
    """MONGO_DATABASE from the environment, else configured, else the URI's path, else 'newsarchive'."""
    name = connection_value("MONGO_DATABASE", configured)
    if not name and uri:
        name = urlsplit(uri).path.strip("/") or None
    return name or DEFAULT_DATABASE


def _hint(uri: str) -> str:
    if os.environ.get("MONGO_URI"):
        return "Check MONGO_URI (is the server running and reachable from here?)."
    return (
        "Start the local database with `newsarchive db start`, or set MONGO_URI to a MongoDB server "
        "(e.g. MONGO_URI=mongodb://user:password@host:27017/)."
    )


def connect(
    uri: str,
    *,
    connect_timeout_ms: int = DEFAULT_CONNECT_TIMEOUT_MS,
    operation_timeout_ms: int = DEFAULT_OPERATION_TIMEOUT_MS,
    **options: Any,
) -> MongoClient[dict[str, Any]]:
    """A client that has answered a ping; DatabaseUnavailable (credentials redacted) otherwise."""
    safe = redact_uri(uri)
    try:
        client: MongoClient[dict[str, Any]] = MongoClient(
            uri,
            appname=f"newsarchive/{__version__}",
            serverSelectionTimeoutMS=connect_timeout_ms,
            connectTimeoutMS=connect_timeout_ms,
            timeoutMS=operation_timeout_ms,
            tz_aware=True,
            **options,
        )
    except (ConfigurationError, InvalidURI, ValueError, TypeError) as exc:
        raise DatabaseUnavailable(
            f"MONGO_URI {safe} is not a valid MongoDB URI: {_clean(exc, uri)}"
        ) from None
    try:
        # With timeoutMS set, server selection waits for timeoutMS, not serverSelectionTimeoutMS:
        # bound the first contact explicitly so an absent server fails within seconds.
        with pymongo.timeout(connect_timeout_ms / 1000):
            client.admin.command("ping")
    except OperationFailure as exc:
        client.close()
        raise DatabaseUnavailable(
            f"the database at {safe} refused the connection: {_clean(exc, uri)}. Check the credentials."
        ) from None
    except PyMongoError as exc:
        client.close()
        reason = _clean(exc, uri).split(", Timeout:")[0].split(" (configured timeouts")[0]
        raise DatabaseUnavailable(
            f"cannot reach the database at {safe} (waited {connect_timeout_ms / 1000:.0f}s: {reason}). "
            + _hint(uri)
        ) from None
    return client


def database_error(exc: Exception) -> str:
    """What to say when the server answered a read or write with an error (it is reachable).

    A server error is no lost connection: the usual cause is data, a stored document the
    server cannot read back. FerretDB 1.24 stores field names holding control characters,
    quotes or backslashes (newsarchive never writes them; other tools and older versions
    may have) and then fails every scan of that collection with `sjson.Unmarshal`.
    """
    details = getattr(exc, "details", None)
    message = details.get("errmsg") if isinstance(details, dict) else None
    text = str(message or exc)
    text = text.rsplit("] ", 1)[-1] if text.startswith("[") else text  # FerretDB's call chain
    hint = ""
    if "sjson" in text or "Unmarshal" in text:
        hint = (
            " A stored document has a field name the server cannot read back (written by another "
            "tool or an older version): find it with the server's own tools and rename or remove it"
        )
    return f"the database answered with an error ({type(exc).__name__}: {redact_uri(text)[:300]}).{hint}"


def _clean(exc: Exception, uri: str) -> str:
    """Error text with the URI's secrets removed (drivers sometimes echo the URI)."""
    text = str(exc)
    parts = urlsplit(uri) if "://" in uri else None
    if parts and parts.password:
        text = text.replace(parts.password, "***")
    return redact_uri(text)


def open_database(
    uri: str | None = None, database: str | None = None, **options: Any
) -> tuple[MongoClient[dict[str, Any]], Database[dict[str, Any]]]:
    """Client and database from explicit values, the environment or the local default."""
    uri = resolve_uri(uri)
    client = connect(uri, **options)
    return client, client[resolve_database(database, uri)]


def open_from_settings(
    settings: Any,
) -> tuple[MongoClient[dict[str, Any]], Database[dict[str, Any]]]:
    """Client and database from Scrapy settings (MONGO_*), the environment winning."""
    return open_database(
        connection_setting(settings, "MONGO_URI"),
        connection_setting(settings, "MONGO_DATABASE"),
        connect_timeout_ms=project_int(settings, "MONGO_CONNECT_TIMEOUT_MS"),
        operation_timeout_ms=project_int(settings, "MONGO_TIMEOUT_MS"),
    )
