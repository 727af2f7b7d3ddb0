"""Exports of the archive for analysis: JSON Lines, CSV, Parquet, each carrying the article schema."""

from crawler.export.feed import export_feed
from crawler.export.run import FORMATS, export_articles, export_dataset, sidecar_path
from crawler.export.schema import article_schema, default_fields

__all__ = [
    "FORMATS",
    "article_schema",
    "default_fields",
    "export_articles",
    "export_dataset",
    "export_feed",
    "sidecar_path",
]
