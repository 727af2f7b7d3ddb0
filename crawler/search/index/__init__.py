"""The local search index: SQLite (FTS5) beside the local FerretDB, answering search in milliseconds.

FerretDB 1.24 pushes down only `{_id: value}`; every other filter is a full scan (~1,000 full
articles/s), so a search of 100,000 articles took ~100 s. This derived index holds, per article,
what search, paging, counting and `stats` read, and answers with ids; the articles themselves
are then fetched by `_id` (the one indexed lookup FerretDB has). It mirrors the *stored*
fields exactly (`terms`, `title_simplified`, `text_simplified`, `site`...), so its answers are
those of the full scan (tests compare them).

* `docs`: one row per article (site, date, source, section, state, content hash, counts for
  stats), ordered indexes for date order and per-site paging.
* `terms` (FTS5, contentless, detail=none): the stored `terms` as hex tokens (exact matching of
  any term, punctuation included), plus per term a title mark `<hex>t` and a count token
  `<hex>n<count>` from which relevance is computed in SQL (the same score as ranking.score).
* `phrases` (FTS5 trigram, contentless): the simplified title and text, for quoted phrases.
* `pending`: the write-ahead intents of flushes under way. A writer records the ids it is
  about to store, writes the store, then indexes them and clears its intents in one
  transaction; intents of a process that died in between are repaired from the store.

An article whose content changes gets a new rowid; the old FTS rows stay as unreachable
garbage (contentless FTS5 cannot delete without the old tokens) until `newsarchive reindex
--all` rebuilds the file. Several local processes may write at once (WAL, busy timeout,
`BEGIN IMMEDIATE`); the file must be on a local disk of the machine that runs FerretDB.

One module per job: ``file`` (where the file is, opening it, its facts), ``rows`` (an article's
rows and tokens), ``write`` (write-ahead intents and rows), ``repair`` (dead writers' intents,
drift, rebuild), ``query`` (conditions, date pages, result rows, counts), ``rank`` (relevance),
``figures`` (trends, stats, size) and ``times`` (stored times, days in a zone). `SearchIndex`
is all of them on one file.
"""

from __future__ import annotations

from crawler.search.index.figures import IndexFigures
from crawler.search.index.file import FOLDER_ENV, MODE_ENV, immediate, open_shared
from crawler.search.index.rank import IndexRanking
from crawler.search.index.repair import Drift, IndexRepair
from crawler.search.index.rows import PROJECTION, RESULT_FIELDS, occurrence_counts, pack, term_tokens, unpack
from crawler.search.index.times import day_bounds, from_millis, to_millis

__all__ = [
    "FOLDER_ENV",
    "MODE_ENV",
    "PROJECTION",
    "RESULT_FIELDS",
    "Drift",
    "SearchIndex",
    "day_bounds",
    "from_millis",
    "immediate",
    "occurrence_counts",
    "open_shared",
    "pack",
    "term_tokens",
    "to_millis",
    "unpack",
]


class SearchIndex(IndexFigures, IndexRanking, IndexRepair):
    """One database's index file; open with `for_database`, or directly for tests and tools."""
