"""Keeps the archive's crawl state in step with the crawl: frontier, WARC pointers, per-site figures."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from archive.store import Archive
from scrapers.middlewares.sitestats import PREFIX


def frontier_url(response: Response | None, item_url: str) -> list[str]:
    """The URLs an item settles in the frontier: the requested one, redirect hops and the item's own."""
    urls = [item_url]
    if isinstance(response, Response):
        meta = response.meta
        urls += [meta.get("frontier_url", ""), response.url, *meta.get("redirect_urls", [])]
    return [u for u in urls if u]


class CrawlStateExtension:
    """Settle frontier URLs as items leave the pipelines; write per-site requests/bytes/status at the end."""

    def __init__(self, crawler: Crawler, db_path: str, run_id: int | None) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.run_id = run_id
        self.archive: Archive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlStateExtension":
        """Needs ARCHIVE_DB; ARCHIVE_RUN_ID is set by `reformnews crawl`."""
        settings = crawler.settings
        if not settings.get("ARCHIVE_DB"):
            raise NotConfigured
        run_id = settings.get("ARCHIVE_RUN_ID")
        ext = cls(crawler, settings.get("ARCHIVE_DB"), int(run_id) if run_id not in (None, "") else None)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, **kwargs: Any) -> None:
        """Open the archive."""
        self.archive = Archive(self.db_path)

    def item_scraped(self, item: Any, response: Response | None = None, **kwargs: Any) -> None:
        """An article was archived (or an error recorded): it leaves the frontier. (Its WARC pointer
        came with the item and was stored with its row.)"""
        if self.archive is not None:
            self.archive.frontier_done(frontier_url(response, ItemAdapter(item).get("url") or ""))

    def item_dropped(self, item: Any, response: Response | None = None, **kwargs: Any) -> None:
        """A dropped article (duplicate, failed extraction) is settled too: it was fetched and judged."""
        if self.archive is not None:
            self.archive.frontier_done(frontier_url(response, ItemAdapter(item).get("url") or ""))

    def per_site(self) -> dict[str, dict[str, Any]]:
        """Requests, responses, bytes and status of every site the crawl touched."""
        figures: dict[str, dict[str, Any]] = {}
        for key, value in self.crawler.stats.get_stats().items():
            if key.startswith(PREFIX + "/"):
                slug, name = key[len(PREFIX) + 1:].rsplit("/", 1)
                figures.setdefault(slug, {})[name] = value
        for slug in getattr(self.crawler.spider, "site_slugs", lambda: [])():
            figures.setdefault(slug, {})
        for values in figures.values():
            ok = values.get("ok", 0)
            values["status"] = "ok" if ok else "failed"
            if not ok:
                values["note"] = "no page of the site could be fetched (see crawl_errors)"
        return figures

    def spider_closed(self, reason: str = "finished", **kwargs: Any) -> None:
        """Write the per-site figures of the run and close the archive."""
        if self.archive is None:
            return
        if self.run_id is not None:
            self.archive.write_site_fetches(self.run_id, self.per_site())
        self.archive.close()
        self.archive = None
