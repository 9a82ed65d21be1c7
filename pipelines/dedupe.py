"""DedupePipeline: within one run, drop an article already seen by canonical URL or by content on its site."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from archive.keys import content_hash
from pipelines.drops import DuplicateArticle
from scrapers.items import CrawlError


class DedupePipeline:
    """Remember canonical URLs and (site, content hash) pairs seen in this run."""

    def __init__(self) -> None:
        self.by_url: dict[str, str] = {}
        self.by_content: dict[tuple[str, str], str] = {}

    def process_item(self, item: Any) -> Any:
        """Return the first copy; raise DuplicateArticle("duplicate of <url>") for later ones."""
        if isinstance(item, CrawlError):
            return item
        adapter = ItemAdapter(item)
        url = adapter.get("url") or ""
        canonical = adapter.get("canonical_url") or url
        key = (adapter.get("site") or "", content_hash(adapter.get("title") or "", adapter.get("body") or ""))
        original = self.by_url.get(canonical) or self.by_content.get(key)
        if original:
            raise DuplicateArticle(original)
        self.by_url[canonical] = canonical
        self.by_content[key] = canonical
        return item
