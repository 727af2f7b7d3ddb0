"""Signals of the project (besides Scrapy's own), each documented here.

Connect with ``crawler.signals.connect(handler, signal=archive_index_loaded)``.
"""

#: Sent by ArticlesPipeline.open_spider once it knows what the archive holds for the site,
#: before any page is fetched. Arguments: ``index`` (crawler.store.index.ArchiveIndex) and
#: ``boilerplate`` (crawler.extract.learned.BoilerplateLearner, the site's learned paragraphs).
#: The spider, the incremental middleware and the WARC writer use them instead of querying per page.
archive_index_loaded = object()
