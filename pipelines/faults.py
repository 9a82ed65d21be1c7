"""FaultReasonPipeline: a failed page's crawl error carries the reason its fault was noted with."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from scrapers.items import CrawlError
from scrapers.middlewares.faults import improve, ledger


class FaultReasonPipeline:
    """Item pipeline (before the archive's): CrawlError items get the reason their URL's fault noted."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "FaultReasonPipeline":
        """Built by Scrapy."""
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        """Rewrite a CrawlError's reason; other items pass untouched."""
        if isinstance(item, CrawlError):
            return improve(item, ledger(self.crawler))
        return item
