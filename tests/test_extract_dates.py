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


def test_htmldates_reading_of_a_declared_date_needs_no_printed_day():
    evidence = DateEvidence(
        structured="2021-08-01T10:00:00+02:00",
        strict_guess="2021-08-01",
        page_lines=("Startseite",),
        guess_first=True,
    )
    assert published_date(evidence, tz=SHANGHAI, now=FETCHED)[0].date().isoformat() == "2021-08-01"


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


def _press_release(date_line: str) -> str:
    body = "".join(
        f"<p>Der Verband hat heute zum {i}. Mal seine Forderungen an die Regierung erneuert und "
        "ausführlich begründet, warum die Aufnahme schneller gehen muss.</p>"
        for i in range(1, 7)
    )
    return (
        "<html><head><title>Erste Zusagen für Aufnahmen</title></head><body><main>"
        "<h1>Erste Zusagen für Aufnahmen</h1>"
        "<h2>Aber: das geplante Programm könnte viele Menschen durch seinen engen Fokus ausschließen</h2>"
        f"<div>{date_line}</div>{body}</main></body></html>"
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
