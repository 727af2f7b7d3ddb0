"""The outlet behind an article where no 来源 label names it, and the editors/source choices."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crawler.extract import extract_article
from crawler.extract.byline import CreditEvidence, choose_credits, strip_lead_credits
from crawler.extract.outlets import cited_outlet, date_line_outlet, wire_outlet
from crawler.extract.page import default_profile
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("2003-7-24 示例晚报", "示例晚报"),
        ("2005年03月31日03:18 北京示例信报", "北京示例信报"),
        ("http://www.example.net 2005年03月21日 11:21 《示例周刊》", "示例周刊"),
        ("原创 南方示例报 2019-09-09 16:01:46", "南方示例报"),
        ("示例网 2019-11-25 10:37:31", "示例网"),
        ("2019-11-25 10:37 示例日報", "示例日報"),  # traditional script kept as printed
        # negatives: a date line naming no outlet, or naming more than one thing
        ("2019-09-09 16:01 阅读 3000", None),
        ("发布时间：2019-09-09 来源：本站", None),
        ("2019-09-09 示例日报 记者 张三", None),
        ("金融市场示例2019-09-23 07:48", None),
        ("示例日报", None),
    ],
)
def test_date_line_outlet(line, outlet):
    assert date_line_outlet(line) == outlet


@pytest.mark.parametrize(
    ("paragraph", "outlet"),
    [
        ("据新华社拉萨电（记者 张三）记者近日从会上了解到。", "新华社"),
        ("（新华社记者张三北京5日电）记者近日了解到。", "新华社"),
        ("（新華社記者張三台北5日電）記者近日了解到。", "新華社"),
        ("中新网北京3月5日电 据报道，示例。", "中新网"),
        ("【示例中国2005年07月03日报道】一九八九年四月，我在开会。", "示例中国"),
        # negatives: the paper's own dateline names no outlet; prose with 电
        ("本报北京3月5日电（记者 张三）正文。", None),
        ("他来电说明天再谈。", None),
        ("据悉，新华社北京3月5日电称。", None),
    ],
)
def test_wire_outlet(paragraph, outlet):
    assert wire_outlet(paragraph) == outlet


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("——《示例之春》1998年3月号", "示例之春"),
        ("(摘自《示例社会科学学刊》2000年第2期，原文约15，000字)", "示例社会科学学刊"),
        ("他在《示例之春》上说", None),
        ("《示例之春》", None),
    ],
)
def test_cited_outlet(line, outlet):
    assert cited_outlet(line) == outlet


def test_a_stripped_lead_credit_keeps_its_agency():
    text, credits = strip_lead_credits("据新华社拉萨电（记者 格桑）记者近日了解到。")
    assert text.startswith("记者近日")
    assert credits.authors == ["格桑"] and credits.source == "新华社"


def test_a_date_lines_outlet_beats_a_photo_credits_outlet():
    evidence = CreditEvidence(
        header=("示例网 2019-11-25 10:37:31",),
        paragraphs=("正文第一段。", "资料图：市民出行。中新社记者 张三 摄"),
        cjk=True,
    )
    credits, choices = choose_credits(evidence)
    assert credits.source == "示例网"
    source = choices["source"]
    assert source.source == "date-line"
    scores = {c.source: c.score for c in source.candidates}
    assert scores["photo"] < scores["date-line"]


def test_editors_and_source_choices_list_their_candidates():
    evidence = CreditEvidence(
        header=("来源：示例日报 作者：王五 责任编辑：赵六",),
        footer=("编辑：李四",),
        cjk=True,
    )
    credits, choices = choose_credits(evidence)
    assert credits.editors == ["赵六", "李四"]
    assert [c.source for c in choices["editors"].candidates] == ["header", "footer"]
    assert choices["source"].value == "示例日报" and choices["source"].candidates


PAGE = """<html><head><meta charset="utf-8"><title>示例标题</title></head><body>
<h1>示例标题</h1>
<div class="info">2024-03-05 10:00 示例晚报</div>
<div class="content">
<p>据新华社拉萨电（记者 格桑）记者近日从自治区农业农村厅召开的工作会议上了解到，今年改造工作进展顺利，各地都按计划完成了任务。</p>
<p>会议指出，下一步将继续推进相关工作，确保群众满意，并且加强监督检查，及时发现和解决问题，巩固已经取得的成果。</p>
<p>——《示例之春》2024年3月号</p>
</div>
<div>责任编辑：赵六</div>
</body></html>"""


def test_explain_prints_the_editors_and_source_candidates(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "extract", "--explain", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "editors: 赵六" in out
    source_part = out[out.index("\nsource: ") :]
    assert "candidates (3)" in source_part
    for place in ("date-line", "body", "citation"):  # the lead's dateline is read with its credits
        assert place in source_part


def test_the_page_source_is_the_date_lines_outlet():
    article = extract_article(PAGE, "http://example.cn/a.html", default_profile("http://example.cn"))
    assert article.source == "示例晚报"
    assert article.authors == ["格桑"]


def test_a_closing_credit_line_kept_in_the_text_names_editors_and_photographers():
    evidence = CreditEvidence(
        paragraphs=("正文第一段，讲了很多事情。", "某某支部、某某科供稿 摄影/张艳 编辑/苏芳"),
        cjk=True,
    )
    credits = choose_credits(evidence)[0]
    assert credits.editors == ["苏芳"] and credits.photographers == ["张艳"]
    assert credits.authors == []
    # the same words in the middle of the text credit nobody
    middle = CreditEvidence(paragraphs=("编辑/苏芳", "正文第二段。", "正文第三段。"), cjk=True)
    assert choose_credits(middle)[0].editors == []
