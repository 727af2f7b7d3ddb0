"""Headline forms of European and old Chinese layouts, negatives included: small inline pages.

Each page changes one thing against a plain article page: a menu heading, a masthead, a
caption, a breadcrumb, a dateline in the heading, a kicker, a channel in brackets, a
heading far from the body that the page's declared titles name.
"""

from __future__ import annotations

import pytest

from crawler.extract import Page
from crawler.extract.explain import explain_page
from crawler.extract.page import default_profile
from crawler.extract.title import normalize
from tests.test_extract_choice_forms import TITLE, body_html, cjk_page
from tests.test_extract_metadata_forms import EN_BODY, extract

HEADLINE = "Council agrees on the new budget for the city"
URL = "http://news.example.com/2024/03/council-budget.html"


def en_page(inner: str, *, head: str = "", title: str = f"{HEADLINE} | Example Herald") -> str:
    """An English page whose article block is ``inner`` (the test writes headline and body)."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f'<body><div class="top"><a href="/news/">News</a> <a href="/sport/">Sport</a></div>{inner}'
        '<div class="legal"><p>All rights reserved.</p></div></body></html>'
    )


def en_body(paragraphs: tuple[str, ...] = EN_BODY) -> str:
    return '<div class="text">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div>"


def og(title: str) -> str:
    return f'<meta property="og:title" content="{title}">'


def title_of(html: str, url: str = URL) -> str | None:
    return extract(html, url=url).title


def refusal(html: str, value: str, url: str = URL) -> str | None:
    """Why the headline candidate ``value`` may not win ('' when it may), None when it is no candidate."""
    _, choices = explain_page(Page(url=url, body=html.encode("utf-8")), default_profile(url))
    return next((c.refused for c in choices["title"].candidates if c.value == value), None)


# --- A heading outside the article ------------------------------------------------------------


def test_a_menu_heading_in_nav_is_no_headline():
    menu = '<nav><h1>Navigation</h1><ul><li><a href="/a">Home</a></li><li><a href="/b">Contact</a></li></ul></nav>'
    html = en_page(f"{menu}<p>Tuesday 5 March 2024</p><h2>{HEADLINE}</h2>{en_body()}", title="Example Herald")
    assert title_of(html) == HEADLINE
    assert refusal(html, "Navigation") == "inside <nav>"
    # without the <nav>, the same h1 is a heading of the page like any other
    plain = html.replace("<nav>", "<div>").replace("</nav>", "</div>")
    assert refusal(plain, "Navigation") == ""


def test_a_caption_heading_in_a_figure_is_no_headline():
    caption = "The council chamber during Tuesday's meeting. Photo: Jane Roe"
    figure = f'<figure><img src="/a.jpg"><figcaption><h2>{caption}</h2></figcaption></figure>'
    html = en_page(
        f"<div><h1>{HEADLINE}</h1></div><p>Analysis</p>{figure}{en_body()}", title="Example Herald"
    )
    assert title_of(html) == HEADLINE
    assert refusal(html, caption) == "a caption"
    assert refusal(html.replace("figure", "div").replace("figcaption", "div"), caption) == ""


def test_a_masthead_heading_linking_home_is_the_sites_name():
    masthead = '<header><h1><a href="/">Echo of the Valley</a></h1></header>'
    inner = f'{masthead}<h2><a href="{URL}">{HEADLINE}</a></h2><p>5 March 2024</p>{en_body()}'
    html = en_page(inner, title="Echo of the Valley")
    assert title_of(html) == HEADLINE
    assert refusal(html, "Echo of the Valley") == "a link to the site's home page (its name)"
    # a heading linking to another page of the site is no home link
    other = html.replace('<a href="/">Echo', '<a href="/2024/02/other.html">Echo')
    assert refusal(other, "Echo of the Valley") == ""


def test_the_current_item_of_a_breadcrumb_loses_to_the_heading():
    crumbs = (
        '<ol class="crumbs"><li><a href="/">Home</a></li><li><a href="/services">Services</a></li>'
        '<li>Hazardous goods</li></ol><ul class="sub"><li><a href="/s/1">Supplier data</a></li>'
        '<li><a href="/s/2">Safety sheets</a></li><li><a href="/s/3">Data management</a></li></ul>'
    )
    html = en_page(
        f"{crumbs}<h1>{HEADLINE}</h1>{en_body()}", head=og("Hazardous goods"), title="Hazardous goods"
    )
    assert title_of(html) == HEADLINE
    # the same line alone (no list of links around it) is the page's own title
    alone = html.replace(crumbs, "<div>Hazardous goods</div>").replace(f"<h1>{HEADLINE}</h1>", "")
    assert title_of(alone) == "Hazardous goods"


def test_a_row_of_bracketed_commands_is_no_headline():
    commands = '<div><a href="/dir">[查看我的博客目录]</a> <a href="/mark">[加入个人书签]</a></div>'
    html = cjk_page(f'{commands}<div class="post-title">{TITLE}</div>{body_html()}', title="blog.example.cn")
    assert title_of(html) == TITLE
    assert refusal(html, "[查看我的博客目录] [加入个人书签]") == "navigation"
    # one bracketed word before words is a channel, read off, not a menu
    assert refusal(html.replace("[加入个人书签]", "个人书签的说明文字"), "个人书签的说明文字") == ""


# --- Declared titles find the heading --------------------------------------------------------


def test_a_heading_far_below_the_body_start_is_found_by_the_declared_title():
    intro = tuple(f"{p} ({n})" for n in range(5) for p in EN_BODY)  # a long block the body starts in
    html = en_page(f"{en_body(intro)}<h1>{HEADLINE}</h1>{en_body()}", head=og(HEADLINE))
    assert title_of(html) == HEADLINE
    # without a declared title naming it, a heading that far is not looked at
    far = en_page(
        f"{en_body(intro)}<h3>Readers also liked this story</h3>{en_body()}", title="Example Herald"
    )
    assert title_of(far) != "Readers also liked this story"


def test_a_far_heading_printing_the_sites_name_a_title_holds_alone_is_no_headline():
    after = "".join(f"<p>Related story number {n} from our archive</p>" for n in range(12))
    html = en_page(f"<h1>{HEADLINE}</h1>{en_body()}<div>{after}</div><h3>Herald</h3>", title="Herald")
    assert title_of(html) == HEADLINE
    # a far heading saying more is found by the same title
    far = "Council debates the budget into the night"
    html = en_page(f"<h1>{HEADLINE}</h1>{en_body()}<div>{after}</div><h3>{far}</h3>", title=far)
    assert title_of(html) == far


def test_a_headline_with_a_word_like_a_label_is_still_the_headline():
    # "Dateien" opens like the label "Date": the line is an info line only if no declared title names it
    headline = "Dateien zwischen Linux und C64 austauschen"
    html = en_page(
        f'<h1><a href="/">Site</a></h1><h3>{headline}</h3><p>31.01.2016</p>{en_body()}', title=headline
    )
    assert title_of(html) == headline


def test_an_app_name_equal_to_the_title_is_no_site_name():
    head = f'<meta name="application-name" content="{HEADLINE}">'
    inner = f'<h1>{HEADLINE}</h1><div class="strip"><a href="/gallery/2">Previous</a></div>{en_body()}'
    assert title_of(en_page(inner, head=head, title=HEADLINE)) == HEADLINE
    # og:site_name is the site's name even when a line prints it
    named = en_page(
        f"<h1>Example Herald</h1><h2>{HEADLINE}</h2>{en_body()}",
        head='<meta property="og:site_name" content="Example Herald">',
        title=HEADLINE,
    )
    assert title_of(named) == HEADLINE


# --- What is read off a headline line --------------------------------------------------------


def test_a_date_before_the_headline_is_read_off():
    dated = f"23.01.2022 - {HEADLINE}"
    assert title_of(en_page(f"<h1>{dated}</h1>{en_body()}", head=og(dated), title=dated)) == HEADLINE
    glued = f"<h1><span>27.01.2022</span>{HEADLINE}</h1>"
    assert title_of(en_page(f"{glued}{en_body()}", title=f"Statistics - {HEADLINE}")) == HEADLINE
    # a season or a range is no date: kept
    season = "2022-23 season: the club signs three players"
    assert title_of(en_page(f"<h1>{season}</h1>{en_body()}", title=season)) == season


def test_a_headline_with_its_own_dash_agrees_with_a_title_that_adds_the_site():
    headline = "Order your life – tidy up in ten minutes"
    html = en_page(
        f'<ul class="menu"><li class="current">Order your life</li></ul><h1>{headline}</h1>{en_body()}',
        head=og("Order your life - tidy up in ten minutes | Tidy Blog"),
        title="Order your life - tidy up in ten minutes | Tidy Blog",
    )
    assert title_of(html) == headline
    assert normalize("A – B „c“") == normalize('A - B "c"')


def test_a_kicker_loses_to_the_whole_heading_line():
    heading = "<h1><span>Worm bin</span>\n Build a worm bin yourself</h1>"
    head = (
        og("Worm bin")
        + '<script type="application/ld+json">{"@type":"Article","headline":"Build a worm bin yourself"}</script>'
    )
    assert (
        title_of(en_page(f"{heading}{en_body()}", head=head, title="Worm bin | Garden"))
        == "Build a worm bin yourself"
    )
    # without a declared title naming the longer line, the kicker agreeing with og:title stays
    assert (
        title_of(en_page(f"{heading}{en_body()}", head=og("Worm bin"), title="Worm bin | Garden"))
        == "Worm bin"
    )


def test_a_heading_on_two_lines_is_read_whole_when_declared_so():
    whole = "Row before the works meeting: the board is split"
    heading = "<h1>Row before the works meeting:<br>the board is split</h1>"
    assert title_of(en_page(f"{heading}{en_body()}", head=og(whole), title=whole)) == whole
    # declared as its second line only: the second line
    second = "the board is split over the plan"
    heading = f"<h1>Works meeting<br>{second}</h1>"
    assert title_of(en_page(f"{heading}{en_body()}", head=og(second), title=second)) == second


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param(
            f"<a href='/c/516'>[湖湘文化]</a><a href='/a/22546.html'>{TITLE}</a>", TITLE, id="channel"
        ),
        pytest.param(f"<span>[原创]</span>{TITLE}", TITLE, id="badge-dropped-as-before"),
    ],
)
def test_a_channel_in_brackets_before_the_headline_is_read_off(line, expected):
    html = cjk_page(
        f"<div class='t'>{line}</div><div>2005-9-15 11:46:00</div>{body_html()}", title="某某博客"
    )
    assert title_of(html, url="http://blog.example.cn/a/22546.html") == expected


def test_the_headline_line_as_printed_is_dropped_from_the_body():
    from crawler.extract.article import _drop_title_line

    printed = f"27.01.2022{HEADLINE}"
    assert _drop_title_line([printed, EN_BODY[0]], HEADLINE, printed) == [EN_BODY[0]]
    assert _drop_title_line([HEADLINE, EN_BODY[0]], HEADLINE, None) == [EN_BODY[0]]
    # a first paragraph that is neither is kept
    assert _drop_title_line([EN_BODY[1], EN_BODY[0]], HEADLINE, printed) == [EN_BODY[1], EN_BODY[0]]
