"""Scrapy settings of the project; every project setting has its default here, grouped by prefix.

Per-site politeness comes from the site profile (the spider applies it); anything can be
overridden with `-s NAME=VALUE` or `newsarchive crawl --set NAME=VALUE`.
"""

from crawler.outbound.identity import user_agent

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Identify ourselves and be polite: archival crawls run for years against small sites.
# The User-Agent names the project and version, plus the contact the user gives (CRAWL_CONTACT,
# a profile's `contact`, or $NEWSARCHIVE_CONTACT); an explicit USER_AGENT replaces it all.
CRAWL_CONTACT = None
USER_AGENT = user_agent()
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy starts this many asyncio tasks for the output of *every* callback, however few items it
# yields (100 by default: ~5 % of the crawl process's CPU, sampled). Our pipelines are
# synchronous and a callback yields one article or a list page's links, so 8 loses nothing.
CONCURRENT_ITEMS = 8
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
# Budgets of one crawl (a run that reaches one stops cleanly; raise them with --set NAME=VALUE).
CLOSESPIDER_PAGECOUNT = 100_000  # pages fetched per run
CLOSESPIDER_TIMEOUT = 6 * 3600  # seconds per run
SITEMAP_MAX_ENTRIES = 50_000  # entries read from one sitemap file (the protocol's own limit)
SITEMAP_MAX_DEPTH = 3  # sitemap indexes nested in sitemap indexes

# Outbound policy (crawler/outbound/): every resolved address is checked when connecting, and only
# http(s) is fetched (a hostile page's file://, ftp://, s3:// or data: link goes nowhere).
TWISTED_DNS_RESOLVER = "crawler.outbound.resolver.PolicyResolver"
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}

# One archive session per crawl (crawler/session/): the MongoDB client, the site's lease, the run
# record, the archive index and the learned boilerplate. It installs the components that use it:
# the articles pipeline (500), the extraction-failures pipeline (600), the incremental spider
# middleware (550), the WARC middleware (950).
ADDONS = {"crawler.session.ArchiveSession": 0, "crawler.frontier.FrontierAddon": 0}

DOWNLOADER_MIDDLEWARES = {
    # first of all (before robots.txt at 100): nothing outside the profile's outbound policy is sent
    "crawler.outbound.middleware.OutboundPolicyMiddleware": 50,
    # before RedirectMiddleware (600): loops by name, article redirects past the duplicate filter
    "crawler.middlewares.redirects.ArchiveRedirectMiddleware": 650,
}
ITEM_PIPELINES = {
    "pipelines.validate.ValidateArticlePipeline": 100,
}
# Memory that does not grow with the site (docs/performance.md "Memory"); a frontier crawl uses
# the shared queue and seen set in Redis instead. Request fingerprints in a scratch SQLite file,
# not a set that grows with every URL (Scrapy's own filter when JOBDIR is set).
DUPEFILTER_CLASS = "crawler.store.seen.DiskDupeFilter"
# Requests waiting to be fetched in Scrapy's disk queues (a scratch folder; JOBDIR's when set).
SCHEDULER = "crawler.store.pending.DiskQueueScheduler"
EXTENSIONS = {
    "crawler.extensions.progress.ProgressExtension": 600,
}
# Scrapy's telnet console and its remote-control endpoint run Python inside the crawl for anyone
# holding the password or token (the telnet password is printed in the log); the project uses
# neither. Turn one on for a debugging session with --set TELNETCONSOLE_ENABLED=true.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Distributed crawling: with a frontier (redis://HOST:PORT/DB; `crawl --frontier`, or
# $NEWSARCHIVE_FRONTIER, which wins over FRONTIER_URL as MONGO_URI does over its setting:
# crawler/project/defaults.py), workers on any machine share one site's queue, seen set and run.
# (the add-on is listed in ADDONS above)
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
#: Reprint detection: every new article gets a `story` id shared with its near-duplicates.
STORE_STORIES = True

# Raw pages: every response with its request, in rotating gzip WARC files (WARC_DIR/<site>/).
WARC_ENABLED = True
WARC_DIR = None  # None: var/warc
WARC_MAX_BYTES = 1024 * 1024 * 1024

# Incremental crawls: archived articles are refetched only when due (profile `revisit`).
INCREMENTAL_ENABLED = True

# Every crawl is recorded in crawl_runs (pages, articles, errors, health).
CRAWL_RUNS_ENABLED = True

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
# Extraction runs in worker processes (crawler/workers): EXTRACT_WORKERS of them (0: one per core),
# each page within EXTRACT_BUDGET seconds (else the worker is killed and the page recorded as failed),
# a worker replaced after EXTRACT_WORKER_MAX_PAGES pages or above EXTRACT_WORKER_MAX_RSS_MB; on
# SIGTERM/SIGINT pages still in extraction get EXTRACT_STOP_GRACE seconds.
EXTRACT_WORKERS = 0
EXTRACT_BUDGET = 20.0
EXTRACT_WORKER_MAX_PAGES = 2000
EXTRACT_WORKER_MAX_RSS_MB = 500
EXTRACT_STOP_GRACE = 2.0
EXTRACT_FUNCTION = "crawler.extract.article.extract_page"
# Paragraphs learned per site as boilerplate: after LEARN_MIN_ARTICLES articles, a paragraph in
# at least LEARN_MIN_SHARE of them (and LEARN_MIN_COUNT) is removed from new extractions.
LEARN_MIN_ARTICLES = 20
LEARN_MIN_SHARE = 0.2
LEARN_MIN_COUNT = 5
# The site's template learned from its articles (crawler/extract/template.py): once the headline,
# date line or byline of LEARN_LAYOUT_MIN_ARTICLES articles was found with confidence, the place
# (element path) at least LEARN_LAYOUT_MIN_SHARE of them agree on is read first on later pages.
LEARN_LAYOUT_MIN_ARTICLES = 5
LEARN_LAYOUT_MIN_SHARE = 0.6

# Profiles: extra folder(s) searched before the bundled ones.
PROFILES_DIR = None

LOG_FORMATTER = "crawler.logs.formatter.ArticleLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "INFO"
