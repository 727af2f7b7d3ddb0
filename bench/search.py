"""Search, export and stats at archive scale: fills a database with generated articles and measures.

    python bench/search.py --articles 100000 --json search.json   # own FerretDB in a temp folder
    MONGO_URI=mongodb://host:27017/ python bench/search.py  # ... and that MongoDB as well

Articles are generated from a vocabulary of real words (Chinese, some in traditional script,
some English), 300-3000 characters, several sites, two years of dates, and stored exactly as
the crawler stores them (article_document(): the same search terms), with insert_many in
batches, through ArticleStore (so the local search index is written as in a crawl). Prints
search latency p50/p95 per query kind next to the same search without the local index (the
server's full scan on FerretDB) and whether both gave the same page, export throughput and
peak memory for jsonl and parquet next to a plain projected cursor scan, and the time of
`stats`; `--json FILE` writes the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import os
import random
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from multiprocessing import Pool
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.sigterm import stop_on_sigterm
from crawler.archive import Archive
from crawler.archive.writer import open_store
from crawler.export import default_fields, export_articles
from crawler.extract.article import content_hash
from crawler.items import Article
from crawler.localdb import LocalServer, free_port
from crawler.search.index import FOLDER_ENV, MODE_ENV, SearchIndex
from crawler.search.query import parse_query
from crawler.stats import archive_stats
from crawler.stats.figures import index_stats
from crawler.store import connect
from crawler.store.documents import article_document

SITES = {
    "dongying": ("东营", ["本地新闻", "社会民生", "县区动态", "经济"]),
    "dezhou": ("德州", ["德州新闻", "民生", "教育", "财经"]),
    "dzwww": ("济南", ["山东新闻", "国内", "国际", "体育"]),
    "binzhou": ("滨州", ["滨州要闻", "县区", "文化"]),
    "liaocheng": ("聊城", ["聊城新闻", "社会", "农业"]),
    "weifang": ("潍坊", ["潍坊新闻", "产业", "科技", "旅游"]),
}
PLACES = [
    "东营",
    "德州",
    "济南",
    "滨州",
    "聊城",
    "潍坊",
    "黄河三角洲",
    "广饶县",
    "利津县",
    "垦利区",
    "河口区",
    "乐陵市",
    "禹城市",
    "临邑县",
    "齐河县",
    "高新区",
    "开发区",
    "青岛",
    "北京",
    "上海",
]
NOUNS = [
    "经济",
    "发展",
    "项目",
    "工程",
    "建设",
    "企业",
    "农业",
    "农民",
    "小麦",
    "玉米",
    "棉花",
    "水利",
    "农田",
    "道路",
    "交通",
    "公交",
    "地铁",
    "学校",
    "教育",
    "学生",
    "老师",
    "医院",
    "医疗",
    "医保",
    "养老",
    "社区",
    "居民",
    "群众",
    "政府",
    "会议",
    "政策",
    "改革",
    "创新",
    "科技",
    "产业",
    "园区",
    "投资",
    "资金",
    "市场",
    "消费",
    "旅游",
    "文化",
    "体育",
    "比赛",
    "志愿者",
    "环境",
    "生态",
    "湿地",
    "黄河",
    "石油",
    "化工",
    "新能源",
    "光伏",
    "风电",
    "电网",
    "天然气",
    "供暖",
    "住房",
    "物业",
    "停车场",
    "公园",
    "绿化",
    "安全",
    "消防",
    "应急",
    "防汛",
    "抗旱",
    "疫情",
    "防控",
    "就业",
    "招聘",
    "工资",
    "收入",
    "税收",
    "财政",
    "银行",
    "贷款",
    "保险",
    "数据",
    "平台",
    "服务",
    "窗口",
    "审批",
    "营商环境",
    "招商引资",
    "乡村振兴",
    "合作社",
    "蔬菜",
    "大棚",
    "渔业",
    "港口",
    "物流",
    "电商",
    "直播",
    "快递",
    "食品",
    "药品",
    "价格",
    "超市",
    "冬季",
    "春节",
    "中秋",
    "国庆",
    "长跑节",
    "博览会",
    "论坛",
    "展览",
    "图书馆",
    "博物馆",
    "剧院",
    "演出",
]
VERBS = [
    "召开",
    "部署",
    "推进",
    "完成",
    "启动",
    "实施",
    "加快",
    "提升",
    "改造",
    "建成",
    "开通",
    "举办",
    "参加",
    "发布",
    "公布",
    "介绍",
    "表示",
    "强调",
    "要求",
    "检查",
    "调研",
    "走访",
    "签约",
    "落地",
    "投产",
    "开工",
    "竣工",
    "增长",
    "下降",
    "突破",
    "获得",
    "评选",
    "培训",
    "宣传",
    "服务",
    "保障",
    "解决",
    "缓解",
    "优化",
]
ADJECTIVES = [
    "重点",
    "重要",
    "全面",
    "稳定",
    "持续",
    "明显",
    "积极",
    "有效",
    "新",
    "大型",
    "高质量",
    "绿色",
    "智慧",
    "安全",
    "便捷",
    "优质",
    "基层",
    "年度",
    "首届",
    "第三届",
]
TIMES = ["今天", "昨天", "近日", "日前", "今年以来", "上半年", "11月", "今冬明春", "下一步", "目前", "去年"]
UNITS = ["个", "项", "家", "名", "万元", "亿元", "公里", "平方米", "吨", "亩", "%"]
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "晓明娜伟芳敏静丽强磊军洋勇艳杰涛超明霞平刚桂英华红玉兰建国志文海燕飞鹏宇浩然子轩欣怡"
SOURCES = ["东营日报", "德州日报", "大众日报", "滨州日报", "新华社", "人民网", "齐鲁晚报", "潍坊日报", None]
EN_WORDS = [
    "the",
    "city",
    "government",
    "announced",
    "new",
    "project",
    "investment",
    "river",
    "delta",
    "oil",
    "industry",
    "port",
    "farmers",
    "wheat",
    "harvest",
    "school",
    "hospital",
    "traffic",
    "road",
    "festival",
    "marathon",
    "wetland",
    "tourism",
    "energy",
    "solar",
    "wind",
    "policy",
    "reform",
    "market",
    "export",
    "growth",
    "percent",
    "million",
    "yuan",
    "officials",
    "said",
    "residents",
    "community",
    "Shandong",
    "Dongying",
    "Dezhou",
    "Yellow",
    "River",
    "Jinan",
    "technology",
    "innovation",
    "data",
    "platform",
]
END = datetime(2026, 11, 28, tzinfo=UTC)
TWO_YEARS = timedelta(days=730)


def _sentence(rng: random.Random) -> str:
    parts = [
        rng.choice(TIMES),
        "，" if rng.random() < 0.5 else "",
        rng.choice(PLACES),
        rng.choice(VERBS),
        rng.choice(ADJECTIVES),
        rng.choice(NOUNS),
        rng.choice(NOUNS),
    ]
    if rng.random() < 0.5:
        parts += ["，", rng.choice(VERBS), str(rng.randint(2, 9999)), rng.choice(UNITS), rng.choice(NOUNS)]
    if rng.random() < 0.4:
        parts += ["，", rng.choice(NOUNS), rng.choice(VERBS), rng.choice(ADJECTIVES), rng.choice(NOUNS)]
    return "".join(parts) + rng.choice("。。。！；")


def _english(rng: random.Random, chars: int) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        sentence = [rng.choice(EN_WORDS) for _ in range(rng.randint(6, 16))]
        words.extend([sentence[0].capitalize(), *sentence[1:-1], sentence[-1] + "."])
    return " ".join(words)


#: Words that only some articles use (about 2% each), for selective queries.
RARE = ["马拉松", "长跑节", "无人机", "非遗", "冰雪", "研学", "候鸟", "海参", "冬枣", "黑陶"]


def _chinese(rng: random.Random, chars: int) -> str:
    paragraphs: list[str] = []
    total = 0
    rare = [word for word in RARE if rng.random() < 0.02]
    while total < chars:
        paragraph = "".join(_sentence(rng) for _ in range(rng.randint(2, 6)))
        if rare:
            paragraph += f"{rng.choice(PLACES)}{rng.choice(VERBS)}{rare.pop()}{rng.choice(NOUNS)}。"
        paragraphs.append(paragraph)
        total += len(paragraph)
    return "\n".join(paragraphs)


def _author_pool(size: int = 300) -> list[str]:
    """A newsroom's bylines: 王晓明 (the author query) first, then names drawn once from a fixed seed."""
    rng = random.Random(11)
    names = ["王晓明"]
    while len(names) < size:
        name = "".join([rng.choice(SURNAMES), *rng.sample(GIVEN, rng.randint(1, 2))])
        if name not in names:
            names.append(name)
    return names


AUTHORS = _author_pool()


def _authors(rng: random.Random) -> list[str]:
    """0-2 bylines from the pool (each name signs about 1 article in 300)."""
    return rng.sample(AUTHORS, rng.choice([0, 1, 1, 2]))


def make_article(n: int, seed: int) -> dict:
    """Article number n as stored (deterministic for a seed)."""
    rng = random.Random(seed * 1_000_003 + n)
    site = rng.choice(list(SITES))
    place, sections = SITES[site]
    chars = int(300 * 10 ** rng.uniform(0, 1))  # 300-3000, more short ones than long ones
    english = rng.random() < 0.1
    if english:
        title = " ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(4, 9))).capitalize()
        text = _english(rng, chars)
    else:
        title = place + rng.choice(VERBS) + rng.choice(ADJECTIVES) + rng.choice(NOUNS) + rng.choice(NOUNS)
        text = _chinese(rng, chars)
    script = "simplified"
    if not english and rng.random() < 0.08:
        from opencc import OpenCC

        converter = OpenCC("s2t")
        title, text, script = converter.convert(title), converter.convert(text), "traditional"
    authors = _authors(rng)
    published = None if rng.random() < 0.03 else END - TWO_YEARS * rng.random()
    url = f"https://www.{site}.example/{published or END:%Y%m}/t{published or END:%Y%m%d}_{n}.html"
    article = Article(
        url=url,
        canonical_url=url,
        site=site,
        title=title,
        text=text,
        authors=authors,
        source=rng.choice(SOURCES),
        published_at=published,
        language="en" if english else "zh",
        section=rng.choice(sections),
        script=None if english else script,
        page_urls=[url],
        fetched_at=END,
        status=200,
        encoding="utf-8",
        content_hash=content_hash(title, text),
        extractor_version="bench",
    )
    return article_document(article, END)


@functools.cache
def _base_document(k: int, seed: int) -> dict:
    return make_article(k, seed)


def make_variant(n: int, seed: int, distinct: int) -> dict:
    """Article n with the title, text and search terms of article n % distinct (segmented once).

    Its own site, section, authors, source, date and URL, so filters and paging see n different
    articles; the texts repeat, which changes neither the index's work nor the server's scans.
    """
    base = _base_document(n % distinct, seed)
    rng = random.Random(seed * 7_000_003 + n)
    site = rng.choice(list(SITES))
    published = None if rng.random() < 0.03 else END - TWO_YEARS * rng.random()
    url = f"https://www.{site}.example/{published or END:%Y%m}/t{published or END:%Y%m%d}_{n}.html"
    authors = _authors(rng)
    return {
        **base,
        "_id": url,
        "url": url,
        "canonical_url": url,
        "page_urls": [url],
        "site": site,
        "section": rng.choice(SITES[site][1]),
        "authors": authors,
        "source": rng.choice(SOURCES),
        "published_at": published,
    }


def _make_chunk(args: tuple[int, int, int, int]) -> list[dict]:
    start, stop, seed, distinct = args
    if distinct:
        return [make_variant(n, seed, distinct) for n in range(start, stop)]
    return [make_article(n, seed) for n in range(start, stop)]


def fill(db, count: int, seed: int, batch: int, workers: int, distinct: int = 0) -> dict[str, float]:
    """Store the articles through ArticleStore, as a crawl does (insert_many + the local search index)."""
    store = open_store(db, insert_batch=batch, max_batch_bytes=1 << 40, max_delay=1e9)
    store.ensure_indexes()
    store.load_known()
    chunks = [(i, min(i + batch, count), seed, distinct) for i in range(0, count, batch)]
    make_time = write_time = 0.0
    t0 = time.perf_counter()
    with Pool(workers) as pool:
        last = time.perf_counter()
        for docs in pool.imap(_make_chunk, chunks):
            now = time.perf_counter()
            make_time += now - last
            for doc in docs:
                store.add_document(doc)
            store.flush()
            last = time.perf_counter()
            write_time += last - now
    indexed = store.search_index is not None
    return {
        "total_s": time.perf_counter() - t0,
        "write_s": write_time,
        "generate_wait_s": make_time,
        "indexed": indexed,
    }


def fill_code_version() -> str:
    """A digest of what decides the filled articles: this generator and how the store shapes documents."""
    root = Path(__file__).resolve().parents[1]
    own = Path(__file__).read_text(encoding="utf-8").split("\nSITES = ")[1].split("\ndef fill(")[0]
    digest = hashlib.sha256(own.encode())
    for part in ("crawler/store/documents.py", "crawler/derived/fields.py", "crawler/derived/terms.py"):
        digest.update((root / part).read_bytes())
    return digest.hexdigest()[:12]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


@contextmanager
def peak_rss(pids: list[int]):
    """Sample the resident memory of pids every 20 ms; yields a dict filled with start/peak per pid."""
    procs = {pid: psutil.Process(pid) for pid in pids}
    result = {pid: {"start": p.memory_info().rss, "peak": p.memory_info().rss} for pid, p in procs.items()}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            for pid, p in procs.items():
                result[pid]["peak"] = max(result[pid]["peak"], p.memory_info().rss)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join()


#: (kind, title, search arguments); the kinds are the keys of the JSON report.
QUERIES = [
    ("one_term", "one term (东营)", dict(query="东营")),
    ("one_rare_term", "one rare term (马拉松)", dict(query="马拉松")),
    ("two_terms", "two terms (黄河 湿地)", dict(query="黄河 湿地")),
    ("traditional_script", "traditional script (東營 濕地)", dict(query="東營 濕地")),
    ("phrase", 'phrase ("乡村振兴")', dict(query='"乡村振兴"')),
    ("site_dates", "site + 3 months", dict(site="dezhou", since="2026-06-01", until="2026-08-31")),
    ("author", "author (王晓明)", dict(author="王晓明")),
    ("source", "source (新华社)", dict(source="新华社")),
    ("section", "section + term (农业 小麦)", dict(query="小麦", section="农业")),
    ("relevance", "terms, relevance order", dict(query="新能源 光伏", sort="relevance")),
    ("relevance_deep", "term, relevance, page 50", dict(query="光伏", sort="relevance", skip=980)),
    (
        "relevance_two_deep",
        "two terms, relevance, page 50",
        dict(query="新能源 光伏", sort="relevance", skip=980),
    ),
    ("relevance_site", "term + site, relevance", dict(query="东营", site="dezhou", sort="relevance")),
    ("relevance_three", "three terms, relevance", dict(query="湿地 东营 水利", sort="relevance")),
    # The phrase's part is bounded by the marks of 乡村 (a stored term inside it).
    ("relevance_phrase", "term + phrase, relevance", dict(query='黄河 "乡村振兴"', sort="relevance")),
    ("deep_page", "term, date order, page 50", dict(query="东营", skip=980)),
    ("everything_deep", "no terms, page 50", dict(skip=980)),
]


#: (kind, title, search arguments, period) of `trends`: matches per period and site.
TRENDS = [
    ("trends", "trends, one term by week (东营)", dict(query="东营"), "week"),
    ("trends_day", "trends, traditional script by day (東營 濕地)", dict(query="東營 濕地"), "day"),
    ("trends_phrase", 'trends, phrase by month ("乡村振兴")', dict(query='"乡村振兴"'), "month"),
    (
        "trends_site",
        "trends, rare term + site + dates by day",
        dict(query="马拉松", site="dezhou", since="2026-01-01"),
        "day",
    ),
]


def bench_trends(args: argparse.Namespace, archive: Archive, scan: Archive, report: dict) -> None:
    """Time `trend()` per kind beside the same counts without the local index (a projected scan)."""
    from zoneinfo import ZoneInfo

    from crawler.search.trends import trend

    zone = ZoneInfo("Asia/Shanghai")
    print("\n| trends | hits | p50 | p95 | without index p50 | same counts |\n|---|---|---|---|---|---|")
    for kind, title, spec, by in TRENDS:
        if args.kinds and kind not in args.kinds:
            continue
        spec = dict(spec)
        query = parse_query(spec.pop("query", ""), **spec)
        found = trend(archive, query, by=by, tz=zone)
        hits = sum(found.totals) + sum(found.undated.values())
        if not hits:
            raise SystemExit(f"the {kind} trend matches no article: its figures would measure nothing")
        ours = timed(lambda q=query, b=by: trend(archive, q, by=b, tz=zone), args.repeat)
        p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
        entry = {
            "p50_ms": round(p50 * 1000, 1),
            "p95_ms": round(p95 * 1000, 1),
            "hits": hits,
            "runs": args.repeat,
        }
        entry["periods"] = len(found.periods)
        row = f"| {title} | {hits} | {p50 * 1000:,.1f} ms | {p95 * 1000:,.1f} ms |"
        wanted = args.baseline_kinds is None or kind in args.baseline_kinds
        if args.baseline_repeat and archive.local_index is not None and wanted:
            t = time.perf_counter()
            same = trend(scan, query, by=by, tz=zone) == found
            base = time.perf_counter() - t
            entry.update(full_scan_ms=round(base * 1000, 1), same_as_full_scan=same)
            row += f" {base:,.1f} s | {'yes' if same else 'NO'} |"
        else:
            row += " - | - |"
        report.setdefault("queries", {})[kind] = entry
        print(row, flush=True)
        _save(args, report)


def bench_index_only(args: argparse.Namespace) -> dict:
    """The kinds answered by the local search index alone, on an index filled straight from the generator.

    The same documents as a fill through ArticleStore would index (`SearchIndex.put` of the
    generated stored documents), without FerretDB: filling it through the store took hours on a
    busy 2-core machine. The Archive is given a client that cannot connect, so a query that
    read the store would fail instead of being timed.
    """
    from pymongo import MongoClient

    folder = args.cache / "index-only" if args.cache else Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    key = f"{args.articles}-{args.distinct_texts}-{args.seed}-{args.batch}-{fill_code_version()}"
    path = folder / f"{key}.sqlite"
    report: dict = {"server": "local search index alone", "articles": args.articles}
    index = SearchIndex(path)
    if index.complete and len(index) == args.articles:
        print(f"index: REUSED {path} ({len(index)} articles)")
    else:
        index.close()
        path.unlink(missing_ok=True)
        index = SearchIndex(path)
        chunks = [
            (i, min(i + args.batch, args.articles), args.seed, args.distinct_texts)
            for i in range(0, args.articles, args.batch)
        ]
        t = time.perf_counter()
        with Pool(args.workers) as pool:
            for docs in pool.imap(_make_chunk, chunks):
                index.put(docs)
        index.mark_complete()
        report["fill_s"] = round(time.perf_counter() - t)
        print(f"index filled from the generator: {report['fill_s']} s ({path})")
    report["index_mb"] = round(index.size_bytes() / 1e6)
    offline = MongoClient("mongodb://127.0.0.1:9/", connect=False, serverSelectionTimeoutMS=500)
    archive = Archive(offline["offline"], search_index=index)
    report["queries"] = {}
    print("\n| query | hits | search p50 | p95 |\n|---|---|---|---|")
    for kind, title, spec in QUERIES:
        if args.kinds and kind not in args.kinds:
            continue
        spec = dict(spec)
        if spec.pop("sort", "date") != "date":
            continue  # relevance asks the server whether it has $text
        skip = spec.pop("skip", 0)
        query = parse_query(spec.pop("query", ""), **spec)
        ours = timed(lambda q=query, k=skip: archive.search(q, limit=20, skip=k), args.repeat)
        p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
        hits = archive.count(query)
        report["queries"][kind] = {
            "p50_ms": round(p50 * 1000, 1),
            "p95_ms": round(p95 * 1000, 1),
            "hits": hits,
        }
        print(f"| {title} | {hits} | {p50 * 1000:,.1f} ms | {p95 * 1000:,.1f} ms |", flush=True)
    args.baseline_repeat = 0
    bench_trends(args, archive, archive, report)
    archive.close()
    offline.close()
    return report


def bench_server(label: str, uri: str, args: argparse.Namespace, server_pid: int | None) -> dict:
    name = f"bench_search_{args.articles}"
    client = connect(uri, operation_timeout_ms=3_600_000)
    db = client[name]
    report: dict = {"server": label, "articles": args.articles}
    print(f"\n## {label}: {args.articles} articles (database {name})")
    marker = args.cache_folder / "filled.json" if args.cache_folder else None
    if marker is not None and marker.exists():
        # The last article by its _id (the one indexed lookup on FerretDB; a count is a full scan).
        last = (_make_chunk((args.articles - 1, args.articles, args.seed, args.distinct_texts)))[0]["_id"]
        count = args.articles if db.articles.find_one({"_id": last}, {"_id": 1}) else -1
    else:
        count = db.articles.estimated_document_count()
    if marker is not None and marker.exists() and count == args.articles:
        filled = json.loads(marker.read_text(encoding="utf-8"))
        report.update(fill_docs_per_s=filled["fill_docs_per_s"], fill_s=filled["fill_s"], fill_reused=filled)
        print(
            f"fill: REUSED the database filled on {filled['at']} in {args.cache_folder} (same parameters and "
            f"fill code); its fill ran at {filled['fill_docs_per_s']} docs/s (load {filled['load_avg_1m']}"
            f"{', under nice' if filled.get('nice') else ''}); not re-measured"
        )
    elif count != args.articles or not args.reuse or marker is not None:
        client.drop_database(name)
        figures = fill(db, args.articles, args.seed, args.batch, args.workers, args.distinct_texts)
        rate = args.articles / figures["write_s"]
        report["fill_docs_per_s"] = round(rate)
        report["fill_s"] = round(figures["total_s"])
        print(
            f"fill: {figures['total_s']:.0f} s in all; ArticleStore.flush() of {args.batch} articles "
            f"(insert_many{' + local search index' if figures['indexed'] else ''}): "
            f"{figures['write_s']:.1f} s = {rate:,.0f} docs/s (generation and segmentation: the rest)"
        )
        if marker is not None:
            filled = {
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "fill_docs_per_s": report["fill_docs_per_s"],
                "fill_s": report["fill_s"],
                "load_avg_1m": round(os.getloadavg()[0], 1),
                "nice": os.nice(0) > 0,
            }
            marker.write_text(json.dumps(filled) + "\n", encoding="utf-8")
    probe = Archive(db)
    rebuild = SearchIndex.wanted(db) and probe.local_index is None
    probe.close()
    if rebuild:
        # Filled with another version of the index code (or without it): rebuild it from the store.
        index = SearchIndex.for_database(db, create=True)
        t = time.perf_counter()
        index.rebuild(db.articles)
        report["index_built_s"] = round(time.perf_counter() - t, 1)
        print(f"local search index (re)built from the store: {report['index_built_s']:.0f} s")
        index.close()
    stats = db.command("collStats", "articles")
    print(
        f"collection: {stats.get('count')} documents, {stats.get('size', 0) / 1e6:,.0f} MB, "
        f"avg {stats.get('avgObjSize', 0) / 1e3:.1f} kB"
    )
    archive = Archive(db)
    index = archive.local_index
    print(f"server: {archive.capabilities.server}; $text: {archive.capabilities.text_search}")
    if index is not None:
        report["index_mb"] = round(index.size_bytes() / 1e6)
        print(f"local search index: {len(index)} articles, {index.size_bytes() / 1e6:,.0f} MB ({index.path})")
    os.environ[MODE_ENV] = "off"
    scan = Archive(
        db
    )  # the same API without the local index: the server's own query (a full scan on FerretDB)
    scan_index = scan.local_index
    os.environ.pop(MODE_ENV)
    assert scan_index is None
    print(
        f"\nsearch: Archive.search(limit=20), {args.repeat} runs; beside it the same search without the "
        f"local index (what the server does alone), {args.baseline_repeat} run(s), and whether both "
        "returned the same page"
    )
    print(
        "\n| query | hits | search p50 | p95 | without index p50 | ratio | same page |\n"
        "|---|---|---|---|---|---|---|"
    )
    report["queries"] = {}
    for kind, title, spec in QUERIES:
        if args.kinds and kind not in args.kinds:
            continue
        spec = dict(spec)
        sort = spec.pop("sort", "date")
        skip = spec.pop("skip", 0)
        runs = min(spec.pop("runs", args.repeat), args.repeat)
        query = parse_query(spec.pop("query", ""), **spec)
        hits = archive.count(query)
        if not hits:
            raise SystemExit(f"the {kind} query matches no article: its figures would measure nothing")
        page = [d["_id"] for d in archive.search(query, sort=sort, limit=20, skip=skip)]
        ours = timed(lambda q=query, s=sort, k=skip: archive.search(q, sort=s, limit=20, skip=k), runs)
        p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
        entry = {"p50_ms": round(p50 * 1000, 1), "p95_ms": round(p95 * 1000, 1), "hits": hits, "runs": runs}
        title += f" ({runs} runs)" if runs != args.repeat else ""
        row = f"| {title} | {hits} | {p50 * 1000:,.1f} ms | {p95 * 1000:,.1f} ms |"
        wanted = args.baseline_kinds is None or kind in args.baseline_kinds
        if args.baseline_repeat and index is not None and wanted:
            baseline_page: list = []

            def run_scan(q=query, s=sort, k=skip, out=baseline_page) -> None:
                out[:] = [d["_id"] for d in scan.search(q, sort=s, limit=20, skip=k)]

            base = percentile(timed(run_scan, args.baseline_repeat), 0.5)
            same = baseline_page == page
            entry.update(full_scan_p50_ms=round(base * 1000, 1), same_as_full_scan=same)
            row += f" {base:,.1f} s | {base / p50:,.0f}× | {'yes' if same else 'NO'} |"
        else:
            row += " - | - | - |"
        report["queries"][kind] = entry
        print(row, flush=True)
        _save(args, report)
    bench_trends(args, archive, scan, report)

    if args.kinds:  # iterating on some query kinds: no stats, no exports
        _close(args, archive, scan, client, name)
        return report
    if index is not None:
        t = time.perf_counter()
        index_stats(index, days=30, end=END.date())
        report["stats_s"] = round(time.perf_counter() - t, 3)
        print(f"\nstats (30 days, every site, from the local search index): {report['stats_s']:.2f} s")
    if args.scan_stats or index is None:
        t = time.perf_counter()
        archive_stats(db.articles, days=30, end=END.date())
        seconds = time.perf_counter() - t
        report["stats_scan_s" if index is not None else "stats_s"] = round(seconds, 3)
        print(f"stats (30 days, every site, scanning the articles): {seconds:.1f} s")
    _save(args, report)

    pids = [os.getpid()] + ([server_pid] if server_pid else [])
    everything = parse_query("")
    report["export_docs_per_s"] = {}

    def plain_scan() -> tuple[int, float, dict]:
        with peak_rss(pids) as memory:
            t = time.perf_counter()
            cursor = db.articles.find({}, dict.fromkeys(default_fields(), 1), batch_size=1000)
            exported = sum(1 for _ in cursor)
            return exported, time.perf_counter() - t, memory

    with tempfile.TemporaryDirectory() as folder:
        # The baseline is scanned before the exports (and after them with --scan-twice: the faster counts).
        exported, scan_s, memory = plain_scan() if args.formats else (0, 1.0, {})
        plain_rate = exported / scan_s
        print(
            "\n| export | docs | docs/s | vs plain scan | client peak RSS (growth) | server peak RSS |\n"
            "|---|---|---|---|---|---|"
        )
        rows: list[tuple] = [("plain projected cursor scan (baseline, before)", exported, scan_s, memory)]
        for fmt in args.formats:
            out = Path(folder) / f"export.{fmt}"
            with peak_rss(pids) as memory:
                t = time.perf_counter()
                count = export_articles(archive, everything, fmt, out, default_fields())
                seconds = time.perf_counter() - t
            report["export_docs_per_s"][fmt] = round(count / seconds)
            rows.append((f"{fmt}, {out.stat().st_size / 1e6:,.0f} MB", count, seconds, memory))
            out.unlink()
        if args.formats:
            if args.scan_twice:
                again = plain_scan()
                rows.append(("plain projected cursor scan (baseline, after)", *again))
                plain_rate = max(plain_rate, again[0] / again[1])
            report["export_docs_per_s"]["plain_scan"] = round(plain_rate)
            for label_, count, seconds, memory in rows:
                _memory_row(label_, count, seconds, memory, pids, plain_rate)
            report["export_vs_plain_scan"] = {
                fmt: round(report["export_docs_per_s"][fmt] / plain_rate, 2) for fmt in args.formats
            }
            _save(args, report)
    if args.rebuild and index is not None:
        t = time.perf_counter()
        index.rebuild(db.articles)
        report["index_rebuild_s"] = round(time.perf_counter() - t, 1)
        print(f"\nreindex: the local index rebuilt from the store in {report['index_rebuild_s']:.0f} s")
    _close(args, archive, scan, client, name)
    return report


def _close(args: argparse.Namespace, archive, scan, client, name: str) -> None:
    """Close the archive and the scan client; drop the database unless kept or cached."""
    archive.close()
    scan.close()
    if not args.keep and args.cache_folder is None:
        client.drop_database(name)
    client.close()


def _save(args: argparse.Namespace, report: dict) -> None:
    """Write the figures so far (a long run keeps what it measured if stopped)."""
    if args.json and report.get("server", "").startswith("FerretDB"):
        load = os.getloadavg()
        result = {**report, "machine": {"cpus": psutil.cpu_count(), "load_avg_1m": round(load[0], 1)}}
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _memory_row(
    label: str, count: int, seconds: float, memory: dict, pids: list[int], baseline: float
) -> None:
    me = memory[pids[0]]
    server = f"{memory[pids[1]]['peak'] / 1e6:,.0f} MB" if len(pids) > 1 else "-"
    print(
        f"| {label} | {count} | {count / seconds:,.0f} | {count / seconds / baseline:.2f} | "
        f"{me['peak'] / 1e6:,.0f} MB "
        f"(+{(me['peak'] - me['start']) / 1e6:,.0f} MB) | {server} |"
    )


def main() -> None:
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000, help="insert_many batch size")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    parser.add_argument(
        "--baseline-repeat", type=int, default=1, help="runs of each search without the index (0: none)"
    )
    parser.add_argument("--formats", nargs="*", default=["jsonl", "parquet"], help="export formats to time")
    parser.add_argument(
        "--scan-twice",
        action="store_true",
        help="scan the export baseline after the exports too (the faster counts)",
    )
    parser.add_argument("--scan-stats", action="store_true", help="also time stats by a scan of the articles")
    parser.add_argument("--rebuild", action="store_true", help="also time a rebuild of the local index")
    parser.add_argument(
        "--distinct-texts",
        type=int,
        default=0,
        help="generate this many texts and give the others their words (0: every text its own; "
        "generation and segmentation take most of the fill time on a busy machine)",
    )
    parser.add_argument(
        "--baseline-kinds",
        nargs="*",
        help="query kinds to also run without the index (default: all; each is a full scan on FerretDB)",
    )
    parser.add_argument(
        "--kinds",
        nargs="+",
        choices=[kind for kind, _, _ in QUERIES] + [kind for kind, *_ in TRENDS],
        metavar="KIND",
        help="run only these query kinds, and no stats or exports (while iterating); "
        f"kinds: {' '.join(kind for kind, _, _ in QUERIES)} {' '.join(kind for kind, *_ in TRENDS)}",
    )
    parser.add_argument("--json", type=Path, help="write the figures as JSON to this file")
    parser.add_argument(
        "--index-only",
        action="store_true",
        help="no database: fill the local search index straight from the generator (cached under "
        "--cache/index-only) and time the kinds it answers alone (date order, trends)",
    )
    parser.add_argument("--workers", type=int, default=2, help="processes generating articles")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it with --reuse)")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database of the same size")
    parser.add_argument("--folder", type=Path, help="FerretDB folder (default: a temporary one)")
    parser.add_argument(
        "--cache",
        type=Path,
        help="keep filled databases here, one per (articles, texts, seed, batch, fill code), and reuse "
        "them (the local index is rebuilt when its code changed); default: no cache",
    )
    args = parser.parse_args()
    args.cache_folder = None
    if args.cache is not None and not args.index_only:
        args.cache_folder = args.cache / (
            f"{args.articles}-{args.distinct_texts}-{args.seed}-{args.batch}-{fill_code_version()}"
        )
        args.cache_folder.mkdir(parents=True, exist_ok=True)
        args.folder = args.cache_folder
    print(
        f"bench/search.py: {args.articles} articles, {args.repeat} runs per query, "
        f"{psutil.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    reports = []
    if args.index_only:
        reports.append(bench_index_only(args))
    with contextlib.ExitStack() if args.index_only else tempfile.TemporaryDirectory() as tmp:
        # The local search index files of the bench's databases live with its server.
        if not args.index_only:
            os.environ[FOLDER_ENV] = str((args.folder or Path(tmp)) / "search")
            server = LocalServer(args.folder or Path(tmp), free_port())
            try:  # started inside: a SIGTERM while it starts stops it too
                server.start()
                reports.append(bench_server("FerretDB (local, SQLite)", server.uri, args, server.pid()))
            finally:
                server.stop()
    if uri := os.environ.get("MONGO_URI"):
        reports.append(bench_server("MONGO_URI", uri, args, None))
    if args.json:
        machine = {"cpus": psutil.cpu_count(), "python": sys.version.split()[0]}
        result = {**reports[0], "machine": {**machine, "load_avg_1m": round(os.getloadavg()[0], 1)}}
        if len(reports) > 1:
            result["mongo_uri"] = reports[1]
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
