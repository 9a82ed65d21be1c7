"""DedupePipeline: within one run, drop an article already seen by canonical URL or by content on its site.

Copies on other sites are never dropped: the archive keeps every copy and groups them in stories
(``archive.stories``); this pipeline only stops one page being stored twice in a run.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from archive.keys import content_hash
from pipelines.drops import DuplicateArticle
from scrapers.items import CrawlError
from scrapers.urls import identity_url


class DedupePipeline:
    """Remember canonical URLs (``scrapers.urls.canonical_url``) and (site, content hash) pairs seen in this run."""

    def __init__(self) -> None:
        self.by_url: dict[str, str] = {}
        self.by_content: dict[tuple[str, str], str] = {}

    def process_item(self, item: Any) -> Any:
        """Return the first copy; raise DuplicateArticle("duplicate of <url>") for later ones."""
        if isinstance(item, CrawlError):
            return item
        adapter = ItemAdapter(item)
        url = adapter.get("url") or ""
        canonical = identity_url(url, adapter.get("canonical_url") or "")
        key = (adapter.get("site") or "", content_hash(adapter.get("title") or "", adapter.get("body") or ""))
        original = self.by_url.get(canonical) or self.by_content.get(key)
        if original:
            raise DuplicateArticle(original)
        self.by_url[canonical] = url  # keyed by the canonical spelling, reported as first seen
        self.by_content[key] = url
        return item
