"""Chinese and Latin text to search terms: one normalisation for stored articles and for queries.

MongoDB's text index does not segment Chinese and FerretDB has none, so every article stores
its words as an array (`terms`) that an ordinary multikey index serves, and a query is
turned into words by the same rules, then matched with `$all`.

The rules: NFKC (full-width Latin and digits become ASCII), OpenCC t2s (東營 and 东营 give the
same term), lowercase, jieba segmentation without its HMM (new-word guessing makes the same
name segment differently in different sentences; the dictionary path is stable, and faster),
drop punctuation and stopwords, deduplicate keeping first occurrences.

The segmenter is rjieba (jieba-rs, jieba's algorithm and dictionary in Rust): without the HMM it
cuts exactly as the Python jieba does (checked on the eval pages' texts, 806k characters, and in
tests/test_search_terms.py), holds its dictionary in ~21 MB instead of ~63 MB of Python objects
in every extraction worker, and is ~35x faster.

Stored articles are segmented with `cut_for_search`, which adds the dictionary sub-words of
long words (东营市 also gives 东营, 农田水利 also 农田 and 水利); queries with plain `cut`,
whose words are always among them. Expanding the query as well would only add requirements
that a differently segmented sentence may miss.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from crawler.extract.script import to_simplified

if TYPE_CHECKING:
    from collections.abc import Iterable

    import rjieba

#: Function words that say nothing about what an article is about (simplified forms).
STOPWORDS = frozenset(
    """
    的 了 在 是 和 与 及 或 也 都 而 就 把 被 让 给 对 从 向 于 以 之 其 这 那 此 该 并 但 又 还 等 着 过
    吗 呢 吧 啊 呀 么 个 为 将 已 所 则 即 由 自 我 你 他 她 它 们 我们 你们 他们 她们 这个 那个 这些
    那些 一个 有 没有 不 很 更 最 会 能 要 可 可以 已经 以及 并且 而且 因为 所以 如果 但是 或者 通过
    a an and are as at be but by for from has have in is it its of on or that the this to was were
    will with not no
    """.split()  # noqa: SIM905  (a word list reads better as text)
)

#: A term must contain a letter, a digit or a CJK character (drops punctuation and spaces).
_WORDLIKE = re.compile(r"\w")


@cache
def _tokenizer() -> rjieba.Jieba:
    import rjieba

    return rjieba.Jieba()


def normalize(text: str) -> str:
    """The form terms are cut from: NFKC, simplified script, lowercase, no NUL."""
    return (to_simplified(unicodedata.normalize("NFKC", text)) or "").lower().replace("\x00", "")


def _keep(token: str) -> str | None:
    token = token.strip()
    if not token or not _WORDLIKE.search(token) or token in STOPWORDS:
        return None
    return token


def _unique(tokens: Iterable[str], seen: set[str]) -> list[str]:
    kept = []
    for raw in tokens:
        token = _keep(raw)
        if token is not None and token not in seen:
            seen.add(token)
            kept.append(token)
    return kept


def document_terms(*texts: str | None) -> list[str]:
    """Terms of an article's texts (title first), sub-words included, each once."""
    seen: set[str] = set()
    terms: list[str] = []
    tokenizer = _tokenizer()
    for text in texts:
        if text:
            terms.extend(_unique(tokenizer.cut_for_search(normalize(text), False), seen))
    return terms


def query_terms(text: str) -> list[str]:
    """Terms a query requires, by the same rules as document_terms but without sub-words."""
    if not text:
        return []
    return _unique(_tokenizer().cut(normalize(text), False), set())
