"""The commands the README and docs/ show are commands newsarchive accepts; their profiles load and
their Python imports exist, and the schedule file shown loads.

Every `./run ...` line of a ```sh block is parsed by the command's own parser (Typer's): a renamed command or option or a missing argument fails here. The site
profiles shown as YAML are validated by the profile loader.
"""

from __future__ import annotations

import importlib
import re
import shlex
from typing import TYPE_CHECKING, Any

import pytest
import typer

from crawler.cli import app
from crawler.cli import commands as _commands  # noqa: F401  (registers the commands on app)
from crawler.profiles.loader import parse_profile
from crawler.schedule import from_file
from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: `./run ARGS` runs `newsarchive ARGS`, except the words the run script handles itself (its own
#: `case` branches that do not exec newsarchive).
NOT_NEWSARCHIVE = {
    m[1]
    for m in re.finditer(r"^ {4}(\w+)\)(.*?);;", (ROOT / "run").read_text(encoding="utf-8"), re.M | re.S)
    if "newsarchive" not in m[2]
}
#: Where a shell line stops being the command's own arguments.
SHELL_ENDS = {"|", "||", "&&", ";", ">", ">>", "<", "&", "2>&1"}


def blocks(page: Path, language: str) -> list[str]:
    """The fenced code blocks of page in that language."""
    return re.findall(rf"^```{language}\n(.*?)^```", page.read_text(encoding="utf-8"), re.S | re.M)


def run_lines(page: Path) -> list[list[str]]:
    """The arguments of every `./run` command in the page's shell blocks (continuations joined)."""
    found = []
    for block in blocks(page, "sh"):
        for line in block.replace("\\\n", " ").splitlines():
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            words = list(lexer)
            if not words or words[0] != "./run":
                continue
            args = []
            for word in words[1:]:
                if word in SHELL_ENDS or word.startswith((">", "2>")):
                    break
                args.append(word)
            if args and args[0] not in NOT_NEWSARCHIVE:
                found.append(args)
    return found


def parse(command: Any, name: str, args: list[str], parent: Any = None) -> None:
    """Parse args as `newsarchive` would, down to the command that runs; nothing is run."""
    with command.make_context(name, list(args), parent=parent) as ctx:
        if hasattr(command, "resolve_command"):  # a group: db, frontier, the app itself
            rest = [*ctx._protected_args, *ctx.args]  # what the group leaves to its subcommand
            sub_name, sub, sub_args = command.resolve_command(ctx, rest)
            assert sub is not None and sub_name is not None, f"no command in {args}"
            parse(sub, sub_name, sub_args, ctx)


def problems(page: Path) -> list[str]:
    """The `./run` lines of page that newsarchive would refuse, with its message."""
    root = typer.main.get_command(app)
    refused = []
    for args in run_lines(page):
        try:
            parse(root, "newsarchive", args)
        except typer.TyperException as error:  # what the command line would print as a usage error
            refused.append(f"./run {shlex.join(args)}: {error}")
    return refused


def test_the_pages_show_commands() -> None:
    commands = {args[0] for page in PAGES for args in run_lines(page)}
    assert {
        "crawl",
        "search",
        "export",
        "web",
        "db",
        "schedule",
        "frontier",
        "trends",
        "reprints",
    } <= commands


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_documented_command_parses(page: Path) -> None:
    assert problems(page) == []


def test_a_wrong_option_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```sh\n./run search 东营 --sitee dongying   # a typo\n./run serch 东营\n"
        "./run crawl --limit 20\n./run export -f jsonl -o a.jsonl > log.txt\n```\n",
        encoding="utf-8",
    )
    found = problems(page)
    assert len(found) == 3
    assert "--sitee" in found[0] and "serch" in found[1] and "site" in found[2]


def test_the_profile_examples_load() -> None:
    profiles = [
        block for page in PAGES for block in blocks(page, "yaml") if re.search(r"^name: ", block, re.M)
    ]
    assert profiles
    for block in profiles:
        profile = parse_profile(block, "README.md")
        assert profile.name and profile.base_url


def test_the_documented_imports_exist() -> None:
    imports = [
        (module, names)
        for page in PAGES
        for block in blocks(page, "python")
        for module, names in re.findall(r"^from (crawler[\w.]*) import (.+)$", block, re.M)
    ]
    assert len(imports) >= 5
    missing = []
    for module, names in imports:
        loaded = importlib.import_module(module)
        missing += [f"{module}.{name}" for name in re.findall(r"\w+", names) if not hasattr(loaded, name)]
    assert missing == []


def test_the_schedule_file_example_loads(tmp_path: Path) -> None:
    [example] = [
        block for page in PAGES for block in blocks(page, "yaml") if block.startswith("# schedule.yaml")
    ]
    path = tmp_path / "schedule.yaml"
    path.write_text(example, encoding="utf-8")
    plans = {plan.site: plan for plan in from_file(path, say=lambda _: None)}
    assert set(plans) == {"dzwww", "dongying"}
    assert plans["dongying"].args == ["--fail-on-warning", "--limit", "500"]
