"""Article URLs: one normalised form per article, query bytes kept, canonical links judged."""

from __future__ import annotations

import pytest

from crawler.extract.gone import is_gone_notice
from crawler.extract.urls import UrlRules, judge_canonical, normalize_url
from crawler.profiles import parse_profile

BASE = "http://news.example.cn/"
PROFILE = parse_profile(
    "name: t\nbase_url: http://news.example.cn/\nstart_urls: [/local/]\nignore_params: [channel]\n"
)


@pytest.mark.parametrize(
    "variant",
    [
        "http://NEWS.example.cn:80/n/2024/a.asp?b=2&a=1",
        "http://news.example.cn/n/2024/a.asp;jsessionid=0A1B2C?a=1&b=2",
        "http://news.example.cn/n/2024/a.asp?a=1&b=2&sessionid=XYZ",
        "http://news.example.cn/n/2024/a.asp?PHPSESSID=1&a=1&b=2&utm_source=wx#top",
    ],
)
def test_url_variants_normalise_alike(variant: str) -> None:
    assert normalize_url(variant) == "http://news.example.cn/n/2024/a.asp?a=1&b=2"


def test_query_bytes_are_never_redecoded() -> None:
    first = normalize_url("http://h.cn/show.asp?title=%D6%D0%CE%C4")
    second = normalize_url("http://h.cn/show.asp?title=%B9%FA%BC%D2")
    assert first == "http://h.cn/show.asp?title=%D6%D0%CE%C4" and second.endswith("%B9%FA%BC%D2")
    assert normalize_url("http://h.cn/s.asp?t=%d6%d0") == "http://h.cn/s.asp?t=%D6%D0"


def test_default_documents_are_their_directory() -> None:
    assert normalize_url("http://h.cn/news/dir/index.html") == normalize_url("http://h.cn/news/dir/")
    assert normalize_url("http://h.cn/news/dir/Default.aspx") == "http://h.cn/news/dir/"
    assert normalize_url("http://h.cn/news/dir/index_2.html").endswith("index_2.html")


def test_profile_rules_add_parameters_and_case() -> None:
    rules = UrlRules.of(PROFILE)
    assert (
        rules.normalize("http://news.example.cn/a.htm?channel=3&id=5") == "http://news.example.cn/a.htm?id=5"
    )
    assert normalize_url("http://news.example.cn/a.htm?channel=3") != normalize_url(
        "http://news.example.cn/a.htm"
    )
    insensitive = UrlRules(case_insensitive_paths=True)
    assert insensitive.normalize("http://h.cn/NEWS/2024/DUP.HTML") == insensitive.normalize(
        "http://h.cn/news/2024/dup.html"
    )
    assert normalize_url("http://h.cn/NEWS/A.HTML") != normalize_url("http://h.cn/news/a.html")


@pytest.mark.parametrize(
    ("canonical", "key", "reason"),
    [
        (BASE, f"{BASE}local/2024/a.htm", "site_root"),
        (f"{BASE}index.html", f"{BASE}local/2024/a.htm", "site_root"),
        (f"{BASE}local/", f"{BASE}local/2024/a.htm", "list_page"),
        (f"{BASE}local", f"{BASE}local/2024/a.htm", "list_page"),
        ("http://other.cn/local/2024/a.htm", f"{BASE}local/2024/a.htm", "other_host"),
        (f"{BASE}local/2024/a.htm?utm_source=x", f"{BASE}local/2024/a.htm", None),
        (f"{BASE}p/123456.html", f"{BASE}p/123456.html", None),
        (None, f"{BASE}local/2024/a.htm", None),
    ],
)
def test_a_canonical_link_is_used_only_when_it_can_name_the_article(
    canonical: str | None, key: str, reason: str | None
) -> None:
    judged = judge_canonical(canonical, f"{BASE}local/2024/a.htm?from=home", PROFILE)
    assert (judged.key, judged.ignored) == (key, reason)


@pytest.mark.parametrize(
    ("title", "text", "gone"),
    [
        ("提示信息", "对不起，该文章已删除！\n返回首页", True),
        ("页面不存在", "", True),
        (
            "网传某局长文章已删除？官方回应",
            "本报讯 近日网传某局长发表的文章被删除一事引发关注，官方回应称系本人撤回。",
            False,
        ),
        (
            "冬季长跑比赛",
            "本报讯 记者发现，涉事网站的文章已删除，相关部门已介入调查此事，并将依法依规处理，结果将及时向社会公布。",
            False,
        ),
    ],
)
def test_a_notice_is_judged_from_the_article_own_words(title: str, text: str, gone: bool) -> None:
    assert is_gone_notice(title, text) is gone


def test_a_sidebar_never_makes_a_notice() -> None:
    from lxml import html

    page = html.fromstring(
        "<html><body><p>提示</p><ul><li><a href='/x'>网站页面不存在怎么办</a></li></ul></body></html>"
    )
    assert is_gone_notice("提示", "", page) is False
    notice = html.fromstring(
        "<html><body><div>对不起，您访问的页面不存在。</div><a href='/'>返回首页</a></body></html>"
    )
    assert is_gone_notice(None, "", notice) is True
