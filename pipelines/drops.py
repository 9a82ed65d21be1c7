"""Why a pipeline dropped an item: DropItem subclasses the ArchivePipeline tells apart."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class InvalidArticle(DropItem):
    """The article cannot be archived; ``kind`` is the crawl_errors key, the message the reason."""

    def __init__(self, reason: str, kind: str = "invalid") -> None:
        super().__init__(reason, log_level="INFO")
        self.kind = kind
        self.reason = reason


class DuplicateArticle(DropItem):
    """The article was already seen in this run under ``original_url``."""

    def __init__(self, original_url: str) -> None:
        super().__init__(f"duplicate of {original_url}", log_level="DEBUG")
        self.original_url = original_url
