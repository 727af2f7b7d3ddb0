from __future__ import annotations

import pytest

from crawler.extract.quality import check_text, repair_text


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        pytest.param(
            "東營市已於2月14日選派了一批共251名市直機關干部\ufffd\ufffd", "replacement_chars", id="fffd"
        ),
        pytest.param(
            "度過特殊時期?!?月24日上午參加完培訓會,隊長?帶領隊員", "lost_char_marks", id="question-marks"
        ),
        pytest.param("锟斤拷锟斤拷的新闻", "mojibake", id="kunjinkao"),
        pytest.param("The cafÃ© was openâ€”at last", "mojibake", id="latin1-mojibake"),
    ],
)
def test_broken_text_is_flagged(text, flag):
    check = check_text(text)
    assert check.broken
    assert flag in check.as_flags()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("当今中国最流行的是什么主义?答：犬儒主义。这日子还能过吗?没错。", id="real-questions"),
        pytest.param("東營市選派干部參與一線疫情防控", id="traditional"),
        pytest.param("今日は良い天気ですね。東京都の新しい政策について", id="japanese-kanji-not-rare"),
        pytest.param("Plain English text, nothing wrong here.", id="english"),
    ],
)
def test_clean_text_is_not_flagged(text):
    assert not check_text(text).broken


def test_utf8_read_as_gbk_is_repaired():
    broken = "中文测试很好".encode().decode("gb18030")  # 涓枃娴嬭瘯寰堝ソ
    fixed, repairs = repair_text(f"前言\n{broken}")
    assert fixed == "前言\n中文测试很好"
    assert repairs == ["gbk_mojibake"]


def test_latin1_mojibake_is_repaired_with_ftfy():
    fixed, repairs = repair_text("The cafÃ© was open")
    assert (fixed, repairs) == ("The café was open", ["latin1_mojibake"])


def test_genuine_chinese_is_left_alone():
    text = "东营市于2月23日印发《关于选派干部人才参与一线疫情防控的通知》，连夜抽调456名机关干部。"
    assert repair_text(text) == (text, [])
