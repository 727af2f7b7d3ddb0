"""Log lines about articles that name the article, instead of dumping its whole text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter

from crawler.items import Article

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Response
    from scrapy.logformatter import LogFormatterResult
    from twisted.python.failure import Failure


def describe(item: Any) -> Any:
    """An article as `<Article URL "title" N chars>`; anything else unchanged."""
    if isinstance(item, Article):
        title = (item.title or "")[:40]
        return f'<Article {item.url} "{title}" {len(item.text)} chars>'
    return item


class ArticleLogFormatter(LogFormatter):
    """Scrapy's formatter with articles summarised in scraped / dropped / error lines."""

    def scraped(self, item: Any, response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        """Summarise the scraped article."""
        return super().scraped(describe(item), response, spider)

    def dropped(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        """The drop reason already names the URL; keep the line short."""
        return super().dropped(describe(item), exception, response, spider)

    def item_error(
        self, item: Any, exception: BaseException, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        """Summarise the article that failed in a pipeline."""
        return super().item_error(describe(item), exception, response, spider)
