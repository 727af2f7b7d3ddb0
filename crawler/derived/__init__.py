"""Fields derived from an article's title and text, computed in the extraction workers.

``terms`` segments a text into the stored search terms (and a query into the same terms),
``fields`` is what every stored article carries for search (the terms, their version and
source, the simplified copies), ``signature`` is the MinHash of a text that reprint detection
groups articles by. Pure functions of the text: the store keeps what they compute, the search
index and the stories read it.
"""
