"""Signals of the project (besides Scrapy's own), each documented here.

Connect with ``crawler.signals.connect(handler, signal=archive_flushed)``.
"""

#: Sent by ArticlesPipeline when every item it received so far is in the database (after each
#: write, and when the spider goes idle with nothing buffered). No arguments. The frontier
#: acknowledges the requests it finished before this point.
archive_flushed = object()

#: Sent by the frontier scheduler (`crawl --frontier`) once this worker joined the site's
#: distributed run, before the archive session opens. Argument: ``session``
#: (crawler.frontier.scheduler.FrontierSession: run id, worker id, the Frontier).
frontier_opened = object()

#: Sent by the frontier scheduler when it requeued the work of a worker that stopped beating.
#: Arguments: ``worker`` (its id) and ``requeued`` (how many requests went back to the queue).
frontier_worker_lost = object()

#: Sent by the frontier scheduler when this worker, taken for dead after missing heartbeats,
#: beats again and is back in the run. Argument: ``session``.
frontier_rejoined = object()
