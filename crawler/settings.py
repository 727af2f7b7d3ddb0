"""Scrapy settings of the project; every project setting has its default here, grouped by prefix.

Per-site politeness comes from the site profile (the spider applies it); anything can be
overridden with `-s NAME=VALUE` or `newsarchive crawl --set NAME=VALUE`.
"""

from crawler import __version__

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Identify ourselves and be polite: archival crawls run for years against small sites.
USER_AGENT = (
    f"newsarchive/{__version__} (archival crawler for regional news; "
    "+https://github.com/newsarchive/newsarchive)"
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Bad input must not take the crawl down: bounded sizes, times and redirects.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2

SPIDER_MIDDLEWARES = {
    "crawler.middlewares.incremental.IncrementalMiddleware": 550,
}
DOWNLOADER_MIDDLEWARES = {
    # before RedirectMiddleware (600): loops by name, article redirects past the duplicate filter
    "crawler.middlewares.redirects.ArchiveRedirectMiddleware": 650,
    # next to the downloader: archive what the server sent, before decompression and redirects
    "crawler.middlewares.warc.WarcMiddleware": 950,
}
ITEM_PIPELINES = {
    "pipelines.validate.ValidateArticlePipeline": 100,
    "pipelines.articles.ArticlesPipeline": 500,
}
EXTENSIONS = {
    "crawler.extensions.site_lock.SiteLockExtension": 400,
    "crawler.extensions.crawl_runs.CrawlRunRecorder": 500,
    "crawler.extensions.progress.ProgressExtension": 600,
}

# Distributed crawling: with a frontier (redis://HOST:PORT/DB; `crawl --frontier`, or
# $NEWSARCHIVE_FRONTIER), workers on any machine share one site's queue, seen set and run.
ADDONS = {"crawler.frontier.FrontierAddon": 0}
FRONTIER_URL = None
FRONTIER_KEY_PREFIX = "newsarchive"
#: A worker that has not beaten for this long is dead: its unfinished requests are requeued.
FRONTIER_WORKER_TIMEOUT = 30.0
#: Heartbeat, dead-worker check and wake-up for requests queued by other workers.
FRONTIER_POLL_INTERVAL = 1.0
#: Requests a worker holds at once (0: CONCURRENT_REQUESTS_PER_DOMAIN after the profile's politeness).
FRONTIER_PREFETCH = 0
#: How long a worker keeps retrying an unreachable Redis before it stops (frontier_unavailable).
FRONTIER_REDIS_TIMEOUT = 120.0

# Storage (MONGO_URI / MONGO_DATABASE in the environment win over these).
MONGO_URI = None  # None: the project's local FerretDB (`newsarchive db start`)
MONGO_DATABASE = None  # None: the URI's database, else "newsarchive"
MONGO_CONNECT_TIMEOUT_MS = 5_000
MONGO_TIMEOUT_MS = 120_000
STORE_INSERT_BATCH = 100
STORE_UPDATE_BATCH = 50
STORE_MAX_BATCH_BYTES = 8 * 1024 * 1024
#: Seconds an article may wait in the write buffer (slow, polite crawls still write steadily).
STORE_MAX_DELAY = 30.0

# Raw pages: every response with its request, in rotating gzip WARC files (WARC_DIR/<site>/).
WARC_ENABLED = True
WARC_DIR = None  # None: var/warc
WARC_MAX_BYTES = 1024 * 1024 * 1024

# Incremental crawls: archived articles are refetched only when due (profile `revisit`).
INCREMENTAL_ENABLED = True

# One crawl per site at a time (a lease in crawl_locks, refreshed every CRAWL_LOCK_TTL / 10 s).
CRAWL_LOCK_ENABLED = True
CRAWL_LOCK_TTL = 900

# Progress: a live panel when stderr is a terminal, else a log line every PROGRESS_INTERVAL s.
PROGRESS_ENABLED = True
PROGRESS_LIVE = True
PROGRESS_INTERVAL = 30.0

# Health checks after each run (warnings are recorded on the run; `crawl --fail-on-warning`).
HEALTH_MAX_EMPTY_TEXT_RATE = 0.2
HEALTH_MAX_MISSING_DATE_RATE = 0.3
HEALTH_MAX_ERROR_RATE = 0.1
HEALTH_ZERO_NEW_RUNS = 3
HEALTH_MIN_SAMPLE = 5

# Extraction
EXTRACT_MIN_TEXT_CHARS = 20
# Paragraphs learned per site as boilerplate: after LEARN_MIN_ARTICLES articles, a paragraph in
# at least LEARN_MIN_SHARE of them (and LEARN_MIN_COUNT) is removed from new extractions.
LEARN_MIN_ARTICLES = 20
LEARN_MIN_SHARE = 0.2
LEARN_MIN_COUNT = 5

# Profiles: extra folder(s) searched before the bundled ones.
PROFILES_DIR = None

LOG_FORMATTER = "crawler.logformatter.ArticleLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
