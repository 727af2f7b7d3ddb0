from __future__ import annotations

import pytest

from crawler.extract.byline import (
    LABEL_RE,
    Byline,
    CreditEvidence,
    bracket_credits,
    collect_credits,
    is_byline_line,
    is_outlet,
    name_line,
    parse_byline,
    poster_name,
)


@pytest.mark.parametrize(
    ("line", "authors", "editors", "source"),
    [
        pytest.param("(記者 李懷蘋)", ["李懷蘋"], [], None, id="seed-traditional-bracket"),
        pytest.param(
            "本报记者 张三 通讯员 李四 报道", ["张三", "李四"], [], None, id="reporter-and-correspondent"
        ),
        pytest.param("本报记者张三 通讯员李四", ["张三", "李四"], [], None, id="glued-names"),
        pytest.param(
            "来源：大众日报 作者：王五 责任编辑：赵六", ["王五"], ["赵六"], "大众日报", id="full-line"
        ),
        pytest.param(
            "来源：巴彦淖尔日报    编辑：苏亮", [], ["苏亮"], "巴彦淖尔日报", id="source-and-editor"
        ),
        pytest.param("责任编辑：王小明 审核：李大", [], ["王小明", "李大"], None, id="editors"),
        pytest.param("文/图 本报记者 张三", ["张三"], [], None, id="text-and-photo"),
        pytest.param("新华网黑龙江频道 记者 伊琳 李清芬", ["伊琳", "李清芬"], [], None, id="outlet-prefix"),
        pytest.param("记者 德州日报", [], [], "德州日报", id="outlet-is-not-a-person-but-the-source"),
        pytest.param("来源：新华社", [], [], "新华社", id="agency-source"),
        pytest.param("来源: 尹娟", ["尹娟"], [], None, id="person-named-as-source"),
        pytest.param(
            "作者:zboygirl 阅读(1660) 评论(5) 编辑 发表于:2005-07-31 12:30",
            ["zboygirl"],
            [],
            None,
            id="blog-footer",
        ),
        pytest.param("2022-02-13 07:00:00来源：央广网", [], [], "央广网", id="date-then-source"),
        pytest.param("拿出10万元来做房产投资 蔡雪婧/摄", [], [], None, id="photo-credit-is-no-author"),
        pytest.param("By John Smith and Jane Doe", ["John Smith", "Jane Doe"], [], None, id="english"),
        pytest.param("他是一名编辑，每天工作很忙，记者也是。", [], [], None, id="prose-names-nobody"),
    ],
)
def test_parse_byline(line, authors, editors, source):
    assert parse_byline(line) == Byline(authors, editors, source, parse_byline(line).photographers)


def test_photo_credits_name_photographers():
    assert parse_byline("拿出10万元来做房产投资 蔡雪婧/摄").photographers == ["蔡雪婧"]
    assert parse_byline("摄影：李四").photographers == ["李四"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("(記者 李懷蘋)", True),
        ("（袁源）", True),
        ("责任编辑：王小明", True),
        ("来源：大众日报", True),
        ("社区(村)落实疫情防控情况", False),
        ("（完）", False),
        (
            "据新华社拉萨电（记者 格桑边觉）记者近日从西藏自治区农业农村厅召开的全区农牧业工作会议上了解到。",
            False,
        ),
    ],
)
def test_is_byline_line(line, expected):
    assert is_byline_line(line) is expected


@pytest.mark.parametrize("name", ["大众日报", "新华社", "德州日报", "德州新聞網", "央视网", "人民网"])
def test_outlets_are_never_people(name):
    assert is_outlet(name)
    assert parse_byline(f"记者：{name}").authors == []


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("据新华社拉萨电（记者 格桑边觉）记者近日从西藏了解到", ["格桑边觉"]),
        ("本文结束。（袁源）", ["袁源"]),
        ("社区(村)落实", []),
    ],
)
def test_bracket_credits(text, authors):
    assert bracket_credits(text).authors == authors


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("ggjjzhzz 发表于 2005-9-15 11:46:00", "ggjjzhzz"),
        ("由海姑娘张贴 @ 2005-06-14 03:25:55", "海姑娘"),
        ("发表于 2005-9-15", None),
        ("ggjjzhzz 发表于昨天", None),
    ],
)
def test_poster_name(line, name):
    assert poster_name(line) == name


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("胡平", ["胡平"]),
        ("赵延东、风笑天", ["赵延东", "风笑天"]),
        ("欧阳修", ["欧阳修"]),
        ("导读", []),
        ("茉莉", []),
        ("记者 张三", []),
    ],
)
def test_name_line_needs_a_family_name(line, names):
    assert name_line(line) == names


def test_labelled_header_beats_bracket_in_body():
    credits = collect_credits(
        CreditEvidence(
            header=("作者：王五 来源：大众日报",),
            paragraphs=("本报讯（记者 张三）正文。",),
            footer=("责任编辑：赵六",),
        )
    )
    assert credits == Byline(["王五"], ["赵六"], "大众日报")


def test_cjk_meta_author_must_be_a_name():
    assert collect_credits(CreditEvidence(guess="Discuz! Team", cjk=True)).authors == []
    assert collect_credits(CreditEvidence(guess="Jane Doe", cjk=False)).authors == ["Jane Doe"]


@pytest.mark.parametrize(
    ("line", "label"),
    [
        pytest.param("Date: 12.03.2021", "Date", id="latin-label"),
        pytest.param("Dateien und Datennutzung", None, id="latin-label-inside-a-word"),
        pytest.param("Byron Smith", None, id="by-inside-a-name"),
        pytest.param("记者张三", "记者", id="han-label-glued-to-a-name"),
    ],
)
def test_a_latin_label_ends_at_a_word_end(line: str, label: str | None) -> None:
    """'Date' opens a date line; 'Dateien' is a word (a headline was taken for an info line)."""
    found = LABEL_RE.search(line)
    assert (found.group("long") if found else None) == label
