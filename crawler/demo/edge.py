"""Resources under /edge/ that trip naive crawlers: lying charsets, broken HTML, loops, huge and slow answers.

Nothing on the demo site links here; the ``edge`` profile starts at /edge/index.htm, which links them all.
Each textual page carries its expected title and paragraphs so tests can check what was decoded.
"""

from __future__ import annotations

import codecs
import random
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import TYPE_CHECKING

from crawler.demo.resource import HTML_UTF8, Resource, html_resource

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

EDGE_INDEX = "/edge/index.htm"
#: Size of /edge/huge.htm in bytes.
HUGE_SIZE = 12 * 1024 * 1024
#: Size of /edge/binary.htm in bytes, and the seed of its random bytes.
BINARY_SIZE = 64 * 1024
BINARY_SEED = 8642
#: Upper bound of /edge/slow.htm?slow=N, so a typo cannot hang a test run.
MAX_SLOW_SECONDS = 120.0
#: Characters in GBK or GB18030 but not in GB2312, used by /edge/gb2312-superset.htm.
GB2312_OUTSIDERS = "镕昇喆堃䶮"


@dataclass(frozen=True, slots=True)
class EdgePage:
    """A small article page whose bytes, header and <meta> disagree in one instructive way."""

    path: str
    title: str
    paragraphs: tuple[str, ...]
    #: Codec of the bytes on the wire.
    encoding: str
    #: Content-Type header exactly as sent.
    content_type: str
    #: Charset named by <meta charset>, or None for no <meta>.
    meta_charset: str | None
    note: str
    bom: bool = False

    @property
    def text(self) -> str:
        """Expected body text after a correct decode."""
        return "\n".join(self.paragraphs)

    def body(self) -> bytes:
        """The page as served."""
        meta = f'<meta charset="{self.meta_charset}">\n' if self.meta_charset else ""
        paragraphs = "".join(f"<p>{escape(p)}</p>\n" for p in self.paragraphs)
        html = (
            f"<!DOCTYPE html>\n<html>\n<head>\n{meta}<title>{escape(self.title)}</title>\n</head>\n<body>\n"
            f'<h1>{escape(self.title)}</h1>\n<div class="content">\n{paragraphs}</div>\n</body>\n</html>\n'
        )
        data = html.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


ENCODING_PAGES = (
    EdgePage(
        path="/edge/lying-header.htm",
        title="东沙区启动冬季道路安全隐患排查",
        paragraphs=(
            "近日，东沙区交通运输局联合公安交警部门，启动为期一个月的冬季道路交通安全隐患排查整治行动，"
            "重点排查急弯陡坡、临水临崖、平交路口等路段。",
            "排查中发现的标志标线缺失、护栏损坏等问题，将建立台账、限期整改。对一时难以整改到位的路段，"
            "先行设置警示标志，确保群众冬季出行安全。",
        ),
        encoding="gbk",
        content_type="text/html; charset=utf-8",
        meta_charset="gbk",
        note="响应头声明 UTF-8，实际字节为 GBK（<meta> 写的是 gbk）",
    ),
    EdgePage(
        path="/edge/gb2312-superset.htm",
        title="清平县表彰一批优秀乡村技术能手",
        paragraphs=(
            "11月20日，清平县召开乡村人才工作会议，对2026年度优秀乡村技术能手进行表彰。农机手陈镕、蔬菜"
            "种植能手王昇、电商带头人李喆、养殖技术员张堃、果树修剪能手赵䶮等30人获此荣誉。",
            "获奖代表张堃在发言中说，这份荣誉既是肯定也是鞭策，今后将继续带领乡亲们学技术、闯市场，把家门口"
            "的产业做得更红火。",
        ),
        encoding="gb18030",
        content_type="text/html; charset=gb2312",
        meta_charset="gb2312",
        note="声明 gb2312，正文含 GB2312 之外的字（镕、昇、喆、堃 为 GBK，䶮 为 GB18030 四字节）",
    ),
    EdgePage(
        path="/edge/big5.htm",
        title="安瀾縣非遺手藝搭上直播快車",
        paragraphs=(
            "入冬以來，安瀾縣老街上的傳統手工藝作坊迎來了銷售旺季。黑陶、草編、木版年畫等非遺產品通過"
            "直播間走向全國各地，帶動周邊村民增收。",
            "“過去做好的陶器只能等人上門來買，現在一場直播就能賣出幾百件。”黑陶藝人郭守義的兒子郭曉峰說，"
            "他去年回到家鄉，跟著父親學習製陶，同時負責網上店鋪的運營。",
            "據統計，安瀾縣今年已培育非遺電商主播120餘名，非遺產品線上銷售額同比增長四成以上。",
        ),
        encoding="big5",
        content_type="text/html; charset=big5",
        meta_charset="big5",
        note="Big5 编码的繁体页面",
    ),
    EdgePage(
        path="/edge/no-charset.htm",
        title="北岭县冬季农田水利工程进展顺利",
        paragraphs=(
            "入冬以来，北岭县抢抓农闲有利时机，集中开展农田水利工程建设。全县已开工建设项目86个，完成清淤"
            "土方120万立方米，维修改造扬水站、节制闸等设施45座。",
            "在北岭县马庄镇的施工现场，工人们正在加紧浇筑渠道护坡。镇水利站站长刘继伟介绍，这条干渠改造"
            "完成后，可以改善周边一万多亩农田的灌溉条件，灌溉用时将缩短一半左右。",
            "为保证工程质量，北岭县建立了县级领导包项目、技术人员驻现场的工作机制，对工程材料实行进场检测，"
            "对关键工序实行旁站监理。",
            "县水利局负责人表示，今冬明春全县农田水利建设计划完成投资2.3亿元，确保明年春灌前全部完工，为"
            "粮食生产提供有力的水利保障。",
        ),
        encoding="gbk",
        content_type="text/html",
        meta_charset=None,
        note="响应头和页面都没有声明字符集，字节为 GBK",
    ),
    EdgePage(
        path="/edge/bom.htm",
        title="河东区举办社区邻里节",
        paragraphs=(
            "11月21日，河东区首届社区邻里节在各社区同时举行。包饺子比赛、旧物交换、书画义写等活动吸引了"
            "近万名居民参加。",
            "“住了十几年，对门邻居叫什么名字都不知道，今天一起包饺子，一下子就熟了。”居民周女士笑着说。",
        ),
        encoding="utf-8",
        content_type="text/html",
        meta_charset="gb2312",
        note="带 BOM 的 UTF-8 页面；模板里遗留的 <meta> 写着 gb2312（BOM 优先）",
        bom=True,
    ),
)
ENCODING_PAGES_BY_PATH = {page.path: page for page in ENCODING_PAGES}

MALFORMED_TITLE = "安澜县开展冬季消防安全检查"
#: Paragraphs of /edge/malformed.htm that survive its broken markup (the last one is cut off mid-tag).
MALFORMED_PARAGRAPHS = (
    "为切实做好冬季火灾防控工作，安澜县消防救援大队近日对全县人员密集场所开展消防安全检查。",
    "检查组重点查看了消防设施器材是否完好有效、疏散通道是否畅通、电气线路是否规范敷设等情况，"
    "对发现的问题当场下达整改通知。",
    "县消防救援大队提醒，冬季取暖用火用电增多，广大群众要注意安全用电，不要私拉乱接电线。",
)

#: Every edge URL (path and query) the index links, with what it does.
EDGE_LINKS: tuple[tuple[str, str], ...] = (
    *((page.path, page.note) for page in ENCODING_PAGES),
    ("/edge/malformed.htm", "标签未闭合、多余的 </div>、结尾被截断的 HTML"),
    ("/edge/binary.htm", f"以 text/html 返回的 {BINARY_SIZE} 字节随机二进制数据（固定种子）"),
    ("/edge/huge.htm", f"{HUGE_SIZE // (1024 * 1024)} MB 的超大页面（流式输出）"),
    ("/edge/loop-a.htm", "重定向循环：loop-a -> loop-b -> loop-a"),
    ("/edge/error-500.htm", "500 服务器错误"),
    ("/edge/slow.htm?slow=2", "延迟 N 秒才返回响应头（?slow=N，不带参数则立即返回）"),
    ("/edge/empty.htm", "内容为空的 200 响应"),
)


def index_page() -> str:
    """The only page linking the edge resources."""
    items = "".join(
        f'<li><a href="{escape(href)}">{escape(href)}</a> {escape(note)}</li>\n' for href, note in EDGE_LINKS
    )
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        "<title>边缘样例索引</title>\n</head>\n<body>\n"
        f"<h1>边缘样例索引</h1>\n<p>健壮性测试用的异常页面，演示站点的正常页面不链接这里。</p>\n<ul>\n{items}</ul>\n"
        "</body>\n</html>\n"
    )


def malformed_page() -> str:
    """Unclosed tags, stray closing tags, and a document cut off in the middle of a tag."""
    first, second, third = MALFORMED_PARAGRAPHS
    return (
        f'<html><head><meta charset="utf-8"><title>{MALFORMED_TITLE}_县区动态</title>\n'
        '<body><div class="wrap"><div class="main"></div></div></div></div>\n'
        f'<h1>{MALFORMED_TITLE}</h1>\n<div class="content"><p>{first}\n'
        f"<p>{second} <b>整改通知未闭合\n"
        f"<p>{third}</td></tr></table></span>\n"
        '<div><div><p>尾部段落在这里被截断，标签也没有写完<a href="/edge/ind'
    )


@cache
def binary_body() -> bytes:
    """Random bytes from a fixed seed: the same on every run."""
    return random.Random(BINARY_SEED).randbytes(BINARY_SIZE)


_HUGE_HEAD = (
    '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>超大页面样例</title>\n</head>\n<body>\n'
    '<h1>超大页面样例</h1>\n<div class="content">\n'
).encode()
_HUGE_TAIL = b"</div>\n</body>\n</html>\n"
_HUGE_PARAGRAPH = (
    "<p>这是一个用于测试下载大小限制的超大页面，同一段文字会一直重复下去，直到页面达到十二兆字节。</p>\n"
).encode()
_HUGE_CHUNK = _HUGE_PARAGRAPH * (65536 // len(_HUGE_PARAGRAPH))


def huge_chunks() -> Iterator[bytes]:
    """Exactly HUGE_SIZE bytes of HTML, one 64 KiB chunk at a time."""
    filler = HUGE_SIZE - len(_HUGE_HEAD) - len(_HUGE_TAIL)
    full, rest = divmod(filler, len(_HUGE_CHUNK))
    yield _HUGE_HEAD
    for _ in range(full):
        yield _HUGE_CHUNK
    yield b" " * rest
    yield _HUGE_TAIL


_SLOW_PAGE = (
    '<html><head><meta charset="utf-8"><title>慢速响应样例</title></head>'
    "<body><h1>慢速响应样例</h1><p>服务器在返回响应头之前等待了指定的秒数。</p></body></html>\n"
).encode()


def _slow_seconds(query: Mapping[str, str]) -> float:
    try:
        seconds = float(query.get("slow", "0"))
    except ValueError:
        return 0.0
    return min(max(seconds, 0.0), MAX_SLOW_SECONDS)


def _redirect(target: str) -> Resource:
    body = f'<html><body><a href="{target}">302 Found</a></body></html>\n'.encode()
    return Resource(status=302, body=body, location=target, etag=False)


def resolve_edge(path: str, query: Mapping[str, str]) -> Resource | None:
    """The resource at an /edge/ path, or None if there is none."""
    if path == EDGE_INDEX:
        return html_resource(index_page())
    if page := ENCODING_PAGES_BY_PATH.get(path):
        return Resource(body=page.body(), content_type=page.content_type)
    match path:
        case "/edge/malformed.htm":
            return html_resource(malformed_page())
        case "/edge/binary.htm":
            return Resource(body=binary_body(), content_type="text/html")
        case "/edge/huge.htm":
            return Resource(content_type=HTML_UTF8, stream=huge_chunks, length=HUGE_SIZE, etag=False)
        case "/edge/loop-a.htm":
            return _redirect("/edge/loop-b.htm")
        case "/edge/loop-b.htm":
            return _redirect("/edge/loop-a.htm")
        case "/edge/error-500.htm":
            body = "<html><body><h1>500 Internal Server Error</h1><p>服务器内部错误</p></body></html>\n"
            return Resource(status=500, body=body.encode(), etag=False)
        case "/edge/slow.htm":
            return Resource(body=_SLOW_PAGE, delay=_slow_seconds(query))
        case "/edge/empty.htm":
            return Resource(body=b"")
    return None
