"""`python -m crawler.cli` runs the `newsarchive` command."""

from crawler.cli import main

main()
