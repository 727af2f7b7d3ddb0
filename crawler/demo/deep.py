"""A deep archive for the demo site: thousands of generated articles behind hundreds of list pages.

Regional portals keep their history only in deep list pagination (no complete sitemap): this
is such a site, for the history tests and `bench/history.py`. The three demo sections hold the
demo's own articles (newest) and `count` generated ones before them, two per list page, each
list page linking five page numbers on either side; `pending` more can be published while a
crawl runs (`SiteState.add`), as a live site does. Everything in it is fictional.

    state = deep_state(400, pending=40)
    server, url = serve(port=0, state=state, admin=True)
"""

from __future__ import annotations

from datetime import timedelta

from crawler.demo.content import ARTICLES, DAILY, PENDING_ARTICLES, SECTIONS, DemoArticle
from crawler.demo.state import SiteState

#: Articles per list page of the deep archive.
DEEP_LIST_PAGE_SIZE = 2
#: Ids of generated articles start here (the demo's own are 1001-1099).
FIRST_ID = 100_000
PLACES = ("河东区", "经济开发区", "北湖新区", "临河县", "东山镇", "西城街道", "南港", "清河乡")
TOPICS = ("道路改造", "供暖保障", "农田水利", "社区养老", "校园安全", "文化惠民", "招商引资", "生态修复")


def generated_article(serial: int, *, newer: bool = False) -> DemoArticle:
    """Article `serial` of the deep archive: older ones before the demo's, `newer` ones after them."""
    section = SECTIONS[serial % len(SECTIONS)].key
    oldest = min(a.published for a in ARTICLES)
    newest = max(a.published for a in (*ARTICLES, *PENDING_ARTICLES))
    published = (
        newest + timedelta(minutes=7 * (serial + 1))
        if newer
        else oldest - timedelta(minutes=7 * (serial + 1))
    )
    place, topic = PLACES[serial % len(PLACES)], TOPICS[(serial // len(PLACES)) % len(TOPICS)]
    article_id = FIRST_ID + serial + (500_000 if newer else 0)
    title = f"{place}{topic}工作推进会召开（第{article_id}期）"
    return DemoArticle(
        id=article_id,
        section=section,
        title=title,
        published=published,
        pages=(
            (
                f"{published:%m月%d日}，{place}召开{topic}工作推进会，通报第{article_id}期各项任务进展情况，"
                "部署下一阶段重点工作。会议要求各部门压实责任、细化措施，确保各项工作按期完成。",
                f"会上，相关负责同志围绕{topic}中群众反映集中的问题逐一作了说明，并就资金保障、"
                f"进度督导和长效管理提出具体意见。编号{article_id}的工作台账同步向社会公开。",
            ),
        ),
        authors=("林晓",),
        source=DAILY,
        editors=("周敏",),
        byline="记者 林晓",
        byline_style="meta",
    )


#: A profile for the deep archive at {url}: its sections' list pages, nothing else (no sitemap, no feed).
PROFILE = """\
name: {name}
base_url: {url}
start_urls: [/news/local/index.htm, /news/society/index.htm, /county/index.htm]
sitemaps_from_robots: false
article_patterns: ['/(news/(local|society)|county)/\\d{{4}}-\\d{{2}}/\\d{{2}}/content_\\d+\\.htm$']
list_patterns: ['/(news/(local|society)|county)/index\\.htm$']
pagination_pattern: 'index(_\\d+)?\\.htm$'
exclude_patterns: ['/__admin__/', '/edge/', '/(search|comment)/', '\\.(css|js|gif|jpe?g|png)$']
max_list_pages: {max_list_pages}
revisit: {{stop_after_known: {stop_after_known}}}
politeness: {{download_delay: 0, concurrency: 4, obey_robots: false}}
allow_private_addresses: true
"""


def deep_profile(
    url: str, *, name: str = "deep", max_list_pages: int = 50, stop_after_known: int = 20
) -> str:
    """The YAML profile of the deep archive served at `url`."""
    return PROFILE.format(
        name=name, url=url, max_list_pages=max_list_pages, stop_after_known=stop_after_known
    )


def deep_state(count: int, *, pending: int = 0) -> SiteState:
    """The demo site with `count` generated older articles and `pending` newer ones to publish later."""
    older = [generated_article(n) for n in range(count)]
    newer = [generated_article(n, newer=True) for n in range(pending)]
    return SiteState((*ARTICLES, *older), (*PENDING_ARTICLES, *newer), list_page_size=DEEP_LIST_PAGE_SIZE)
