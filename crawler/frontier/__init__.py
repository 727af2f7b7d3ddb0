"""Distributed crawling: workers of one site share a Redis frontier (scrapy-redis) and one run."""

from crawler.frontier.addon import FRONTIER_ENV, FrontierAddon, frontier_url
from crawler.frontier.state import Frontier, FrontierStatus

__all__ = ["FRONTIER_ENV", "Frontier", "FrontierAddon", "FrontierStatus", "frontier_url"]
