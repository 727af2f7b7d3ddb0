from __future__ import annotations

import pytest

from crawler.extract.script import detect_script, to_simplified


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("東營市選派干部參與一線疫情防控和復工復產", "traditional"),
        ("东营市选派干部参与一线疫情防控和复工复产", "simplified"),
        ("今日は良い天気ですね。東京都の政策", None),
        ("English only", None),
        ("東營", None),  # too short to decide
        (None, None),
    ],
)
def test_detect_script(text, script):
    assert detect_script(text) == script


def test_simplified_copy_finds_traditional_text():
    assert "东营" in to_simplified("下沉一線!東營798名機關干部")


def test_simplified_text_is_unchanged():
    assert to_simplified("东营市") == "东营市"
