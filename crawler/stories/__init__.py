"""Reprint detection: near-duplicate articles (the same wire story on several portals) share a story id.

`signature` turns a text into its MinHash and LSH band keys (in the extraction workers),
`clusters` assigns an article to a story online, `state` keeps the band table, the stories'
first signatures and the copies (SQLite beside the local database, or MongoDB collections),
and `index` is what the store, the backfill, the CLI and the web view call. docs/reprints.md.
"""
