"""What reaches the logs: credentials redacted from every record (``redact``), articles summarised.

``formatter`` is Scrapy's LOG_FORMATTER of the project: an article is named, not dumped.
"""
