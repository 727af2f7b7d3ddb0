"""Search over the archive: segmented terms, safe query filters, ranking, snippets.

`terms` turns text into the stored search terms (and queries into the same terms), `query`
builds Mongo filters from user input, `capabilities` finds out whether the server has `$text`,
`ranking` orders results by relevance, `snippets` cuts highlighted excerpts, `fields` is what
every stored article carries for search, `reindex` backfills it, and `index` is the local
search index (SQLite FTS5) that answers on the local FerretDB, where every other query scans.
"""

from crawler.derived.fields import TERMS_VERSION, search_fields
from crawler.derived.terms import document_terms, query_terms, to_simplified
from crawler.search.query import SearchQuery, parse_query

__all__ = [
    "TERMS_VERSION",
    "SearchQuery",
    "document_terms",
    "parse_query",
    "query_terms",
    "search_fields",
    "to_simplified",
]
