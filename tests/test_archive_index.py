"""The archive index on disk (crawler/store/index.py): same answers as before, no file left behind."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.archive.writer import open_store
from crawler.items import PageVisit
from crawler.store import index as archive_index
from crawler.store.articles import CHANGED, GONE, NEW, UNCHANGED
from crawler.store.index import ArchiveIndex
from tests.test_store_articles import T0, article, store_all

if TYPE_CHECKING:
    import pytest
    from pymongo.database import Database

CAPTURE = {
    "file": "demo/NEWSARCHIVE-1.warc.gz",
    "offset": 1234,
    "length": 5678,
    "record_id": "<urn:uuid:1>",
    "type": "response",
    "digest": "sha1:ABC",
    "url": "http://a.cn/p/1.htm?utm_source=x",
    "date": "2026-11-27T01:30:00Z",
}


def test_a_restarted_store_knows_what_the_last_one_stored(mongo_db: Database[dict[str, Any]]) -> None:
    store_all(mongo_db, [article(n) for n in range(12)], insert_batch=5)
    mongo_db.articles.update_one({"_id": "http://a.cn/p/1.htm"}, {"$set": {"warc": [CAPTURE]}})
    store = open_store(mongo_db)
    assert store.load_known() == 12
    known = store.index.find_url("http://a.cn/p/3.htm?utm_source=x")  # fetched URL, normalised
    assert known is not None and known.id == "http://a.cn/p/3.htm"
    assert known.published_at == T0 and known.last_seen == T0  # timezone-aware, as stored
    assert store.index.capture("http://a.cn/p/1.htm?utm_source=x") == CAPTURE
    assert store.index.find_url("http://a.cn/p/99.htm") is None
    edited = article(4, text="第4篇，改过了。")
    assert [store.add(a, T0 + timedelta(hours=1)) for a in (article(2), edited, article(40))] == [
        UNCHANGED,
        CHANGED,
        NEW,
    ]
    store.flush()
    assert store.index.get("http://a.cn/p/4.htm").version == 2  # type: ignore[union-attr]
    assert len(store.index) == 13
    store.close()


def test_a_killed_process_leaves_no_index_file_behind(tmp_path: Path) -> None:
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from crawler.store.index import ArchiveIndex\n"
        "index = ArchiveIndex(Path(sys.argv[1]))\n"
        "index.remember({'_id': 'http://a.cn/p/1.htm', 'content_hash': 'h'})\n"
        "print(index.path, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    child = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert child.returncode == -signal.SIGKILL
    left = tmp_path / Path(child.stdout.strip()).name
    assert left.exists()  # killed: no chance to clean up
    index = ArchiveIndex(tmp_path)
    index.remember({"_id": "http://a.cn/p/2.htm", "content_hash": "h"})  # the next one clears it away
    assert not left.exists()
    assert [p.name for p in tmp_path.iterdir()] == [index.path.name]  # type: ignore[union-attr]
    assert index.find_url("http://a.cn/p/1.htm") is None
    index.close()
    assert list(tmp_path.iterdir()) == []


def test_two_sites_have_separate_indexes(mongo_db: Database[dict[str, Any]]) -> None:
    store_all(mongo_db, [article(1, site="one"), article(2, site="two")])
    one, two = open_store(mongo_db), open_store(mongo_db)
    assert one.load_known("one") == 1 and two.load_known("two") == 1
    assert one.index.path != two.index.path
    assert one.index.find_url("http://a.cn/p/1.htm") is not None
    assert one.index.find_url("http://a.cn/p/2.htm") is None
    assert two.index.find_url("http://a.cn/p/2.htm") is not None
    one.close()
    assert two.index.find_url("http://a.cn/p/2.htm") is not None  # closing one leaves the other
    two.close()


def test_a_gone_visit_is_kept_in_the_index(mongo_db: Database[dict[str, Any]]) -> None:
    store_all(mongo_db, [article(1)])
    store = open_store(mongo_db)
    store.load_known()
    later = T0 + timedelta(days=1)
    visit = PageVisit(url="http://a.cn/p/1.htm", site="demo", kind=GONE, status=404, fetched_at=later)
    assert store.add_visit(visit) == GONE
    known = store.index.get("http://a.cn/p/1.htm")
    assert known is not None and known.state == "gone" and known.last_seen == later
    assert store.add_visit(visit) == UNCHANGED  # already gone: no second event
    store.close()


def test_iteration_reads_every_article_a_page_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archive_index, "PAGE", 7)
    index = ArchiveIndex(tmp_path)
    assert list(index) == [] and len(index) == 0 and index.path is None  # no file until needed
    for n in range(30):
        index.remember({"_id": f"http://a.cn/p/{n:02d}.htm", "content_hash": str(n)})
    seen = []
    for known in index:
        seen.append(known.id)
        index.remember({"_id": known.id, "content_hash": "again"})  # writes while reading
    assert seen == sorted(f"http://a.cn/p/{n:02d}.htm" for n in range(30))
    assert {k.content_hash for k in index} == {"again"}
    index.close()


def test_an_article_skipped_again_under_other_links_counts_once(tmp_path: Path) -> None:
    index = ArchiveIndex(tmp_path)
    index.remember({"_id": "http://a.cn/p/1.htm", "content_hash": "1"})
    assert index.first_skip("http://a.cn/p/1.htm") is True
    assert index.first_skip("http://a.cn/p/1.htm") is False  # the feed, the sitemap, the list page ...
    assert index.first_skip("http://a.cn/p/2.htm") is True
    index.close()
