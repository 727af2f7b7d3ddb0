"""``python -m crawler.workers FD FUNCTION SYS_PATH``: one extraction worker (see worker.py)."""

import sys

from crawler.workers.worker import main

main(sys.argv[1:])
