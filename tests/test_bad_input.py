"""Bad input gets a clear error, never a hang: profiles, saved pages, CSV cells, sitemaps."""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from crawler.cli.extract import PageTooLarge, read_page_bytes
from crawler.discovery.sitemaps import parse_sitemap
from crawler.export.writers import csv_cell
from crawler.profiles import ProfileError, parse_profile
from crawler.profiles import loader as loader_module
from crawler.profiles.loader import MAX_PROFILE_DEPTH

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

#: The classic "billion laughs" in 374 bytes of YAML.
ALIAS_BOMB = """name: bomb
base_url: http://a.cn/
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""


@pytest.mark.parametrize(
    ("text", "refusal", "offending"),
    [
        (ALIAS_BOMB, "aliases (*a) are not allowed", yaml.AliasToken),
        ("name: &n x\nbase_url: http://a.cn/\ntitle: *n\n", "aliases (*n) are not allowed", yaml.AliasToken),
        ("&a [*a]\n", "aliases (*a) are not allowed", yaml.AliasToken),
        ("[" * 5000 + "]" * 5000, f"nested more than {MAX_PROFILE_DEPTH} deep", yaml.FlowSequenceStartToken),
    ],
    ids=["billion-laughs", "any-alias", "self-alias", "deep-nesting"],
)
def test_yaml_bombs_are_refused_at_once(
    text: str, refusal: str, offending: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused by the one scanner pass, at the offending token: nothing is composed, expanded or recursed.

    (The issue's 374-byte file took 47 s when it was composed.)
    """
    scanned: list[yaml.Token] = []
    real_scan = yaml.scan

    def counting_scan(stream: str, Loader: Any) -> Iterator[yaml.Token]:
        for token in real_scan(stream, Loader=Loader):
            scanned.append(token)
            yield token

    class Recording(loader_module._LOADER):
        composed = 0

        def get_single_node(self) -> Any:
            Recording.composed += 1
            return super().get_single_node()

    monkeypatch.setattr(yaml, "scan", counting_scan)
    monkeypatch.setattr(loader_module, "_LOADER", Recording)
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "bomb.yaml")
    assert "bomb.yaml" in str(info.value)
    assert refusal in str(info.value)
    assert Recording.composed == 0  # refused before the composer saw a node
    assert isinstance(scanned[-1], offending)  # the scan stopped at the first offending token ...
    if offending is yaml.FlowSequenceStartToken:  # ... the (MAX_PROFILE_DEPTH + 1)-th bracket of 5000
        assert sum(isinstance(t, offending) for t in scanned) == MAX_PROFILE_DEPTH + 1


def test_alias_errors_name_the_line() -> None:
    with pytest.raises(ProfileError, match=r"bomb\.yaml:3: not valid YAML: aliases \(\*n\) are not allowed"):
        parse_profile("name: &n x\nbase_url: http://a.cn/\ntitle: *n\n", "bomb.yaml")


def test_oversized_profiles_are_refused() -> None:
    with pytest.raises(ProfileError, match="a profile is at most"):
        parse_profile("name: big\nbase_url: http://a.cn/\nnotes: " + "x" * 300_000 + "\n")


def test_gzip_bombs_stop_at_the_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "page.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>" + b"x" * 5_000_000))
    with pytest.raises(PageTooLarge, match="more than 1000000 bytes decompressed"):
        read_page_bytes(bomb, max_bytes=1_000_000)
    assert len(read_page_bytes(bomb, max_bytes=6_000_000)) == 5_000_003


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+86 531 123", "'+86 531 123"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("记者 王晓明", "记者 王晓明"),
        (-3, "-3"),
    ],
)
def test_csv_formula_cells_are_escaped(value: object, cell: str) -> None:
    assert csv_cell("string", value) == cell


def test_csv_lists_starting_like_formulas_are_escaped() -> None:
    assert csv_cell("strings", ["=1"]) == '["=1"]'  # JSON text starts with [: harmless


def test_sitemap_entries_are_capped() -> None:
    body = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>http://a.cn/{n}.htm</loc></url>" for n in range(100))
        + "</urlset>"
    ).encode()
    sitemap = parse_sitemap(body, max_entries=10)
    assert sitemap is not None
    assert len(sitemap.entries) == 10
    assert sitemap.truncated
    assert not parse_sitemap(body).truncated
