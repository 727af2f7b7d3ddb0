"""Every way into the archive, fuzzed: spill files, profiles, sitemaps and feeds, stored documents.

Hypothesis generates what others hand over or write (spill files, profile files, a site's
sitemaps and feeds, documents in the unauthenticated local database) and feeds them to
`import`, `crawl`, `web` and `export`. Whatever comes in: no traceback (a FILE:LINE or field
message instead), nothing outside the archive read, the archive readable afterwards, nothing
lost (every good record stored, every bad one named). Bounded: modest example counts, no
deadlines where servers are involved.
"""

from __future__ import annotations

import json
import string
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from bson import json_util
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.archive import Archive
from crawler.archive.writer import open_store
from crawler.export import export_articles
from crawler.profiles import ProfileError, parse_profile
from crawler.search.query import parse_query
from crawler.store.documents import article_document, storable
from crawler.store.spill import load_spill
from spiders.news import NewsSpider
from tests.browser_tools import request, web_server
from tests.conftest import FAST_CRAWL, cli_environment, run_cli
from tests.fixture_site import FixtureSite, write_profile
from tests.hostile_site import PARAGRAPH, article_html
from tests.test_store_articles import T0, article

if TYPE_CHECKING:
    from pathlib import Path

    from pymongo.database import Database

SERVERS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
SECRET = "outside-the-archive-7f3c"

# Values ----------------------------------------------------------------------------------------

#: Field names with every character FerretDB or MongoDB trips on, and plain ones.
HOSTILE_KEY = st.text(alphabet=st.sampled_from(list('ab.$\\"\x00\n\t\x01 é中_')), min_size=1, max_size=6)
JSON_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
JSON_VALUE = st.recursive(
    JSON_SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HOSTILE_KEY, inner, max_size=3),
    max_leaves=8,
)
#: Extended JSON that json_util turns into objects, well formed or not.
EXTENDED = st.sampled_from(
    [
        {"$date": "not a date"},
        {"$date": {"$numberLong": "99999999999999999999999"}},
        {"$oid": 5},
        {"$numberLong": "x"},
        {"$binary": {"base64": "!!", "subType": "00"}},
        {"$regex": "(a|aa)+", "$options": "z"},
        {"$numberDecimal": "1e99999"},
        {"$date": "2026-11-27T01:30:00Z"},
    ]
)
POINTERS = st.sampled_from(
    [
        {"file": "/etc/passwd", "offset": 0},
        {"file": "../secret.warc.gz", "offset": 0},
        {"file": "demo/../../secret.warc.gz", "offset": 0},
        {"file": "demo/x.warc.gz", "offset": -5},
        {"file": "demo\\..\\x.warc.gz", "offset": 0},
        {"offset": 0},
        "demo/x.warc.gz",
        {"file": "demo/missing.warc.gz", "offset": 0, "length": 10},
    ]
)
SCHEMA_FIELDS = [
    "_id",
    "title",
    "text",
    "authors",
    "published_at",
    "warc",
    "site",
    "url",
    "content_hash",
    "version",
]


def _good(n: int) -> dict[str, Any]:
    return storable(article_document(article(n), T0))


@st.composite
def spill_lines(draw: Any) -> list[tuple[bytes, int | None]]:
    """Lines of a spill file, each with the article number it stores when it is a good record."""
    lines: list[tuple[bytes, int | None]] = []
    for index in range(draw(st.integers(min_value=1, max_value=6))):
        n = 100 + index
        kind = draw(
            st.sampled_from(["good", "hostile-keys", "wrong-field", "pointer", "junk", "extended", "visit"])
        )
        doc = _good(n)
        if kind == "good":
            lines.append((json_util.dumps(doc, ensure_ascii=False).encode(), n))
            continue
        if kind == "hostile-keys":
            doc.update(draw(st.dictionaries(HOSTILE_KEY, JSON_VALUE, min_size=1, max_size=3)))
            doc["quality"] = draw(st.dictionaries(HOSTILE_KEY, JSON_VALUE, max_size=3))
        elif kind == "wrong-field":
            doc[draw(st.sampled_from(SCHEMA_FIELDS))] = draw(JSON_VALUE)
        elif kind == "pointer":
            doc["warc"] = [draw(POINTERS)]
        elif kind == "extended":
            doc[draw(st.sampled_from([*SCHEMA_FIELDS, "extra"]))] = draw(EXTENDED)
        elif kind == "visit":
            doc = {"_id": doc["_id"], "_spill": {"kind": "visit"}, "visit": draw(JSON_VALUE)}
        if kind == "junk":
            raw = draw(st.binary(max_size=40).filter(lambda b: b"\n" not in b))
        else:
            raw = json.dumps(doc, default=json_util.default, ensure_ascii=False).encode()
        lines.append((raw, None))
    return lines


# Spill files -> import ------------------------------------------------------------------------


@SERVERS
@given(lines=spill_lines())
def test_any_spill_file_stores_its_good_records_and_names_the_rest(
    mongo_db: Database[dict[str, Any]], tmp_path: Path, lines: list[tuple[bytes, int | None]]
) -> None:
    mongo_db.articles.drop()
    path = tmp_path / "handed-over.jsonl"
    path.write_bytes(b"\n".join(raw for raw, _ in lines) + b"\n")
    store = open_store(mongo_db, search_index=False)
    store.load_known()
    loaded = load_spill(store, path)  # raises nothing: every problem is a line's message
    rejected = store.take_rejected()
    stored = {doc["_id"] for doc in mongo_db.articles.find({}, {"_id": 1})}  # readable afterwards
    for problem in loaded.problems:  # FILE:LINE: what is wrong
        assert problem.startswith(f"{path}:"), problem
        number = problem.removeprefix(f"{path}:").split(":")[0]
        assert number.isdigit() and 1 <= int(number) <= len(lines), problem
    for number, (_, good) in enumerate(lines, 1):
        if good is not None:
            assert f"http://a.cn/p/{good}.htm" in stored, f"line {number} was a good record"
    blank = sum(1 for raw, _ in lines if _is_blank(raw))
    assert loaded.records + len(loaded.problems) == len(lines) - blank  # every line stored, refused or named
    assert len(rejected) <= loaded.records
    _export_all(Archive(mongo_db), tmp_path)


def _is_blank(raw: bytes) -> bool:
    try:
        return not raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return False


def _export_all(archive: Archive, folder: Path) -> None:
    fields = ["_id", "title", "text", "authors", "published_at", "warc", "quality", "version"]
    for fmt in ("jsonl", "csv", "parquet"):
        export_articles(archive, parse_query(""), fmt, folder / f"all.{fmt}", fields)


# Profiles -------------------------------------------------------------------------------------

PATTERN = st.text(alphabet=st.sampled_from(list("a|()*+?{}[]\\d.^$,1-")), min_size=1, max_size=14)
PROFILE_VALUES = {
    "name": st.one_of(st.just("fz"), st.text(max_size=8)),
    "base_url": st.sampled_from(
        ["http://fz.example/", "ftp://x/", "http://[::1/", "http://fz.example:1:2/", ""]
    ),
    "article_patterns": st.lists(PATTERN, max_size=3),
    "boilerplate_patterns": st.lists(PATTERN, max_size=2),
    "pagination_pattern": PATTERN,
    "allowed_domains": st.lists(st.text(max_size=10), max_size=2),
    "start_urls": st.lists(
        st.sampled_from(["/", "http://evil.example/", "http://fz.example:99999/", "x"]), max_size=2
    ),
    "allowed_ports": st.lists(st.integers(min_value=-5, max_value=70_000), max_size=2),
    "politeness": st.dictionaries(HOSTILE_KEY, JSON_SCALAR, max_size=2),
    "timezone": st.sampled_from(["Asia/Shanghai", "Mars/Base", "../../etc/passwd"]),
}


@settings(max_examples=150, deadline=None)
@given(
    known=st.fixed_dictionaries({}, optional=PROFILE_VALUES),
    unknown=st.dictionaries(HOSTILE_KEY, JSON_VALUE, max_size=3),
    raw=st.one_of(st.none(), st.text(max_size=60)),
)
def test_any_profile_loads_or_says_where_it_is_wrong(
    known: dict[str, Any], unknown: dict[str, Any], raw: str | None
) -> None:
    import yaml

    text = raw if raw is not None else yaml.safe_dump({**known, **unknown}, allow_unicode=True)
    try:
        profile = parse_profile(text, "fz.yaml")
    except ProfileError as exc:
        message = str(exc)
        profile = None
    if profile is None:
        assert "fz.yaml" in message or message.startswith("invalid site profile"), message
        assert len(message) < 20_000
        return
    for pattern in profile.article_res + profile.boilerplate_res:  # compiled, usable
        pattern.search("/news/2026/1.htm")


# Sitemaps, feeds, robots.txt -> the spider ------------------------------------------------------

GOOD_PATHS = [f"/news/2026-11/27/content_{n}.htm" for n in range(1001, 1004)]
BAD_LOCS = st.one_of(
    st.sampled_from(
        [
            "http://fz.example:1:2/a.htm",
            "http://[::1/a.htm",
            "http://fz.example:99999/a.htm",
            "http://[ccpa-preferences]/x",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "",
            " ",
            "http://fz.example/" + "a" * 3000,
        ]
    ),
    st.text(alphabet=string.printable + "中\x00", max_size=30),
)


def _spider() -> NewsSpider:
    crawler = get_crawler(NewsSpider, {"INCREMENTAL_ENABLED": False})
    profile = parse_profile("name: fz\nbase_url: http://fz.example/\n")
    spider = NewsSpider(profile=profile)
    spider.crawler = crawler
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("\x00", "")


@settings(max_examples=100, deadline=None)
@given(bad=st.lists(BAD_LOCS, min_size=1, max_size=5), order=st.randoms(use_true_random=False))
def test_any_sitemap_feed_or_robots_file_yields_every_good_entry(bad: list[str], order: Any) -> None:
    spider = _spider()
    good = [f"http://fz.example{p}" for p in GOOD_PATHS]
    entries = [*bad, *good]
    order.shuffle(entries)
    sitemap = "".join(f"<url><loc>{_xml_escape(e)}</loc></url>" for e in entries)
    feed = "".join(f"<item><link>{_xml_escape(e)}</link></item>" for e in entries)
    robots = "".join(f"Sitemap: {e.replace(chr(10), ' ')}\n" for e in entries)
    bodies = {
        "sitemap": XmlResponse(
            "http://fz.example/sitemap.xml",
            body=f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{sitemap}</urlset>'.encode(),
        ),
        "feed": XmlResponse(
            "http://fz.example/feed.xml", body=f'<rss version="2.0"><channel>{feed}</channel></rss>'.encode()
        ),
        "robots": TextResponse("http://fz.example/robots.txt", body=robots.encode("utf-8", "replace")),
        "list": HtmlResponse(
            "http://fz.example/",
            body="".join(f'<a href="{_xml_escape(e)}">x</a>' for e in entries).encode(),
            encoding="utf-8",
        ),
    }
    for name, response in bodies.items():
        method = {"sitemap": spider.parse_sitemap, "feed": spider.parse_feed, "robots": spider.parse_robots}
        requests = list(method.get(name, spider.parse_list)(response))  # never raises
        assert set(good) <= {r.url for r in requests}, name  # robots.txt: requested as sitemaps


@pytest.mark.integration
@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))
@given(bad=st.lists(BAD_LOCS, min_size=2, max_size=6))
def test_a_crawl_of_generated_sitemaps_and_feeds_stores_every_good_article(
    mongo_uri: str, tmp_path_factory: pytest.TempPathFactory, bad: list[str]
) -> None:
    from crawler.store import connect

    tmp = tmp_path_factory.mktemp("fuzz-crawl")
    with FixtureSite({}) as site:
        good = [site.url.rstrip("/") + p for p in GOOD_PATHS]
        locs = "".join(f"<url><loc>{_xml_escape(e)}</loc></url>" for e in [*bad, *good[:2]])
        items = "".join(f"<item><link>{_xml_escape(e)}</link></item>" for e in [*bad, good[2]])
        site.server.pages.update(
            {
                "/sitemap.xml": (
                    "application/xml",
                    f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>',
                ),
                "/feed.xml": ("application/xml", f'<rss version="2.0"><channel>{items}</channel></rss>'),
                "/robots.txt": (
                    "text/plain",
                    "".join(f"Sitemap: {e.splitlines()[0] if e.strip() else e}\n" for e in bad),
                ),
                **{
                    p: ("text/html", article_html(f"第{i}篇", [f"{PARAGRAPH}{i}", PARAGRAPH]))
                    for i, p in enumerate(GOOD_PATHS)
                },
            }
        )
        extra = "feeds: [/feed.xml]\nsitemaps: [/sitemap.xml]\nstart_urls: [/sitemap.xml]\n"
        profiles = write_profile(tmp, "fz", site.url, extra)
        name = f"t_fuzz_crawl_{tmp.name[-6:]}"
        result = run_cli(
            ["crawl", "fz", *FAST_CRAWL], cli_environment(mongo_uri, name, tmp / "var", profiles)
        )
    client = connect(mongo_uri)
    try:
        stored = {d["_id"] for d in client[name].articles.find({}, {"_id": 1})}
    finally:
        client.drop_database(name)
        client.close()
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 0, result.stderr[-3000:]
    assert set(good) <= stored


# Stored documents -> web and export -------------------------------------------------------------


@pytest.fixture(scope="module")
def browsed(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from crawler.store import connect

    tmp = tmp_path_factory.mktemp("fuzz-web")
    (tmp / "secret.warc.gz").write_text(SECRET)
    (tmp / "warc" / "demo").mkdir(parents=True)
    client = connect(mongo_uri)
    db = client["t_fuzz_web"]
    try:
        with web_server(db, tmp / "warc") as base:
            yield db, base, tmp
    finally:
        client.drop_database("t_fuzz_web")
        client.close()


STORED_FIELD = st.sampled_from(
    ["title", "text", "authors", "published_at", "warc", "site", "version", "history", "events", "quality",
     "encoding", "url", "first_seen", "state", "extra", "description", "missing_pages"]
)  # fmt: skip
PAGES = ["/article", "/replay", "/replay/original", "/diff", "/go"]


@pytest.mark.integration
@SERVERS
@given(
    fields=st.dictionaries(
        STORED_FIELD, st.one_of(JSON_VALUE, POINTERS.map(lambda p: [p]), st.just(T0)), max_size=5
    ),
    words=st.text(alphabet='东营水利 ab"$.*(', max_size=8),
)
def test_any_stored_document_is_shown_or_refused_never_a_server_error(
    browsed: Any, fields: dict[str, Any], words: str
) -> None:
    db, base, tmp = browsed
    key = f"http://fz.example/{db.articles.estimated_document_count()}-{abs(hash(repr(fields)))}.htm"
    doc = {"_id": key, "site": "demo", "content_hash": "h", **fields}
    try:
        db.articles.insert_one(doc)  # as anyone who can reach the unauthenticated database could
        db.articles.find_one({"_id": key})
    except Exception:  # what the server itself refuses or cannot read back is not ours to show
        db.articles.delete_one({"_id": key})
        assume(False)
    for page in PAGES:
        for params in ("", "&page=0&version=1", "&a=1&b=2"):
            status, _, body = request(f"{base}{page}?url={quote(key, safe='')}{params}")
            text = body.decode("utf-8", errors="replace")
            assert status < 500, (page, params, fields, text[-800:])
            assert SECRET not in text and "Traceback" not in text
    for page in ("/", "/health", f"/search?q={quote(words)}&since=0001-01-01&sort=relevance"):
        status, _, body = request(base + page)
        assert status < 500, (page, body[-800:])
    list(db.articles.find({}))  # still readable
    _export_all(Archive(db), tmp)
