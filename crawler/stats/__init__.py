"""Figures about the archive per site (`newsarchive stats`), and their chart."""

from crawler.stats.figures import ArchiveStats, SiteStats, archive_stats

__all__ = ["ArchiveStats", "SiteStats", "archive_stats"]
