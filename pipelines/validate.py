"""Drop extraction results that are not articles, saying why and where."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from scrapy.exceptions import DropItem

from crawler.items import Article
from crawler.project.defaults import project_int

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ValidateArticlePipeline:
    """An article without text (a video page, an index, a broken page) is dropped, not stored."""

    def __init__(self, crawler: Crawler, min_chars: int) -> None:
        self.crawler = crawler
        self.min_chars = min_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        """Read EXTRACT_MIN_TEXT_CHARS."""
        return cls(crawler, project_int(crawler.settings, "EXTRACT_MIN_TEXT_CHARS"))

    def process_item(self, item: Any) -> Any:
        """Pass articles with text; DropItem (logged with the URL) otherwise."""
        if not isinstance(item, Article):
            return item
        length = len(item.text.strip())
        if length < self.min_chars:
            self.crawler.stats.inc_value("extract/empty_text")
            raise DropItem(
                f"no article text found at {item.url} ({length} characters after extraction, "
                f"status {item.status}, encoding {item.encoding}); page not stored"
            )
        return item
