"""`newsarchive demo`: the whole product in one command on a fresh machine.

Starts the local database (unless MONGO_URI points elsewhere), serves the bundled demo news
site on 127.0.0.1, crawls it into the archive, and shows what was stored plus one query.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import typer
from rich.table import Table

from crawler.cli import app
from crawler.cli.console import err, fail, out
from crawler.cli.db import start_local_database
from crawler.store import DatabaseUnavailable, open_database, redact_uri


def _start_database() -> None:
    if os.environ.get("MONGO_URI"):
        err.print(f"using MONGO_URI: {redact_uri(os.environ['MONGO_URI'])}")
        return
    start_local_database()


def _articles_table(db: Any) -> Table:
    from crawler.profiles import load_profile

    tz = load_profile("demo").tz
    table = Table(
        "published (Asia/Shanghai)", "title", "site", "authors", "chars", title="articles stored for demo"
    )
    cursor = db.articles.find(
        {"site": "demo"}, {"title": 1, "published_at": 1, "site": 1, "authors": 1, "text": 1}
    ).sort("published_at", -1)
    for doc in cursor:
        published = doc.get("published_at")
        table.add_row(
            published.astimezone(tz).strftime("%Y-%m-%d %H:%M") if published else "-",
            doc.get("title") or "-",
            doc.get("site", ""),
            ", ".join(doc.get("authors") or []) or "-",
            str(len(doc.get("text") or "")),
        )
    return table


def _example_query(db: Any) -> None:
    query = {"site": "demo", "title": {"$regex": "县"}}
    projection = {"_id": 0, "title": 1, "published_at": 1}
    out.print("\n[bold]Example query[/] (demo articles whose title mentions 县, newest first):", markup=True)
    out.print(
        "  mongosh: db.articles.find("
        + json.dumps(query, ensure_ascii=False)
        + ", "
        + json.dumps(projection)
        + ').sort({"published_at": -1})'
    )
    for doc in db.articles.find(query, projection).sort("published_at", -1):
        out.print(f"  {doc['published_at']:%Y-%m-%d %H:%M} UTC  {doc['title']}")


@app.command("demo")
def demo(
    port: int = typer.Option(8642, help="Port for the demo site on 127.0.0.1 (article URLs include it)."),
    log_level: str = typer.Option("WARNING", help="Crawl log level (INFO shows every page)."),
) -> None:
    """Start the database, serve the bundled demo site, crawl it, and show what was stored."""
    from crawler.cli.running import run_crawl
    from crawler.demo.server import serve

    _start_database()
    try:
        client, db = open_database()
    except DatabaseUnavailable as exc:
        fail(str(exc))
    try:
        server, base_url = serve(port=port)
    except OSError as exc:
        fail(f"cannot serve the demo site on 127.0.0.1:{port} ({exc.strerror or exc}); use --port")
    err.print(f"demo news site served at {base_url}; crawling it ...")
    try:
        result = run_crawl("demo", base_url=base_url, settings={"LOG_LEVEL": log_level.upper()})
    finally:
        server.stop()
        logging.shutdown()
    out.print(_articles_table(db))
    out.print(
        f"crawl: {result.summary()}\ndatabase {db.name!r} now holds "
        f"{db.articles.count_documents({'site': 'demo'})} demo articles"
    )
    _example_query(db)
    client.close()
    if not result.ok:
        fail(f"the demo crawl did not complete ({result.finish_reason})")
    out.print(
        "\n[bold]Next[/]: ./run search 供暖 · ./run search 长跑 (finds the article published in "
        "traditional script) · ./run export -f jsonl -o demo.jsonl --site demo · ./run stats --days 30 · "
        "./run demo again (an incremental crawl: lists and feeds only, nothing stored twice)",
        markup=True,
    )
