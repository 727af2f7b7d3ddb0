"""Pages printing several posts (a blog's front page, a forum thread): the article is the first post."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import html as lxml_html

from crawler.extract import extract_article
from crawler.extract.htmltext import page_lines
from crawler.extract.posts import first_post

URL = "http://blog.example.cn/user/index.html"
FETCHED = datetime(2006, 1, 1, tzinfo=UTC)

POSTS = (
    (
        "周末去海边看日出",
        "2005-03-21 01:20:44",
        (
            "凌晨四点我们从市区出发，开车一个多小时到了海边，天还没有亮，沙滩上已经有不少人在等日出了。",
            "太阳从海平面跳出来的那一刻，大家都欢呼起来，海面被染成了金色，比照片上看到的还要好看。",
        ),
    ),
    (
        "新买的自行车",
        "2005-03-18 21:05:10",
        (
            "骑车上班已经一个星期了，每天来回二十公里，腿有点酸，但是精神好了很多，也省下了不少车费。",
            "同事们都说我瘦了，周末打算骑到郊外的水库去看看，听说那里的油菜花快开了。",
        ),
    ),
    (
        "学做红烧肉",
        "2005-03-15 19:47:02",
        (
            "照着妈妈在电话里说的步骤，先把五花肉切块焯水，再炒糖色，最后小火炖了一个小时。",
            "味道还不错，就是颜色有点深，下次糖要少放一点，火也要再小一些。",
        ),
    ),
)


def _post(title: str, when: str, paragraphs: tuple[str, ...], body_tag: str) -> str:
    if body_tag == "p":
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
    else:
        body = "".join(f"{p}<br>" for p in paragraphs)
    return (
        '<table class="post"><tr><td class="post-title">'
        f'{title}</td></tr><tr><td class="post-title">{when}</td></tr>'
        f'<tr><td class="post-body">{body}</td></tr>'
        '<tr><td class="post-footer"><a href="/c/1">由博主张贴</a> <a href="/c/2">评论(3)</a></td></tr></table>'
    )


def blog_front_page(posts=POSTS, body_tags=("td", "td", "td")) -> str:
    """A 2005-style blog front page: a sidebar of links, then the posts in table frames."""
    sidebar = "".join(f'<li><a href="/a/{n}.html">文章目录第{n}篇</a></li>' for n in range(12))
    frames = "".join(_post(*post, tag) for post, tag in zip(posts, body_tags, strict=True))
    return (
        "<html><head><meta charset='utf-8'><title>海边的博客</title></head><body>"
        f"<table><tr><td class='side'><ul>{sidebar}</ul></td><td class='main'>{frames}</td></tr></table>"
        "</body></html>"
    )


def _extract(html: str):
    return extract_article(html, URL, _profile(), fetched_at=FETCHED)


def _profile():
    from crawler.extract.page import default_profile

    return default_profile(URL)


def test_a_blog_front_page_gives_its_first_post():
    article = _extract(blog_front_page())
    assert article.text.splitlines() == list(POSTS[0][2])
    assert article.quality["removed"]["other_posts"] == 1


def test_a_body_found_in_a_later_post_gives_the_first_post():
    lines = page_lines(lxml_html.document_fromstring(blog_front_page()))
    texts = [line.text for line in lines]
    later = [texts.index(p) for p in POSTS[1][2]]
    post = first_post(lines, list(POSTS[1][2]), later[0], later[-1])
    assert post == list(POSTS[0][2])


def test_one_post_with_its_footer_is_left_alone():
    article = _extract(blog_front_page(posts=POSTS[:1], body_tags=("td",)))
    assert article.text.splitlines()[-2:] == list(POSTS[0][2])
    assert "other_posts" not in article.quality.get("removed", {})


def _assert_one_article(html: str, entries: list[tuple[str, str]]) -> None:
    article = _extract(html)
    for _, what in entries:
        assert what in article.text
    assert "other_posts" not in article.quality.get("removed", {})


def test_a_chronology_without_times_is_one_article():
    entries = [
        (
            "2005年3月1日",
            "工程正式开工，施工单位进场，首批建设者在工地举行了简短的开工仪式，正式拉开了建设序幕。",
        ),
        ("2005年6月18日", "主体结构封顶，比原计划提前了半个月，全体施工人员放弃休息连续作业，确保了工期。"),
        ("2005年9月30日", "工程通过竣工验收，正式投入使用，附近居民出行时间缩短了一半，受到群众普遍欢迎。"),
    ]
    cells = "".join(
        f"<tr><td class='when'>{when}</td></tr><tr><td class='what'>{what}</td></tr>"
        for when, what in entries
    )
    _assert_one_article(f"<html><body><h1>大桥建设大事记</h1><table>{cells}</table></body></html>", entries)


def test_dated_lines_in_the_place_of_the_text_are_no_frames():
    entries = [
        ("2005-03-01 09:00", "上午九点，代表们陆续抵达会场，大会秘书处为每位代表发放了会议材料和议程安排。"),
        (
            "2005-03-01 10:30",
            "十点半，大会正式开幕，主持人宣读了会议议程，全体代表起立奏唱国歌，气氛庄重热烈。",
        ),
        (
            "2005-03-01 15:00",
            "下午三点，各代表团分组讨论政府工作报告，代表们结合本地实际踊跃发言，提出许多建议。",
        ),
    ]
    paragraphs = "".join(f"<p>{when}</p><p>{what}</p>" for when, what in entries)
    html = f"<html><body><h1>大会首日直播</h1><div class='content'>{paragraphs}</div></body></html>"
    _assert_one_article(html, entries)


def test_dated_snippets_above_the_article_are_no_posts():
    snippets = "".join(
        f"<div class='latest'><div class='when'>2005-03-0{n} 1{n}:00</div>"
        f"<div class='said'>网友第{n}条留言：这篇写得真好，支持楼主继续写下去，期待下一篇。</div></div>"
        for n in range(1, 4)
    )
    article_text = "".join(f"<p>{p}</p>" for p in (*POSTS[0][2], *POSTS[1][2]))
    html = (
        f"<html><body><div class='side'>{snippets}</div>"
        f"<div class='main'><h1>{POSTS[0][0]}</h1><div class='content'>{article_text}</div></div></body></html>"
    )
    article = _extract(html)
    assert article.text.splitlines() == [*POSTS[0][2], *POSTS[1][2]]
    assert "other_posts" not in article.quality.get("removed", {})
