"""Stop a crawl at the first write the archive refuses (disk full, read-only) instead of failing every page."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from archive.safety import is_storage_error, storage_problem

logger = logging.getLogger(__name__)
CLOSE_REASON = "archive_unwritable"


class ArchiveWriteGuard:
    """Extension: on a storage error in a pipeline or callback, log one clear line and close the spider."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.problem = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ArchiveWriteGuard":
        """Listen to item and spider errors."""
        guard = cls(crawler)
        crawler.signals.connect(guard.item_error, signal=signals.item_error)
        crawler.signals.connect(guard.spider_error, signal=signals.spider_error)
        return guard

    def check(self, failure: Any) -> None:
        """Close the crawl when ``failure`` is a storage error (once)."""
        error = getattr(failure, "value", failure)
        if self.problem or not isinstance(error, BaseException) or not is_storage_error(error):
            return
        self.problem = storage_problem(error, self.crawler.settings.get("ARCHIVE_DB")) or str(error)
        logger.error("stopping the crawl: %s", self.problem)
        self.crawler.stats.set_value("reformnews/storage_error", self.problem)
        engine = self.crawler.engine
        if engine is not None:
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))

    def item_error(self, item: Any, response: Any, spider: Any = None, failure: Any = None, **kwargs: Any) -> None:
        """A pipeline raised."""
        self.check(failure)

    def spider_error(self, failure: Any, response: Any = None, spider: Any = None, **kwargs: Any) -> None:
        """A callback raised."""
        self.check(failure)
