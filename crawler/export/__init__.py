"""Exports of the archive for analysis: JSON Lines, CSV, Parquet, each carrying the article schema."""

from crawler.export.run import FORMATS, export_articles, sidecar_path
from crawler.export.schema import article_schema, default_fields

__all__ = ["FORMATS", "article_schema", "default_fields", "export_articles", "sidecar_path"]
