"""ValidatePipeline: drop failed, untitled or empty articles with a reason a person understands.

The drop reaches the archive as a crawl error: :class:`pipelines.store.ArchivePipeline` listens
to Scrapy's ``item_dropped`` signal and records every dropped article in ``crawl_errors``.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from pipelines.drops import InvalidArticle
from scrapers.items import CrawlError


def problem(item: Any) -> tuple[str, str] | None:
    """(kind, reason) when the article cannot be archived, else None."""
    adapter = ItemAdapter(item)
    if adapter.get("status", "ok") != "ok":
        reason = (adapter.get("failure") or "").strip() or "the extractor could not read the page"
        return "extraction", f"extraction failed: {reason}"
    if not (adapter.get("title") or "").strip():
        return "no_title", "no title found on the page"
    if not (adapter.get("body") or "").strip():
        return "empty_body", "the page has no article text"
    return None


class ValidatePipeline:
    """Let only archivable Articles through; CrawlError items pass untouched."""

    def process_item(self, item: Any) -> Any:
        """Return the item, or raise InvalidArticle (a DropItem) naming what is wrong."""
        if isinstance(item, CrawlError):
            return item
        found = problem(item)
        if found:
            kind, reason = found
            raise InvalidArticle(reason, kind=kind)
        return item
