"""NormalizePipeline: NFC and clean whitespace in every text field; dates ISO 8601 in +07:00."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from archive.clock import now_iso, to_vn_iso
from scrapers.extract.text import clean_line, clean_text, word_count
from scrapers.items import CrawlError

LINE_FIELDS = ("url", "canonical_url", "title", "author", "source", "category", "language",
               "method", "site", "found_on")
DATE_FIELDS = ("published_at", "updated_at")


def _clean_entries(entries: list[Any]) -> list[Any]:
    """Clean every string attribute of image/attachment entries (dataclasses or dicts)."""
    cleaned = []
    for entry in entries:
        adapter = ItemAdapter(entry) if ItemAdapter.is_item(entry) else None
        if adapter is not None:
            for key, value in adapter.items():
                if isinstance(value, str):
                    adapter[key] = clean_line(value)
        cleaned.append(entry)
    return cleaned


def normalize_article(item: Any) -> Any:
    """Clean one Article-shaped item in place and return it."""
    adapter = ItemAdapter(item)
    for name in LINE_FIELDS:
        if isinstance(adapter.get(name), str):
            adapter[name] = clean_line(adapter[name])
    if isinstance(adapter.get("body"), str):
        adapter["body"] = clean_text(adapter["body"])
    if "breadcrumb" in adapter:
        adapter["breadcrumb"] = [clean_line(b) for b in adapter.get("breadcrumb") or [] if clean_line(b)]
    for name in ("images", "attachments"):
        if name in adapter:
            adapter[name] = _clean_entries(list(adapter.get(name) or []))
    for name in DATE_FIELDS:
        if name in adapter:
            adapter[name] = to_vn_iso(adapter.get(name))
    if "fetched_at" in adapter:
        adapter["fetched_at"] = to_vn_iso(adapter.get("fetched_at")) or now_iso()
    if "word_count" in adapter and adapter.get("body"):
        adapter["word_count"] = word_count(adapter["body"])
    return item


class NormalizePipeline:
    """Clean the text of every Article; CrawlError items pass untouched."""

    def process_item(self, item: Any) -> Any:
        """Return the item with NFC, single-spaced text and +07:00 dates."""
        if isinstance(item, CrawlError):
            return item
        return normalize_article(item)
