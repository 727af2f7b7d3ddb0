"""Find text that is still broken after decoding, repair what can be repaired, flag the rest.

A wrong decode upstream (a CMS that converted UTF-8 to GB2312 lossily, a proxy that re-read
bytes as Latin-1) leaves marks that survive a correct decode of the page: U+FFFD runs,
``?`` where a character was, ``锟斤拷``, ``Ã©``-style mojibake, GBK read from UTF-8 bytes.
Nothing here guesses silently: every repair and every remaining problem is reported so
that the article's ``quality`` field tells the truth about the stored text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ftfy
from ftfy.badness import is_bad

#: A question mark standing where a character was lost: between Han characters (or before a
#: digit) ...
LOST_CHAR_RE = re.compile(r"(?<=[\u4e00-\u9fff])\?[?!]*(?=[\u4e00-\u9fff\d])")
#: ... unless its clause asks something (什么主义?答 and 是吗?我 are real questions).
QUESTION_WORDS_RE = re.compile(r"[吗呢么吧啊嘛谁哪几何岂]|多少|是否|难道|怎|为啥")
_CLAUSE_START_RE = re.compile(r"[，。！？；：,.!;:\n][^，。！？；：,.!;:\n]*$")
#: Classic mojibake of Chinese pages: U+FFFD bytes re-read as GBK, uninitialised memory of MSVC.
MOJIBAKE_RE = re.compile(r"锟斤拷|烫烫烫|屯屯屯")
#: Runs that may be UTF-8 bytes decoded as GBK (涓枃 for 中文).
_NON_ASCII_RUN_RE = re.compile(r"[^\x00-\x7f\s\u3000-\u303f\uff00-\uffef]{4,}")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
#: Kana: Japanese text uses kanji that neither GB2312 nor Big5 has, so rarity means nothing there.
_KANA_RE = re.compile(r"[\u3040-\u30ff]")

#: Flag the text when at least this many lost-character question marks are found.
MIN_LOST_CHAR_MARKS = 2
#: Flag the text when at least this many Han characters are rare in both GB2312 and Big5 ...
MIN_RARE_HAN = 3
#: ... and they are at least this share of all Han characters.
MIN_RARE_HAN_SHARE = 0.01


@dataclass(frozen=True, slots=True)
class TextCheck:
    """What is wrong with a text, counted."""

    replacement_chars: int = 0
    lost_char_marks: int = 0
    mojibake: int = 0
    rare_han: int = 0
    han: int = 0

    @property
    def broken(self) -> bool:
        """True when the text should not be trusted as published."""
        rare = self.rare_han >= MIN_RARE_HAN and self.rare_han >= MIN_RARE_HAN_SHARE * max(self.han, 1)
        return bool(
            self.replacement_chars or self.mojibake or self.lost_char_marks >= MIN_LOST_CHAR_MARKS or rare
        )

    def as_flags(self) -> dict[str, int | bool]:
        """The non-zero counts plus ``broken_text``, as stored in ``Article.quality``."""
        flags: dict[str, int | bool] = {
            name: value
            for name, value in (
                ("replacement_chars", self.replacement_chars),
                ("lost_char_marks", self.lost_char_marks),
                ("mojibake", self.mojibake),
                ("rare_han", self.rare_han),
            )
            if value
        }
        if self.broken:
            flags["broken_text"] = True
        return flags


#: Lines whose mojibake test is remembered (a page's body has a few dozen to a few hundred).
MOJIBAKE_CACHE_LINES = 2048


@lru_cache(maxsize=MOJIBAKE_CACHE_LINES)
def _is_bad_line(line: str) -> bool:
    """The mojibake test of one line (ftfy's ``is_bad``), remembered.

    ``repair_text`` tests the body's lines and ``check_text`` the same lines once cleaned; the
    test is one large expression, ~3 % of extraction CPU when run twice.
    """
    return is_bad(line)


def _asks(text: str, end: int) -> bool:
    """True when the clause ending at ``end`` holds a question word."""
    head = text[max(0, end - 40) : end]
    clause = _CLAUSE_START_RE.search(head)
    return bool(QUESTION_WORDS_RE.search(clause.group(0) if clause else head))


def _is_rare(char: str) -> bool:
    for codec in ("gb2312", "big5"):
        try:
            char.encode(codec)
        except UnicodeEncodeError:
            continue
        return False
    return True


def check_text(text: str) -> TextCheck:
    """Count the marks of a broken decode in ``text``."""
    han = _HAN_RE.findall(text)
    return TextCheck(
        replacement_chars=text.count("\ufffd"),
        lost_char_marks=sum(1 for match in LOST_CHAR_RE.finditer(text) if not _asks(text, match.start())),
        mojibake=len(MOJIBAKE_RE.findall(text))
        + sum(1 for line in text.splitlines() if line and _is_bad_line(line)),
        rare_han=0 if _KANA_RE.search(text) else sum(1 for char in set(han) if _is_rare(char)),
        han=len(han),
    )


def _undo_gbk_mojibake(run: str) -> str | None:
    """``run`` re-read as the UTF-8 bytes it came from, if that gives Chinese text."""
    try:
        fixed = run.encode("gb18030").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return fixed if len(_HAN_RE.findall(fixed)) >= len(fixed) / 2 else None


def repair_text(text: str) -> tuple[str, list[str]]:
    """Undo the mojibake that can be undone; returns the text and the names of the repairs."""
    repairs: list[str] = []
    if any(_is_bad_line(line) for line in text.splitlines() if line):
        fixed = ftfy.fix_encoding(text)
        if fixed != text:
            text = fixed
            repairs.append("latin1_mojibake")

    def undo(match: re.Match[str]) -> str:
        fixed = _undo_gbk_mojibake(match.group(0))
        return fixed if fixed is not None else match.group(0)

    fixed = _NON_ASCII_RUN_RE.sub(undo, text)
    if fixed != text:
        text = fixed
        repairs.append("gbk_mojibake")
    return text, repairs
