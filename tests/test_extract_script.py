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


def test_ascii_text_comes_back_without_loading_opencc() -> None:
    # The crawl process meets empty titles and Western text; OpenCC's dictionaries (~30 MB)
    # must not be loaded for them. A fresh interpreter, since this one may have them already.
    import subprocess
    import sys

    code = (
        "from crawler.extract import script\n"
        "assert script.to_simplified('') == '' and script.to_simplified('Plain text, 2026.') == 'Plain text, 2026.'\n"
        "assert script.detect_script('English only') is None\n"
        "assert script._converter.cache_info().currsize == 0, 'OpenCC was loaded'\n"
        "assert script.to_simplified('東營') == '东营' and script._converter.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
