from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html

from crawler.extract.dates import (
    DateCandidate,
    DateEvidence,
    StructuredDates,
    choose_date,
    find_dates,
    in_sentence,
    is_credited_dateline,
    is_dateline,
    page_offset,
    parse_date,
    published_date,
    structured_dates,
)
from crawler.extract.htmltext import page_lines
from crawler.extract.layout import Layout

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Fixed fetch time: 2024-03-01 20:00 in Shanghai.
FETCHED = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年2月13日 07:00", at(2022, 2, 13, 7, 0)),
        ("发布时间：2022-02-13 07:00:00", at(2022, 2, 13, 7, 0)),
        ("2022/02/13", at(2022, 2, 13)),
        ("2022.02.13", at(2022, 2, 13)),
        ("２０２２年２月１３日", at(2022, 2, 13)),
        ("9/17/2004 5:54:13 AM", at(2004, 9, 17, 5, 54, 13)),
        ("7/5/2005 9:23:57 PM", at(2005, 7, 5, 21, 23, 57)),
        ("2005-03-21T11:21:30+00:00", datetime(2005, 3, 21, 11, 21, 30, tzinfo=UTC)),
        ("2023年13月1日", None),
    ],
)
def test_absolute_forms(text, expected):
    assert parse_date(text, tz=SHANGHAI) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("刚刚", at(2024, 3, 1, 20, 0)),
        ("5分钟前", at(2024, 3, 1, 19, 55)),
        ("3小时前", at(2024, 3, 1, 17, 0)),
        ("2天前", at(2024, 2, 28, 20, 0)),
        ("昨天 08:00", at(2024, 2, 29, 8, 0)),
        ("前天 23:15", at(2024, 2, 28, 23, 15)),
    ],
)
def test_relative_forms_against_the_fetch_time(text, expected):
    assert parse_date(text, tz=SHANGHAI, now=FETCHED) == expected


def test_relative_forms_need_a_fetch_time():
    assert parse_date("3小时前", tz=SHANGHAI) is None


@pytest.mark.parametrize(
    "text",
    [
        "Copyright © 2003-2022 德州新闻网 版权所有",
        "$$ jikun/2005-3-30 ~ 2005-3-31/B $$",
        "版权所有 2020年1月1日",
    ],
)
def test_copyright_lines_and_ranges_give_no_date(text):
    assert find_dates(text) == []


def test_profile_timezone_is_applied():
    assert parse_date("2022-02-13 07:00", tz=ZoneInfo("Asia/Taipei")).utcoffset().total_seconds() == 8 * 3600
    assert parse_date("2022-02-13 07:00", tz=ZoneInfo("Europe/Berlin")).tzinfo == ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2022年02月13日", True),
        ("2003-7-24 钱江晚报", True),
        ("发布时间：2022-02-13 07:00", True),
        ("[2005-08-02] 为什么总要面对呢", False),
        ("自2022年2月10日起施行新规定", False),
    ],
)
def test_is_dateline(line, expected):
    assert is_dateline(line) is expected


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        pytest.param(
            DateEvidence(
                header=("2022-02-11 09:52 来源：巴彦淖尔日报",),
                structured="2021-01-01",
                footer=("Copyright 2022",),
            ),
            at(2022, 2, 11, 9, 52),
            id="date-line-beats-meta",
        ),
        pytest.param(
            DateEvidence(header=("2020-01-01 今日天气", "发布时间：2022-02-11 09:52")),
            at(2022, 2, 11, 9, 52),
            id="label-beats-first-date",
        ),
        pytest.param(
            DateEvidence(header=("更新时间：2022-03-01 10:00", "发布时间：2022-02-11 09:52")),
            at(2022, 2, 11, 9, 52),
            id="modified-is-not-published",
        ),
        pytest.param(
            DateEvidence(footer=("加入博采", "Trackback", "[2005-08-21] 无题", "[2005-08-02] 无序")),
            None,
            id="related-links-are-not-dates",
        ),
        pytest.param(
            DateEvidence(footer=("发表于 2004年12月27日 12:40 - (阅读:3727)",)),
            at(2004, 12, 27, 12, 40),
            id="blog-footer",
        ),
        pytest.param(
            DateEvidence(guess="1998-01-01", page_lines=("《北京之春》1998年3月号",)),
            None,
            id="guess-not-printed-is-dropped",
        ),
        pytest.param(DateEvidence(header=("2030-01-01",)), None, id="future-is-dropped"),
        pytest.param(
            DateEvidence(guess="2021-05-06", guess_first=True),
            at(2021, 5, 6),
            id="western-page-trusts-htmldate-alone",
        ),
        pytest.param(
            DateEvidence(structured="2021-05-05", guess="2021-05-06", guess_first=True),
            at(2021, 5, 5),
            id="declared-date-beats-htmldates-reading",
        ),
        pytest.param(
            DateEvidence(header=("am 20.09.2020",), strict_guess="2020-09-22", guess_first=True),
            at(2020, 9, 20),
            id="date-line-beats-htmldates-reading",
        ),
        pytest.param(
            DateEvidence(
                structured="2021-05-05", header=("Nachrichten",), strict_guess="2021-05-05", guess_first=True
            ),
            at(2021, 5, 5),
            id="htmldate-agrees-with-declared",
        ),
        pytest.param(
            DateEvidence(above_title=("Startseite", "Anna Muster 19.10.2019, 05:00 Uhr"), guess_first=True),
            at(2019, 10, 19, 5, 0),
            id="name-and-date-above-headline",
        ),
        pytest.param(
            DateEvidence(
                body_edges=("Handballverband • 02.02.2022", "Am Wochenende spielen …"), guess_first=True
            ),
            at(2022, 2, 2),
            id="outlet-and-date-opening-body",
        ),
        pytest.param(
            DateEvidence(
                body_edges=("Ein Untertitel", "Von Anna Muster", "27.1.2022 - Bei der Erinnerung an …"),
                guess_first=True,
            ),
            at(2022, 1, 27),
            id="lead-dateline-after-subheading-and-byline",
        ),
        pytest.param(
            DateEvidence(
                body_edges=(
                    *("Ein Untertitel", "Von Anna Muster", "Bei der Erinnerung"),
                    "27.1.2022 - Bei der Erinnerung an die Verfolgten",
                ),
                guess_first=True,
            ),
            None,
            id="date-opening-a-later-paragraph-is-not-the-lead",
        ),
        pytest.param(
            DateEvidence(footer=("[打印]", "由某某张贴 @ 2005-03-15 16:47:37 (3239)")),
            None,
            id="a-posts-line-in-a-chinese-footer",
        ),
    ],
)
def test_published_date_prefers_the_articles_own_date_line(evidence, expected):
    assert published_date(evidence, tz=SHANGHAI, now=FETCHED)[0] == expected


def test_modified_date_is_kept():
    published, modified = published_date(
        DateEvidence(header=("发布时间：2022-02-11 09:52 更新时间：2022-02-12 10:00",)),
        tz=SHANGHAI,
        now=FETCHED,
    )
    assert (published, modified) == (at(2022, 2, 11, 9, 52), at(2022, 2, 12, 10, 0))


def _declared(
    *published: tuple[str, str, float], times: tuple[tuple[str, float], ...] = ()
) -> StructuredDates:
    return StructuredDates(published=published, time_elements=times)


def test_a_utc_time_is_shown_in_the_zone_the_page_prints_it_in():
    # datePublished 05:30:59Z, and the page's <time> prints the same clock 6 hours earlier
    evidence = DateEvidence(
        declared=_declared(("2023-11-09T05:30:59Z", "json-ld", 0.9), times=(("2023-11-08 23:30:59", 0.75),)),
        guess_first=True,
    )
    published = published_date(evidence, tz=SHANGHAI, now=FETCHED)[0]
    assert published.date().isoformat() == "2023-11-08"
    assert published == datetime(2023, 11, 9, 5, 30, 59, tzinfo=UTC)  # the same moment


def test_a_utc_time_takes_the_offset_another_date_of_the_page_states():
    evidence = DateEvidence(
        declared=_declared(
            ("2022-11-06T23:00:00+00:00", "meta", 0.9), times=(("2022-11-07T00:00:00+01:00", 0.6),)
        ),
        guess_first=True,
    )
    assert published_date(evidence, tz=SHANGHAI, now=FETCHED)[0].date().isoformat() == "2022-11-07"


def test_a_utc_time_alone_keeps_its_own_day():
    # nothing on the page says its zone: the Chinese default zone must not move the day
    evidence = DateEvidence(declared=_declared(("2022-11-06T20:00:00Z", "json-ld", 0.9)), guess_first=True)
    published = published_date(evidence, tz=SHANGHAI, now=FETCHED)[0]
    assert published.isoformat() == "2022-11-06T20:00:00+00:00"


def test_unrelated_clocks_set_no_zone():
    # a naive time 7 minutes off a UTC one is another moment, not the same one in another zone
    candidates = [
        DateCandidate(datetime(2022, 1, 1, 5, 0, tzinfo=UTC), "json-ld", 0.9, zoned=True),
        DateCandidate(datetime(2022, 1, 1, 23, 7, tzinfo=SHANGHAI), "date-line", 0.88),
    ]
    assert page_offset(candidates) is None
    assert page_offset(
        [*candidates[:1], replace(candidates[1], value=datetime(2022, 1, 1, 13, 0))]
    ) == timedelta(hours=8)


def test_microdata_is_one_source_and_a_reviews_date_is_not_the_articles():
    tree = lxml_html.fromstring(
        "<html><body><article itemscope><meta itemprop='datePublished' content='2020-02-19'>"
        "<p>text</p></article><div class='comment-list'><div itemscope>"
        "<meta itemprop='datePublished' content='2019-02-12'></div></div></body></html>"
    )
    assert structured_dates(tree).published == (("2020-02-19", "microdata", 0.9),)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Anna Muster 19.10.2019, 05:00 Uhr", True),
        ("Handballverband • 02.02.2022", True),
        ("Bonn, 11.10.2021", True),
        ("2022-02-13", True),
        ("Ich habe am 12. Mai 2006 eine Mail-Aktion gestartet", False),
        ("由某某张贴 @ 2005-03-15 16:47:37 (3239)", False),  # a post's own line, not a credit
        ("Nachrichten aus der Region", False),
    ],
)
def test_credited_dateline(line, expected):
    assert is_credited_dateline(line) is expected


def test_a_date_inside_a_sentence_under_the_headline_yields_to_a_date_line():
    evidence = DateEvidence(
        above_title=("06.12.2022",),
        header=("Mit der Investition vom 10.02.2023 bietet die Firma ihren Kunden einen neuen Tarif an.",),
        guess_first=True,
    )
    assert published_date(evidence, tz=SHANGHAI, now=FETCHED)[0] == at(2022, 12, 6)
    # alone, it is still the page's date
    alone = DateEvidence(header=evidence.header, guess_first=True)
    assert published_date(alone, tz=SHANGHAI, now=FETCHED)[0] == at(2023, 2, 10)


def test_an_update_date_fills_the_gap_when_the_page_states_nothing_else():
    evidence = DateEvidence(footer=("Aktualisiert am 17.01.2021.",), guess_first=True)
    choice = choose_date(evidence, tz=SHANGHAI, now=FETCHED)
    assert (choice.published, choice.modified, choice.source) == (
        at(2021, 1, 17),
        at(2021, 1, 17),
        "modified",
    )
    # any publication date beats it
    dated = DateEvidence(footer=("Aktualisiert am 17.01.2021.",), header=("03.01.2021",), guess_first=True)
    assert published_date(dated, tz=SHANGHAI, now=FETCHED) == (at(2021, 1, 3), at(2021, 1, 17))


def test_date_header_reaches_the_lines_right_under_a_headline_far_above_the_body():
    lines = ("Home", "Headline", "Datum:", "03.11.2021", *(f"#tag{i}" for i in range(20)), "Body text")
    layout = Layout(lines, title_index=1, body_start=len(lines) - 1)
    assert "03.11.2021" not in layout.header
    assert layout.date_header[:2] == ("Datum:", "03.11.2021")
    assert layout.date_header[-len(layout.header) :] == layout.header
    assert Layout((*lines[:8], "Body"), title_index=1, body_start=8).date_header == lines[2:8]


@pytest.mark.parametrize(
    ("evidence", "expected", "precision"),
    [
        pytest.param(
            DateEvidence(body_edges=("正文", "——《某某之春》1998年3月号")),
            at(1998, 3, 1),
            "month",
            id="issue",
        ),
        pytest.param(
            DateEvidence(footer=("摘自《某某月刊》2001年10月刊",)), at(2001, 10, 1), "month", id="monthly"
        ),
        pytest.param(
            DateEvidence(body_edges=("——《某某之春》1998年3月号",), header=("1998-03-05",)),
            at(1998, 3, 5),
            None,
            id="a-day-beats-the-issue",
        ),
        pytest.param(DateEvidence(body_edges=("本刊3月号刊登了来信",)), None, None, id="no-year-no-date"),
        pytest.param(
            DateEvidence(body_edges=("1998年3月，他去了北京",)),
            None,
            None,
            id="a-month-in-prose-is-not-an-issue",
        ),
    ],
)
def test_a_magazine_issue_gives_the_month_only(evidence, expected, precision):
    choice = choose_date(evidence, tz=SHANGHAI, now=FETCHED)
    assert (choice.published, choice.precision) == (expected, precision)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (("Startseite", "Ausgabe 8/2021"), None),  # htmldate's 2021-08-01 is printed nowhere
        (("Startseite", "01.08.2021 | Anna Muster"), at(2021, 8, 1)),
        (("28.08.21 / 0 Kommentare",), None),  # another day with a two-digit year
        (("01.08.21 / 0 Kommentare",), at(2021, 8, 1)),
        (("01/08/2021",), at(2021, 8, 1)),  # read either way round: a reader sees the day
    ],
)
def test_htmldates_reading_alone_counts_only_when_the_page_prints_that_day(lines, expected):
    evidence = DateEvidence(strict_guess="2021-08-01", guess="2021-08-01", page_lines=lines, guess_first=True)
    assert published_date(evidence, tz=SHANGHAI, now=FETCHED)[0] == expected


COMMENTED_PAGE = """<html><body><div class="{wrapper}"><h1>Non à la fermeture du choeur</h1>
<p>Le texte de la pétition, assez long pour être un article, sans aucune date.</p></div>
<div class="{box}"><div class="meta">Muriel - Le 22/01/2020 à 12:01:03</div><p>Je signe.</p></div>
</body></html>"""


@pytest.mark.parametrize(
    ("wrapper", "box", "expected"),
    [
        ("article", "mo-comments-list", None),  # a commenter's date
        ("article", "replies", None),
        ("article", "allCommentsArea", None),
        ("article", "post-meta", at(2020, 1, 22)),  # the article's own info box
        ("article", "commentary", at(2020, 1, 22)),  # an opinion piece, not its comments
    ],
)
def test_htmldates_reading_of_a_commenters_date_is_not_the_articles(wrapper, box, expected):
    tree = lxml_html.fromstring(COMMENTED_PAGE.format(wrapper=wrapper, box=box))
    lines = page_lines(tree)
    evidence = DateEvidence(
        strict_guess="2020-01-22",
        guess="2020-01-22",
        page_lines=tuple(line.text for line in lines),
        line_elements=tuple(line.element for line in lines),
        guess_first=True,
    )
    assert published_date(evidence, tz=SHANGHAI, now=FETCHED)[0] == expected


def test_a_comment_marked_wrapper_holding_the_headline_is_the_articles():
    # a theme's "comments-open" on the article's own wrapper: its date line is the article's
    page = COMMENTED_PAGE.format(wrapper="post comments-open", box="x").replace("</div>\n<div", "\n<div", 1)
    lines = page_lines(lxml_html.fromstring(page))
    evidence = DateEvidence(
        strict_guess="2020-01-22",
        page_lines=tuple(line.text for line in lines),
        line_elements=tuple(line.element for line in lines),
        guess_first=True,
    )
    assert published_date(evidence, tz=SHANGHAI, now=FETCHED)[0] == at(2020, 1, 22)


def test_htmldates_reading_of_a_declared_date_needs_no_printed_day():
    # the page prints a date only in its prose: the declaration stands, and htmldate's reading of it
    prose = "Am 3. März 2019 hatte der Vorstand zum ersten Mal mit der Stadt über den Neubau gesprochen"
    evidence = DateEvidence(
        structured="2021-08-01T10:00:00+02:00",
        strict_guess="2021-08-01",
        header=(prose,),
        page_lines=("Startseite", prose),
        guess_first=True,
    )
    choice = choose_date(evidence, tz=SHANGHAI, now=FETCHED)
    assert choice.published.date().isoformat() == "2021-08-01"
    assert {"meta", "htmldate"} <= {c.source for c in choice.candidates if c.value.date() == date(2021, 8, 1)}


@pytest.mark.parametrize(
    "line",
    [
        "This page was last modified on 4 November 2020",
        "Letzte Änderung 14.02.2019",
        "last edited: 17 Jun 2018",
    ],
)
def test_update_labels_of_european_pages(line):
    assert [m.label for m in find_dates(line)] == ["modified"]


def test_htmldates_reading_of_an_update_date_is_the_update_date():
    # htmldate took the "last modified" line for the publication: it is stored as the update only
    evidence = DateEvidence(
        strict_guess="2020-11-04",
        page_lines=("Startseite", "This page was last modified on 4 November 2020"),
        footer=("This page was last modified on 4 November 2020",),
        guess_first=True,
    )
    choice = choose_date(evidence, tz=SHANGHAI, now=FETCHED)
    assert (choice.source, choice.modified) == ("modified", at(2020, 11, 4))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2022-02-13 07:00 来源：某某网 作者：李某 责任编辑：王某", False),  # an info bar
        ("Anna Muster 19.10.2019, 05:00 Uhr", False),
        ("Mit der Investition bietet die Genossenschaft seit dem 10.02.2023 ihren Mitgliedern", True),
        (
            "会议于2022年2月13日在北京召开，来自全国各地的一百多位代表参加了会议，并就今年的主要工作进行了讨论。",
            True,
        ),
    ],
)
def test_in_sentence(line, expected):
    assert in_sentence(line) is expected


def test_an_info_bar_with_credits_is_a_date_line():
    evidence = DateEvidence(
        header=("2026-11-27 09:30:15 来源：某某日报 记者 张某 李某 通讯员 王某某",),
        structured="2026-11-26 08:00",
    )
    assert published_date(evidence, tz=SHANGHAI, now=datetime(2026, 12, 1, tzinfo=UTC))[0] == at(
        2026, 11, 27, 9, 30, 15
    )


def _inline_page(title: str, under_headline: str, paragraph: str, head: str = "") -> str:
    """A small article page: ``paragraph`` (numbered through ``{i}``) six times under the headline block."""
    body = "".join(f"<p>{paragraph.format(i=i)}</p>" for i in range(1, 7))
    return (
        f"<html><head><title>{title}</title>{head}</head><body><main>"
        f"<h1>{title}</h1>{under_headline}{body}</main></body></html>"
    )


def _press_release(date_line: str) -> str:
    return _inline_page(
        "Erste Zusagen für Aufnahmen",
        "<h2>Aber: das geplante Programm könnte viele Menschen durch seinen engen Fokus ausschließen</h2>"
        f"<div>{date_line}</div>",
        "Der Verband hat heute zum {i}. Mal seine Forderungen an die Regierung erneuert und "
        "ausführlich begründet, warum die Aufnahme schneller gehen muss.",
    )


@pytest.mark.parametrize(
    ("date_line", "day"),
    [
        pytest.param("Pressemitteilung vom 20.01.2022", "2022-01-20", id="right-under-the-headline"),
        pytest.param("Pressemitteilung ohne Datum", None, id="negative-no-date-on-the-line"),
    ],
)
def test_a_date_line_right_under_a_headline_the_body_starts_under(date_line: str, day: str | None) -> None:
    """The extractor may drop such a line from the text: it is read from the page's lines."""
    from crawler.extract import extract_article
    from crawler.extract.page import default_profile

    url = "http://verband.example/presse/1.html"
    article = extract_article(_press_release(date_line), url, default_profile(url))
    assert (article.published_at.date().isoformat() if article.published_at else None) == day


@pytest.mark.parametrize(
    ("lines", "printed"),
    [
        pytest.param(("Wein", "28.", "Januar", "2022"), True, id="day-month-year-split-over-lines"),
        pytest.param(("28.", "Januar", "Ausstellung", "2022"), False, id="negative-year-three-lines-further"),
        pytest.param(
            ("28.", "Januar", "Die Messe findet im Jahr 2022 statt"), False, id="negative-year-in-a-sentence"
        ),
    ],
)
def test_a_date_the_markup_split_over_lines_is_printed(lines: tuple[str, ...], printed: bool) -> None:
    """<time>28.<br>Januar<br>2022</time> prints the day a reader sees."""
    from crawler.extract.dates import printed_on_page

    assert printed_on_page(date(2022, 1, 28), lines) is printed


@pytest.mark.parametrize(
    ("line", "reading", "day"),
    [
        pytest.param("02/10/2020", "2020-10-02", "2020-10-02", id="htmldate-reads-it-day-first"),
        pytest.param("02/10/2020", "2020-02-10", "2020-02-10", id="htmldate-reads-it-month-first"),
        pytest.param("02/10/2020", None, "2020-02-10", id="negative-nothing-else-says-which"),
        pytest.param("29/04/2020", "2020-04-30", "2020-04-29", id="negative-only-one-reading"),
        pytest.param("02.10.2020", "2020-10-02", "2020-10-02", id="negative-a-dotted-date-is-day-first"),
    ],
)
def test_a_slash_date_read_either_way_agrees_with_the_pages_other_reading(
    line: str, reading: str | None, day: str
) -> None:
    """02/10/2020 is 10 February or 2 October: the page's other sources say which."""
    evidence = DateEvidence(header=(line,), strict_guess=reading, guess_first=True)
    choice = choose_date(evidence, tz=ZoneInfo("Europe/Berlin"), now=datetime(2024, 1, 1, tzinfo=UTC))
    assert choice.published is not None
    assert choice.published.date().isoformat() == day


BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "days"),
    [
        pytest.param("7. Okt. 2021", ["2021-10-07"], id="german-abbreviation"),
        pytest.param("12 déc. 2018 à 14h30", ["2018-12-12"], id="french-abbreviation"),
        pytest.param("3 ago 2021", ["2021-08-03"], id="spanish-abbreviation"),
        pytest.param("lunes 14 de marzo del 2022", ["2022-03-14"], id="spanish-del-before-the-year"),
        pytest.param("3. März 20215. März 2021", ["2021-03-03", "2021-03-05"], id="two-times-glued"),
        pytest.param(
            "2021-03-01T08:15:00+01:0024. März 2021", ["2021-03-01", "2021-03-24"], id="after-a-clock"
        ),
        pytest.param("18/06/201917/06/2019", ["2019-06-18", "2019-06-17"], id="slash-dates-glued"),
        pytest.param("20210305", [], id="negative-digits-run-on"),
        pytest.param("17.01.20221", [], id="negative-a-five-digit-year"),
        pytest.param("Top 5 ago", [], id="negative-no-year"),
        pytest.param("4-18 Mar 2019 | täglich 10–17", [], id="a-day-range-is-an-events-span"),
        pytest.param("Wochenbericht 7. - 13. Februar 2022", [], id="a-reports-span"),
        pytest.param("Ausstellung vom 2. bis 16. Mai 2019", [], id="a-span-in-words"),
        pytest.param("Teil 3 – 12. März 2020", ["2020-03-12"], id="negative-a-number-before-a-dash"),
        pytest.param("Nr. 30-12.03.2020", ["2020-03-12"], id="negative-not-an-earlier-day"),
    ],
)
def test_european_forms_and_dates_the_markup_runs_together(line: str, days: list[str]) -> None:
    """Published and updated <time>s printed side by side lose the space between them."""
    assert [m.value.date().isoformat() for m in find_dates(line)] == days


def test_a_clock_glued_to_the_year_is_the_dates_time():
    assert [m.value for m in find_dates("jueves, 9 de junio de 202118:45 hs")] == [
        datetime(2021, 6, 9, 18, 45)
    ]


@pytest.mark.parametrize(
    ("lines", "date_lines", "day", "printed"),
    [
        pytest.param(("By A. Writer • 10/04/21 9:05am",), (), date(2021, 10, 4), True, id="us-short-year"),
        pytest.param(("By A. Writer • 10/04/21 9:05am",), (), date(2021, 4, 10), True, id="slash-either-way"),
        pytest.param(("10.04.21",), (), date(2021, 10, 4), False, id="negative-dotted-is-day-first"),
        pytest.param(("03.05.2021",), (), date(2021, 3, 5), False, id="negative-dotted-year-day-first"),
        pytest.param(
            ("Copyright © 07.02.2018 - 09:41 h by Muster GmbH",), (), date(2018, 2, 7), True, id="stamp"
        ),
        pytest.param(
            (), ("Publicado el 23 de junio",), date(2022, 6, 23), True, id="day-month-under-headline"
        ),
        pytest.param((), ("Posted June 23",), date(2022, 6, 23), True, id="english-month-day-under-headline"),
        pytest.param(
            ("Publicado el 23 de junio",), (), date(2022, 6, 23), False, id="negative-not-under-headline"
        ),
        pytest.param(
            (), ("Publicado el 23 de junio de 2021",), date(2022, 6, 23), False, id="negative-other-year"
        ),
        pytest.param((), ("Publicado el 24 de junio",), date(2022, 6, 23), False, id="negative-other-day"),
    ],
)
def test_printed_on_page_forms(
    lines: tuple[str, ...], date_lines: tuple[str, ...], day: date, printed: bool
) -> None:
    from crawler.extract.dates import printed_on_page

    assert printed_on_page(day, lines, date_lines=date_lines) is printed


def _metadata_only(page_lines: tuple[str, ...], **extra) -> DateEvidence:
    """A Western page declaring datePublished 2021-04-13 (JSON-LD, and htmldate's reading of it)."""
    return DateEvidence(
        declared=_declared(("2021-04-13T10:20:00+00:00", "json-ld", 0.9)),
        strict_guess="2021-04-13",
        page_lines=page_lines,
        guess_first=True,
        **extra,
    )


PROSE = "Am 2. Mai 2003 hatte der Vorstand zum ersten Mal mit der Stadt über den Neubau der Halle gesprochen"


@pytest.mark.parametrize(
    ("evidence", "day"),
    [
        pytest.param(
            _metadata_only(("Startseite", "Zutaten", "Zubereitung")), None, id="refused-prints-no-date"
        ),
        pytest.param(_metadata_only(("Startseite", "13.04.2021 | Redaktion")), "2021-04-13", id="printed"),
        pytest.param(_metadata_only(("13. Apr. 202115. Apr. 2021",)), "2021-04-13", id="printed-glued"),
        pytest.param(
            _metadata_only(("Startseite",), header=("Publicado el 13 de abril",)),
            "2021-04-13",
            id="printed-without-year-under-headline",
        ),
        pytest.param(
            replace(_metadata_only(("Startseite",)), guess_first=False), "2021-04-13", id="chinese-page-kept"
        ),
        pytest.param(
            _metadata_only(("Startseite", PROSE), header=(PROSE,)),
            "2021-04-13",
            id="kept-when-the-page-prints-only-prose-dates",
        ),
        pytest.param(
            _metadata_only(("Startseite", "17.11.2020 | Redaktion"), header=("17.11.2020 | Redaktion",)),
            "2020-11-17",
            id="the-printed-date-line-wins",
        ),
    ],
)
def test_metadata_alone_does_not_date_a_page_that_prints_no_date(evidence: DateEvidence, day: str | None):
    """A recipe or a product page declares the CMS's datePublished; the page itself shows no date."""
    choice = choose_date(evidence, tz=BERLIN, now=NOW)
    assert (choice.published.date().isoformat() if choice.published else None) == day


def test_a_declared_update_fills_the_gap_only_when_printed():
    declared = StructuredDates(modified=("2020-06-02T07:10:00+00:00",))
    unprinted = DateEvidence(declared=declared, page_lines=("Startseite",), guess_first=True)
    assert choose_date(unprinted, tz=BERLIN, now=NOW).published is None
    printed = replace(unprinted, page_lines=("Startseite", "Aktualisiert am 02.06.2020"))
    assert choose_date(printed, tz=BERLIN, now=NOW).published.date().isoformat() == "2020-06-02"


def test_a_date_line_beats_htmldates_reading_of_a_bare_meta_date():
    # <meta name="date" content="2021-09-15"> and htmldate's reading of it are one voice
    evidence = DateEvidence(
        header=("Von Anna Muster", "14.09.2021, 08:30 Uhr"),
        declared=_declared(("2021-09-15", "meta", 0.6)),
        strict_guess="2021-09-15",
        guess_first=True,
    )
    assert choose_date(evidence, tz=BERLIN, now=NOW).published.date().isoformat() == "2021-09-14"
    # alone, htmldate's reading still wins over a weaker source
    weaker = replace(evidence, header=(), footer=("Stadtrat 14.09.2021",))
    assert choose_date(weaker, tz=BERLIN, now=NOW).published.date().isoformat() == "2021-09-15"


def test_an_email_style_date_keeps_its_zone():
    assert parse_date("Sat, 12 Jun 2021 03:15:00 GMT", tz=SHANGHAI) == datetime(
        2021, 6, 12, 3, 15, tzinfo=UTC
    )
    assert parse_date("Sat, 12 Jun 2021 03:15:00", tz=SHANGHAI) == at(2021, 6, 12, 3, 15)  # no zone stated


@pytest.mark.parametrize(
    ("line", "day"),
    [
        pytest.param("11/6/2021 23:15", "2021-06-11", id="day-first-same-moment"),
        pytest.param("6/11/2021 23:15", "2021-06-11", id="month-first-same-moment"),
        pytest.param("11/6/2021 10:00", "2021-06-12", id="negative-another-clock"),
    ],
)
def test_a_slash_dates_clock_says_its_reading_and_the_pages_zone(line: str, day: str) -> None:
    """datePublished 03:15 UTC and "11/6/2021 23:15" printed: 11 June at 23:15, four hours west of UTC."""
    evidence = DateEvidence(
        header=("Ana Muster", line),
        declared=_declared(("Sat, 12 Jun 2021 03:15:00 GMT", "json-ld", 0.9)),
        guess_first=True,
    )
    assert choose_date(evidence, tz=BERLIN, now=NOW).published.date().isoformat() == day


@pytest.mark.parametrize(
    ("line", "day"),
    [
        pytest.param("21.10.2021 - Text: Jana Beispiel (Pressestelle)", "2021-10-21", id="opens"),
        pytest.param("Termine: Treffen am 21.10.2021 in Bonn mit vielen Gästen", None, id="negative-inside"),
    ],
)
def test_a_date_opening_a_line_above_the_headline(line: str, day: str | None) -> None:
    evidence = DateEvidence(above_title=("Presse und News >", line), page_lines=(line,), guess_first=True)
    choice = choose_date(evidence, tz=BERLIN, now=NOW)
    assert (choice.published.date().isoformat() if choice.published else None) == day


def test_a_dateline_above_the_headline_outweighs_htmldates_reading():
    # htmldate took a teaser's date from the markup; the page prints its own right above the headline
    evidence = DateEvidence(
        above_title=("Pressemitteilung | Verband", "08.03.2022 11:40"),
        strict_guess="2021-11-30",
        page_lines=("08.03.2022 11:40", "30.11.2021 09:10 Ein anderer Beitrag"),
        guess_first=True,
    )
    assert choose_date(evidence, tz=BERLIN, now=NOW).published.date().isoformat() == "2022-03-08"
    # the page's own datePublished still comes first
    declared = replace(evidence, declared=_declared(("2021-11-30T09:10:00+01:00", "json-ld", 0.9)))
    assert choose_date(declared, tz=BERLIN, now=NOW).published.date().isoformat() == "2021-11-30"


def _recipe_page(printed: str) -> str:
    """A page declaring datePublished in JSON-LD, printing ``printed`` under its headline."""
    return _inline_page(
        "Marmorkuchen",
        f"<div>{printed}</div>",
        "Schritt {i}: Die Butter mit dem Zucker schaumig rühren, dann nach und nach die Eier "
        "unterrühren und den Teig eine halbe Stunde ruhen lassen.",
        head='<script type="application/ld+json">'
        '{"@type": "Recipe", "name": "Marmorkuchen", "datePublished": "2021-04-13T10:20:00+00:00"}</script>',
    )


@pytest.mark.parametrize(
    ("printed", "day"),
    [
        pytest.param("Einfach und schnell gebacken", None, id="no-date-printed"),
        pytest.param("Veröffentlicht am 13. Apr. 2021", "2021-04-13", id="printed-abbreviated"),
        pytest.param(
            '<time datetime="2021-04-13">13. April 2021</time><time datetime="2021-04-15">15. April 2021</time>',
            "2021-04-13",
            id="printed-in-two-times-run-together",
        ),
    ],
)
def test_a_page_that_prints_no_date_is_not_dated_by_its_metadata(printed: str, day: str | None) -> None:
    from crawler.extract import extract_article
    from crawler.extract.page import default_profile

    url = "http://kochen.example/rezepte/marmorkuchen"
    article = extract_article(_recipe_page(printed), url, default_profile(url))
    assert (article.published_at.date().isoformat() if article.published_at else None) == day


@pytest.mark.parametrize(
    ("page", "day"),
    [
        pytest.param(
            ("Le podcast", "Un reportage", "Mise en ligne", "14 février 2021", "Voix", "Ana Ruiz"),
            "2021-02-14",
            id="label-alone-over-its-date-outside-the-zones",
        ),
        pytest.param(("Mise en ligne le 3 mars 2020",), "2020-03-03", id="label-before-the-date-on-its-line"),
        pytest.param(
            ("Archives", "Date", "14.02.2021", "Titre"), None, id="negative-a-column-head-is-no-label"
        ),
        pytest.param(("Voix", "14 février 2021", "Ana Ruiz"), None, id="negative-an-unlabelled-date"),
    ],
)
def test_a_date_labelled_anywhere_when_no_zone_has_one(page: tuple[str, ...], day: str | None) -> None:
    evidence = DateEvidence(page_lines=page, guess_first=True)
    published = choose_date(evidence, tz=SHANGHAI, now=FETCHED).published
    assert (published.date().isoformat() if published else None) == day


def test_a_date_line_under_the_headline_keeps_a_labelled_date_elsewhere_out() -> None:
    evidence = DateEvidence(
        header=("12.01.2021",),
        page_lines=("Titre", "12.01.2021", "Mise en ligne", "14 février 2021"),
        guess_first=True,
    )
    choice = choose_date(evidence, tz=SHANGHAI, now=FETCHED)
    assert choice.published is not None and choice.published.date() == date(2021, 1, 12)
    assert all(c.source != "labelled-elsewhere" for c in choice.candidates)


def test_a_date_labelled_under_the_comments_heading_is_not_taken_elsewhere() -> None:
    evidence = DateEvidence(
        page_lines=("The podcast", "A report", "Comments", "Published", "14 February 2021"),
        guess_first=True,
    )
    assert choose_date(evidence, tz=SHANGHAI, now=FETCHED).published is None
