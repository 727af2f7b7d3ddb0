"""HTML of the demo portal, with the chrome real Chinese news sites wrap around an article.

Two templates, as on real portals whose channels were built years apart: "portal" (UTF-8, divs) for
the city channels and "legacy" (GBK, tables, full-width indents) for the county channel. Article
pages depend only on the article and the base URL, never on the rest of the site's state, so their
validators change only when the article itself does (like pages of a static-publishing CMS).
"""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import TYPE_CHECKING

from crawler.demo.content import (
    ARTICLES,
    ARTICLES_BY_ID,
    COMMENTS,
    DISCLAIMER_PARAGRAPHS,
    DISCLAIMER_TITLE,
    HOT_IDS,
    ICP_NUMBER,
    REPORT_PHONE,
    SECTIONS,
    SITE_NAME,
    TZ,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from crawler.demo.content import DemoArticle, Section

#: Entries in the related-articles block.
RELATED_COUNT = 4
#: Titles per section on the home page; older articles are reached through list pagination.
HOME_BLOCK_SIZE = 3
#: Page numbers shown on each side of the current one in a list's pagination bar (deep lists).
PAGINATION_WINDOW = 5

STYLESHEET = """\
body{margin:0;font:14px/1.8 "PingFang SC","Microsoft YaHei",sans-serif;color:#222;background:#f4f4f4}
a{color:#1a4f8b;text-decoration:none}a:hover{text-decoration:underline}
.topbar{background:#333;color:#ccc;font-size:12px;padding:4px 24px}.topbar a{color:#ccc}
.header{background:#b81c22;color:#fff;padding:18px 24px}
.header .logo{color:#fff;font-size:28px;font-weight:bold}
.nav{background:#8e1418}.nav a{display:inline-block;color:#fff;padding:8px 16px}
.wrap{max-width:1100px;margin:0 auto;display:flex;gap:20px;padding:16px}
.main{flex:3;background:#fff;padding:16px 24px}.side{flex:1;background:#fff;padding:16px}
.crumbs{color:#666;font-size:12px;border-bottom:1px solid #eee;margin-bottom:12px}
h1{font-size:26px;text-align:center}.info{text-align:center;color:#888;font-size:12px}
.info span{margin:0 8px}.share,.tools{font-size:12px;color:#888;text-align:right}
.article-content p{text-indent:2em}.editor{text-align:right;color:#666}
.disclaimer{font-size:12px;color:#999;border:1px dashed #ddd;padding:8px;margin:16px 0}
.page-nav{text-align:center;margin:16px 0}.page-nav a,.page-nav span{margin:0 4px}
.news-list li{list-style:none;border-bottom:1px dotted #ddd;padding:4px 0}
.news-list .date{float:right;color:#999}
.pagination{text-align:center;margin:16px 0}.pagination a,.pagination span{margin:0 4px}
.related,.comments{border-top:2px solid #b81c22;margin-top:20px}
.footer{background:#333;color:#aaa;text-align:center;font-size:12px;padding:16px}.footer a{color:#ccc}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def stamp(moment: datetime) -> str:
    """Local time as the portal template prints it: 2026-11-27 09:30:15."""
    return f"{moment.astimezone(TZ):%Y-%m-%d %H:%M:%S}"


def legacy_stamp(moment: datetime) -> str:
    """Local time as the legacy county template prints it: 2026年11月26日 17:05."""
    local = moment.astimezone(TZ)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _date(moment: datetime) -> str:
    return f"{moment.astimezone(TZ):%Y-%m-%d}"


# Page chrome ---------------------------------------------------------------------------------


def _head(title: str, charset: str, *, keywords: str = "", description: str = "", extra: str = "") -> str:
    meta = [f'<meta charset="{charset.lower()}">', f"<title>{_e(title)}</title>"]
    if keywords:
        meta.append(f'<meta name="keywords" content="{_e(keywords)}">')
    if description:
        meta.append(f'<meta name="description" content="{_e(description)}">')
    meta.append('<link rel="stylesheet" href="/static/site.css">')
    meta.append(f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/rss.xml">')
    if extra:
        meta.append(extra)
    return '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n' + "\n".join(meta) + "\n</head>\n"


def _masthead() -> str:
    links = "".join(f'<a href="{s.list_path()}">{s.name}</a>' for s in SECTIONS)
    return (
        '<div class="topbar"><a href="/">首页</a> | <a href="/rss.xml">RSS订阅</a> | 手机版 | '
        "<span>登录</span> | <span>注册</span></div>\n"
        f'<div class="header"><a class="logo" href="/">{SITE_NAME}</a>'
        '<form class="search" action="/search/" method="get"><input name="q" placeholder="站内搜索">'
        '<button type="submit">搜索</button></form></div>\n'
        f'<div class="nav"><a href="/">首页</a>{links}</div>\n'
    )


def _footer(*, admin_link: bool = False) -> str:
    admin = ' | <a href="/admin/login.htm">后台管理</a>' if admin_link else ""
    return (
        '<div class="footer">\n'
        '<p><a href="/">关于我们</a> | <a href="/">联系我们</a> | <a href="/">广告服务</a> | '
        f'<a href="/sitemap.xml">网站地图</a>{admin}</p>\n'
        f"<p>{SITE_NAME} 版权所有 未经授权不得转载、复制或建立镜像</p>\n"
        f"<p>演示站点，内容纯属虚构 {ICP_NUMBER}</p>\n"
        f"<p>违法和不良信息举报电话：{REPORT_PHONE}  举报邮箱：jubao@example.com</p>\n"
        "</div>\n"
    )


def _disclaimer() -> str:
    items = "".join(f"<p>{_e(p)}</p>" for p in DISCLAIMER_PARAGRAPHS)
    return f'<div class="disclaimer"><p><strong>{_e(DISCLAIMER_TITLE)}</strong></p>{items}</div>\n'


def _hot_list() -> str:
    items = "".join(
        f'<li><a href="{ARTICLES_BY_ID[i].path}">{_e(ARTICLES_BY_ID[i].title)}</a></li>' for i in HOT_IDS
    )
    return f'<div class="side"><h3>热点排行</h3><ol>{items}</ol></div>\n'


# Articles ---------------------------------------------------------------------------------


def _related(article: DemoArticle) -> list[DemoArticle]:
    """Neighbours in the same section among the first-published articles (fixed at publication)."""
    same = [a for a in ARTICLES if a.section == article.section and a.id != article.id]
    return sorted(same, key=lambda a: abs((a.published - article.published).total_seconds()))[:RELATED_COUNT]


def _with_ruby(text: str, ruby: Sequence[tuple[str, str]]) -> str:
    html = _e(text)
    for char, pinyin in ruby:
        html = html.replace(char, f"<ruby>{char}<rp>(</rp><rt>{_e(pinyin)}</rt><rp>)</rp></ruby>")
    return html


def _body_paragraphs(article: DemoArticle, page: int) -> list[str]:
    """Inner HTML of each <p> of one page, bylines and corrections placed as the CMS prints them."""
    paragraphs = [_with_ruby(p, article.ruby) for p in article.pages[page - 1]]
    first, last = page == 1, page == article.page_count
    if first and article.byline_style == "lead":
        paragraphs[0] = _e(article.byline) + paragraphs[0]
    if first and article.byline_style == "photo":
        photo = f"/uploads/{article.published:%Y-%m}/{article.id}_1.gif"
        paragraphs[:0] = [_e(article.byline), f'<img src="{photo}" alt="{_e(article.photo or "")}">']
    if last:
        paragraphs.extend(_e(c) for c in article.corrections)
        if article.byline_style == "tail":
            paragraphs.append(_e(article.byline))
    return paragraphs


def _page_nav(article: DemoArticle, page: int) -> str:
    if article.page_count == 1:
        return ""

    def name(n: int) -> str:
        return article.page_path(n).rsplit("/", 1)[1]

    parts = [f'<a href="{name(page - 1)}">上一页</a>' if page > 1 else "<span>上一页</span>"]
    for n in range(1, article.page_count + 1):
        parts.append(
            f'<span class="current">第{n}页</span>' if n == page else f'<a href="{name(n)}">第{n}页</a>'
        )
    parts.append(
        f'<a href="{name(page + 1)}">下一页</a>' if page < article.page_count else "<span>下一页</span>"
    )
    return f'<div class="page-nav" id="pages">{" ".join(parts)}</div>\n'


def _comments(article: DemoArticle) -> str:
    picked = [COMMENTS[(article.id + k) % len(COMMENTS)] for k in range(2)]
    items = "".join(
        f'<li><span class="user">{_e(user)}</span> <span class="time">'
        f"{stamp(article.published + timedelta(minutes=minutes))[:16]}</span><p>{_e(text)}</p></li>"
        for user, minutes, text in picked
    )
    return (
        f'<div class="comments" id="comments"><h3>网友评论（共{len(picked)}条）</h3><ul>{items}</ul>\n'
        '<form action="/comment/post" method="post"><textarea name="content"></textarea>'
        '<button type="submit">发表评论</button></form>\n'
        "<p>网友评论仅供其表达个人看法，并不表明本网同意其观点或证实其描述。</p></div>\n"
    )


def _js_links(*labels: str) -> str:
    return " ".join(f'<a href="javascript:void(0)">{label}</a>' for label in labels)


_SHARE_BAR = (
    f'<div class="share">分享到：{_js_links("微信", "微博", "QQ空间")}'
    f"　字号：{_js_links('大', '中', '小')}</div>\n"
)


def _article_head(article: DemoArticle, page: int, base_url: str) -> str:
    section = article.section_info
    canonical = base_url.rstrip("/") + article.page_path(page)
    extra = "\n".join(
        (
            f'<meta name="ContentSource" content="{_e(article.source)}">',
            f'<meta name="PubDate" content="{stamp(article.published)}">',
            f'<link rel="canonical" href="{_e(canonical)}">',
        )
    )
    return _head(
        f"{article.title}_{section.name}_{SITE_NAME}",
        section.charset,
        keywords=",".join(article.keywords),
        description=article.description,
        extra=extra,
    )


def article_page(article: DemoArticle, page: int, base_url: str) -> str:
    """One page (1-based) of an article, in its section's template."""
    if article.section_info.template == "legacy":
        return _legacy_article_page(article, page, base_url)
    section = article.section_info
    last = page == article.page_count
    info = [
        f'<span class="date">{stamp(article.published)}</span>',
        f'<span class="source">来源：{_e(article.source)}</span>',
    ]
    if article.byline_style == "meta":
        info.append(f'<span class="author">{_e(article.byline)}</span>')
    body = "".join(f'<p style="text-indent:2em">{p}</p>\n' for p in _body_paragraphs(article, page))
    if last:
        body += f'<p class="editor">责任编辑：{_e(" ".join(article.editors))}</p>\n'
        if article.disclaimer_in_body:
            body += _disclaimer()
    related = "".join(
        f'<li><a href="{a.path}">{_e(a.title)}</a> <span>{_date(a.published)}</span></li>'
        for a in _related(article)
    )
    return (
        _article_head(article, page, base_url)
        + "<body>\n"
        + _masthead()
        + '<div class="wrap">\n<div class="main">\n'
        + f'<div class="crumbs">当前位置：<a href="/">首页</a> &gt; '
        f'<a href="{section.list_path()}">{section.name}</a> &gt; 正文</div>\n'
        + f'<div class="article">\n<h1 class="title">{_e(article.title)}</h1>\n'
        + f'<div class="info">{"  ".join(info)}</div>\n'
        + _SHARE_BAR
        + f'<div class="article-content" id="zoom">\n{body}</div>\n'
        + _page_nav(article, page)
        + '<div class="tools"><a href="javascript:window.print()">打印本页</a> '
        '<a href="javascript:window.close()">关闭窗口</a></div>\n</div>\n'
        + ("" if article.disclaimer_in_body else _disclaimer())
        + f'<div class="related"><h3>相关新闻</h3><ul>{related}</ul></div>\n'
        + _comments(article)
        + "</div>\n"
        + _hot_list()
        + "</div>\n"
        + _footer()
        + "</body>\n</html>\n"
    )


def _legacy_article_page(article: DemoArticle, page: int, base_url: str) -> str:
    section = article.section_info
    last = page == article.page_count
    info = f"发布时间：{legacy_stamp(article.published)}&nbsp;&nbsp;来源：{_e(article.source)}"
    if article.byline_style == "meta":
        info += f"&nbsp;&nbsp;{_e(article.byline)}"
    info += f"&nbsp;&nbsp;【字体：{_js_links('大', '中', '小')}】"
    body = "".join(f"<p>\u3000\u3000{p}</p>\n" for p in _body_paragraphs(article, page))
    after = ""
    if last:
        after = f'<p align="right">【责任编辑：{_e(" ".join(article.editors))}】</p>\n'
        if article.disclaimer_in_body:
            after += _disclaimer()
    related = "".join(
        f'<tr><td>·<a href="{a.path}">{_e(a.title)}</a></td><td>{_date(a.published)}</td></tr>'
        for a in _related(article)
    )
    return (
        _article_head(article, page, base_url)
        + "<body>\n"
        + _masthead()
        + '<table width="980" align="center" cellpadding="0" cellspacing="0" class="main">\n'
        + f'<tr><td class="crumbs">您现在的位置：<a href="/">首页</a> &gt;&gt; '
        f'<a href="{section.list_path()}">{section.name}</a> &gt;&gt; 正文</td></tr>\n'
        + f'<tr><td align="center"><h1>{_e(article.title)}</h1></td></tr>\n'
        + f'<tr><td class="info" align="center">{info}</td></tr>\n'
        + f'<tr><td class="content" id="fontzoom"><div class="TRS_Editor">\n{body}</div>\n{after}</td></tr>\n'
        + f"<tr><td>{_page_nav(article, page)}</td></tr>\n"
        + '<tr><td align="right">【<a href="javascript:window.print()">打印本页</a>】'
        '【<a href="javascript:window.close()">关闭窗口</a>】</td></tr>\n'
        + ("" if article.disclaimer_in_body else f"<tr><td>{_disclaimer()}</td></tr>\n")
        + f'<tr><td class="related"><b>相关新闻</b><table width="100%">{related}</table></td></tr>\n'
        + f"<tr><td>{_comments(article)}</td></tr>\n"
        + "</table>\n"
        + _footer()
        + "</body>\n</html>\n"
    )


# Lists and site pages -----------------------------------------------------------------------


def _pagination(page: int, page_count: int, total: int) -> str:
    def name(n: int) -> str:
        return "index.htm" if n == 0 else f"index_{n}.htm"

    parts = [f"<span>共{total}条 第{page + 1}/{page_count}页</span>", f'<a href="{name(0)}">首页</a>']
    parts.append(f'<a href="{name(page - 1)}">上一页</a>' if page > 0 else "<span>上一页</span>")
    for n in range(max(0, page - PAGINATION_WINDOW), min(page_count, page + PAGINATION_WINDOW + 1)):
        parts.append(
            f'<span class="current">{n + 1}</span>' if n == page else f'<a href="{name(n)}">{n + 1}</a>'
        )
    parts.append(f'<a href="{name(page + 1)}">下一页</a>' if page + 1 < page_count else "<span>下一页</span>")
    parts.append(f'<a href="{name(page_count - 1)}">尾页</a>')
    return f'<div class="pagination">{" ".join(parts)}</div>\n'


def list_page(
    section: Section, articles: Sequence[DemoArticle], page: int, page_count: int, total: int
) -> str:
    """One page (0-based) of a section's article list, newest first, with relative links."""

    def href(article: DemoArticle) -> str:
        return "./" + article.path.removeprefix(section.path)

    title = f"{section.name}_{SITE_NAME}"
    if section.template == "legacy":
        rows = "".join(
            f'<tr><td>·<a href="{href(a)}" target="_blank">{_e(a.title)}</a></td>'
            f'<td align="right">[{_date(a.published)}]</td></tr>\n'
            for a in articles
        )
        main = (
            '<table width="980" align="center" class="main">\n'
            f'<tr><td class="crumbs">您现在的位置：<a href="/">首页</a> &gt;&gt; {section.name}</td></tr>\n'
            f'<tr><td><table width="100%" class="news-list">\n{rows}</table></td></tr>\n'
            f"<tr><td>{_pagination(page, page_count, total)}</td></tr>\n</table>\n"
        )
    else:
        items = "".join(
            f'<li><a href="{href(a)}" target="_blank">{_e(a.title)}</a>'
            f'<span class="date">{_date(a.published)}</span></li>\n'
            for a in articles
        )
        main = (
            '<div class="wrap"><div class="main">\n'
            f'<div class="crumbs">当前位置：<a href="/">首页</a> &gt; {section.name}</div>\n'
            f'<ul class="news-list">\n{items}</ul>\n'
            + _pagination(page, page_count, total)
            + "</div>\n"
            + _hot_list()
            + "</div>\n"
        )
    return (
        _head(title, section.charset, keywords=f"{section.name},{SITE_NAME}")
        + "<body>\n"
        + _masthead()
        + main
        + _footer()
        + "</body>\n</html>\n"
    )


def home_page(articles: Sequence[DemoArticle]) -> str:
    """The front page: the newest story as headline, then each section's latest titles."""
    blocks = []
    for section in SECTIONS:
        items = "".join(
            f'<li><a href="{a.path}">{_e(a.title)}</a><span class="date">{_date(a.published)}</span></li>'
            for a in [a for a in articles if a.section == section.key][:HOME_BLOCK_SIZE]
        )
        blocks.append(
            f'<div class="block"><h3><a href="{section.list_path()}">{section.name}</a> '
            f'<a class="more" href="{section.list_path()}">更多&gt;&gt;</a></h3>'
            f'<ul class="news-list">{items}</ul></div>\n'
        )
    headline = ""
    if articles:
        top = articles[0]
        headline = (
            f'<div class="headline"><h2><a href="{top.path}">{_e(top.title)}</a></h2>'
            f"<p>{_e(top.description)}</p></div>\n"
        )
    return (
        _head(
            f"{SITE_NAME}_鲁北权威新闻门户",
            "utf-8",
            keywords=f"{SITE_NAME},鲁北新闻,本地新闻,社会民生,县区动态",
            description=f"{SITE_NAME}：鲁北本地新闻、社会民生、县区动态（演示站点，内容纯属虚构）。",
        )
        + "<body>\n"
        + _masthead()
        + '<div class="wrap"><div class="main">\n'
        + headline
        + "".join(blocks)
        + "</div>\n"
        + _hot_list()
        + "</div>\n"
        + _footer(admin_link=True)
        + "</body>\n</html>\n"
    )


def notice_page() -> str:
    """What some CMSs answer, with status 200, for a removed article."""
    return (
        _head(f"提示信息_{SITE_NAME}", "utf-8")
        + "<body>\n"
        + _masthead()
        + '<div class="wrap"><div class="main">\n<h1>提示信息</h1>\n'
        "<p>该文章已删除或页面不存在。</p>\n"
        '<p><a href="/">返回首页</a></p>\n</div></div>\n' + _footer() + "</body>\n</html>\n"
    )


def error_page(status: int) -> str:
    """Page for 404, 410 and 5xx answers."""
    message = {
        404: "404 页面不存在",
        410: "410 该文章已删除",
    }.get(status, f"{status} 服务器错误，请稍后再试")
    return (
        _head(f"{message}_{SITE_NAME}", "utf-8")
        + "<body>\n"
        + _masthead()
        + f'<div class="wrap"><div class="main">\n<h1>{message}</h1>\n'
        '<p>您访问的页面可能已被删除、更名或暂时不可用。<a href="/">返回首页</a></p>\n</div></div>\n'
        + _footer()
        + "</body>\n</html>\n"
    )


def admin_login_page() -> str:
    """The back-office login page robots.txt forbids: a crawl that fetches it ignored robots.txt."""
    return (
        _head(f"后台管理系统_{SITE_NAME}", "utf-8", extra='<meta name="robots" content="noindex,nofollow">')
        + "<body>\n<h1>内容管理系统登录</h1>\n"
        '<form action="/admin/login.htm" method="post"><input name="user">'
        '<input name="password" type="password"><button type="submit">登录</button></form>\n'
        "</body>\n</html>\n"
    )
