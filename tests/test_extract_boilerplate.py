from __future__ import annotations

import re

import pytest

from crawler.extract.boilerplate import clean_paragraphs
from crawler.extract.learned import fingerprint
from crawler.extract.pinyin import strip_inline_pinyin
from tests.seed_pages import SEED_BYLINE, SEED_DISCLAIMER, SEED_PARAGRAPHS

BODY = ["东营市于2月23日印发通知，连夜抽调456名机关干部参与指导帮助一线疫情防控工作，全力服务企业复工达产。"]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("版权所有 © 2003-2022 德州新闻网", "disclaimer"),
        ("凡本网注明“来源：德州新闻网”的所有作品，未经授权不得转载。", "disclaimer"),
        ("本文为CSDN原创文章，未经允许不得转载", "disclaimer"),
        ("鲁ICP备09012345号 违法和不良信息举报电话：0534-1234567", "disclaimer"),
        ("Copyright © 2018 Example Ltd. All rights reserved.", "disclaimer"),
        ("© 2019 Science X Network", "disclaimer"),
        ("分享到：微信 微博 QQ空间", "widget"),
        ("【打印本页】 【关闭窗口】", "widget"),
        ("【纠错】", "widget"),
        ("原标题：东营798名机关干部下沉一线", "original_title"),
        ("责任编辑：王小明", "byline"),
        ("来源：大众日报", "byline"),
        ("上一页 1 2 3 下一页", "pagination"),
        ("[1] [2] [3] [4] [5] [6]", "pagination"),
        ("【首页】【上一页】【1】【2】【下一页】", "pagination"),
        ("Trackback: http://tb.example.net/TrackBack.aspx?PostId=1234", "widget"),
        ("本文链接：http://www.example.cn/news/2005/0315/1.html", "widget"),
        ("Foto: Michael Muster (Copyright)", "image_credit"),
        ("© Jane Doe/Example Images", "image_credit"),
        ("(Credit: Jane Doe / Example News)", "image_credit"),
        ("（图片来源：网络）", "image_credit"),
        ("本文为原创，未经授权严禁转载。", "disclaimer"),
        (
            "声明：本文由入驻搜狐号的作者撰写，除搜狐官方账号外，观点仅代表作者本人，不代表搜狐立场。",
            "disclaimer",
        ),
        ("特别声明：以上内容为自媒体平台用户上传并发布，本平台仅提供信息存储服务。", "disclaimer"),
        ("本文转载自网络，如涉及版权问题请联系我们。", "disclaimer"),
        ("举报/反馈", "widget"),
        ("扫描二维码关注我们", "widget"),
        ("点击关注，获取更多精彩内容", "widget"),
        ("图片来源：东营日报 张三", "image_credit"),
    ],
)
def test_generic_rules_remove_the_line(line, kind):
    result = clean_paragraphs([*BODY, line])
    assert result.paragraphs == BODY
    assert result.removed == {kind: 1}


def without_pinyin(lines):
    """Cleaning runs after inline pinyin is removed (as in extract_article)."""
    return [strip_inline_pinyin(line)[0] for line in lines]


def test_disclaimer_block_takes_its_clauses():
    result = clean_paragraphs(without_pinyin([*SEED_PARAGRAPHS, SEED_BYLINE, *SEED_DISCLAIMER]))
    assert result.paragraphs == without_pinyin(SEED_PARAGRAPHS)
    assert result.removed == {"disclaimer": 3, "byline": 1}
    assert result.byline.authors == ["李懷蘋"]


def test_paragraph_after_the_block_is_kept():
    result = clean_paragraphs(
        [
            *without_pinyin(SEED_DISCLAIMER),
            "此次抽调的116名市直机关干部将聚焦经济拉动主要力量和疫情防控薄弱环节，逐家开展对接服务。",
        ]
    )
    assert len(result.paragraphs) == 1


def test_long_paragraph_mentioning_copyright_is_kept():
    paragraph = (
        "市版权局工作人员介绍，近年来全市查处侵权盗版案件37起，涉及图书、音像制品和网络文学作品，"
        "其中网络侵权案件占比逐年上升，执法难度也随之加大，需要平台企业共同参与治理。"
        "今年以来，市里还组织开展了剑网专项行动，对辖区内的重点网站和应用程序进行了全面巡查。"
        "他说，依法保护作品版权所有人的权利是营商环境的重要部分，今后还将继续加大执法力度，保护创作者的合法权益。"
    )
    assert len(paragraph) > 160
    assert clean_paragraphs([paragraph]).paragraphs == [paragraph]


def test_editor_credit_is_parsed_into_metadata():
    result = clean_paragraphs([*BODY, "来源：德州日报 作者：李四 责任编辑：王五"])
    assert (result.byline.authors, result.byline.editors, result.byline.source) == (
        ["李四"],
        ["王五"],
        "德州日报",
    )


def test_site_pattern_layer():
    result = clean_paragraphs(
        [*BODY, "欢迎关注德州发布微信公众号"], site_patterns=[re.compile("^欢迎关注.*公众号$")]
    )
    assert result.removed == {"site": 1}


def test_learned_layer():
    slogan = "德州新闻网，德州人自己的网站，全天候报道德州新闻"
    result = clean_paragraphs([*BODY, slogan], learned=frozenset({fingerprint(slogan)}))
    assert (result.paragraphs, result.removed) == (BODY, {"learned": 1})


def test_traditional_lines_match_simplified_rules():
    assert clean_paragraphs([*BODY, "責任編輯：王小明"]).byline.editors == ["王小明"]


def test_learned_layer_never_takes_most_of_an_article():
    # A templated report: its paragraphs differ only in their figures, so they all look learned.
    report = [f"今日{n}时气温{n + 3}度，东北风{n}级。" for n in range(1, 5)]
    learned = frozenset(fingerprint(p) for p in report)
    cleaned = clean_paragraphs(report, learned=learned)
    assert cleaned.paragraphs == report
    assert cleaned.removed["learned_ignored"] == 4


@pytest.mark.parametrize(
    ("lead", "authors"),
    [
        ("本报讯（记者 赵敏 通讯员 孙浩）", ["赵敏", "孙浩"]),
        ("新华社济南11月22日电（记者 陈刚）", ["陈刚"]),
        ("本网讯（通讯员 吕倩）", ["吕倩"]),
        (SEED_BYLINE, ["李懷蘋"]),
    ],
)
def test_opening_credits_leave_the_lead_and_fill_the_byline(lead, authors):
    cleaned = clean_paragraphs([lead + SEED_PARAGRAPHS[0], SEED_PARAGRAPHS[1]])
    assert cleaned.paragraphs == [SEED_PARAGRAPHS[0], SEED_PARAGRAPHS[1]]
    assert cleaned.byline.authors == authors


def test_brackets_that_are_not_credits_stay():
    line = "东营市（上）召开会议，部署冬季供暖工作。"
    assert clean_paragraphs([line]).paragraphs == [line]


@pytest.mark.parametrize(
    "line",
    [
        # a widget's words inside a sentence that old pages broke into short lines
        "；这样，作为其中一员，他就能分享到一份光荣。事过境迁，今天的人",
        "大家都说上一篇文章写得好，我也这么觉得。",
        # words that open a credit line, opening prose or a heading
        "Photovoltaik-Module erzeugen Strom aus Sonnenenergie.",
        "Image processing is hard: we tried three libraries before one worked.",
        "Bildergalerie: Die schönsten Fotos des Jahres",
        "图片新闻",
        "图片显示，大桥已经合龙。",
        # a page number in brackets inside a sentence, an address in a sentence
        "[1]这是注释的内容，说明数据的来源。",
        "原文链接：http://www.example.cn/a.html",
        "本文链接的网站已经关闭，读者可以在档案馆查到。",
        # notices' words in news sentences
        "外交部发言人说，该报道不代表中国政府立场。",
        "未经授权使用他人商标的企业将被依法处罚。",
        "记者扫描二维码后，页面跳转到一个陌生网站，要求填写银行卡号。",
    ],
)
def test_prose_that_uses_the_rules_words_is_kept(line):
    assert clean_paragraphs([*BODY, line]).paragraphs == [*BODY, line]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("整顿仍将持续。返回某某网首页>>", "整顿仍将持续。"),
        ("活动将持续到月底。返回搜狐，查看更多", "活动将持续到月底。"),
        ("活动将持续到月底。 返回列表 >>", "活动将持续到月底。"),
        # inside a sentence the words are prose
        ("他们连夜返回列表上的第一个村子", "他们连夜返回列表上的第一个村子"),
        ("我们决定返回首页重新设计。", "我们决定返回首页重新设计。"),
    ],
)
def test_a_link_glued_to_the_last_sentence_leaves_it(line, kept):
    assert clean_paragraphs([*BODY, line]).paragraphs == [*BODY, kept]
