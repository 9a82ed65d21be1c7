"""The image backfill spider: fetch the images of articles archived before their images were kept.

It reads the articles to do from the archive (ImageStore.backfill_articles) and hands each one, as
an Article holding only its URL, site and image list, to the same ImagesPipeline a crawl runs: the
images are fetched through the engine (robots.txt, politeness, retries, the WARC writer), verified
and kept, or their failure recorded. No other pipeline runs, so an article's text is never touched.

    scrapy crawl images -a site=binhdinh_skhcn -a limit=100 -a retry_failed=1
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from archive.images import ImageStore
from archive.store import Archive
from scrapers.items import Article, Image
from scrapers.registry import RegistryError, load_registry
from spiders.site import apply_download_slots

IMAGES_PIPELINE = "pipelines.images.ImagesPipeline"
CRAWL_STATE = "scrapers.extensions.crawlstate.CrawlStateExtension"
ARTICLES_IN_FLIGHT = 16  # articles handed to the pipeline at a time (each fetches its images in turn)


def article_of(row: dict[str, Any]) -> Article:
    """The Article the images pipeline needs of an archived row: its URLs, site and images, nothing else."""
    images = [Image(src=str(i.get("src") or ""), caption=str(i.get("caption") or ""), alt=str(i.get("alt") or ""))
              if isinstance(i, dict) else Image(src=str(i)) for i in row["images"]]
    return Article(url=row["url"], canonical_url=row["canonical_url"] or "", site=row["site"] or "",
                   reform=bool(row["reform"]), images=images, status="ok")


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class ImageBackfillSpider(scrapy.Spider):
    """Fetch the images of archived articles that have none recorded (or, ``retry_failed``, a failed one)."""

    name = "images"

    def __init__(self, site: str | None = None, limit: str | int | None = None,
                 retry_failed: str | bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sites = [s.strip() for s in (site or "").split(",") if s.strip()] or None
        self.limit = int(limit) if limit not in (None, "") else None
        self.retry_failed = _flag(retry_failed)
        self.in_flight = 0

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Only the images pipeline runs, switched on; the crawl-state extension (frontier, per-site run
        figures) stays out: a backfill is not a crawl of the sites."""
        super().update_settings(settings)
        settings.set("ITEM_PIPELINES", {IMAGES_PIPELINE: 550}, priority="spider")
        settings.set("IMAGES_ENABLED", True, priority="spider")
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions[CRAWL_STATE] = None
        settings.set("EXTENSIONS", extensions, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> "ImageBackfillSpider":
        """The spider, counting the articles in the pipeline, with the registry's per-site slots applied."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider.article_done, signal=signal)
        apply_download_slots_of_registry(crawler.settings)
        return spider

    def article_done(self, **kwargs: Any) -> None:
        """An article left the images pipeline."""
        self.in_flight = max(0, self.in_flight - 1)

    def closed(self, reason: str) -> None:
        """Close the run `reformnews images` opened (ARCHIVE_RUN_ID) with the requests and bytes it took."""
        run_id = self.settings.get("ARCHIVE_RUN_ID")
        if run_id in (None, ""):
            return
        stats = self.crawler.stats
        counts = {"requests": stats.get_value("downloader/request_count", 0),
                  "bytes": stats.get_value("downloader/response_bytes", 0)}
        with Archive(self.settings.get("ARCHIVE_DB") or "data/archive.db") as archive:
            archive.finish_run(int(run_id), counts, "ok" if reason == "finished" else f"stopped: {reason}")

    async def start(self) -> AsyncIterator[Any]:
        """Yield the articles to do, at most ARTICLES_IN_FLIGHT in the pipeline at a time."""
        with ImageStore(self.settings.get("ARCHIVE_DB") or "data/archive.db") as store:
            rows = store.backfill_articles(sites=self.sites, limit=self.limit, retry_failed=self.retry_failed)
        self.logger.info("image backfill: %d articles to do", len(rows))
        self.crawler.stats.set_value("reformnews/images/articles", len(rows))
        for row in rows:
            while self.in_flight >= ARTICLES_IN_FLIGHT:
                await asyncio.sleep(0.05)
            self.in_flight += 1
            yield article_of(row)


def apply_download_slots_of_registry(settings: BaseSettings) -> None:
    """The registry's per-site download slots, as the registry spider sets them (not once the
    settings are frozen, nor when the registry does not load)."""
    if settings.frozen:
        return
    try:
        sites = list(load_registry(settings.get("SITE_REGISTRY") or None).values())
    except RegistryError:
        return
    apply_download_slots(settings, sites)
