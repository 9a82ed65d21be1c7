"""ArchivePipeline: write Articles and CrawlErrors to the archive and count what each site got.

Failures reach ``crawl_errors`` three ways: CrawlError items (a fetch failed), articles dropped
by an earlier pipeline (Scrapy's ``item_dropped`` signal: failed extraction, no title, empty
body) and articles the store itself could not write (``item_error``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler

from archive.runs import COUNT_KEYS
from archive.store import Archive
from pipelines.drops import DuplicateArticle
from scrapers.items import Article, CrawlError
from scrapers.registry import Site, load_registry, site_for_url


def as_article(item: Any) -> Article:
    """The item as an Article (dataclass items pass as they are, dict-like ones are rebuilt)."""
    if isinstance(item, Article):
        return item
    return Article.from_dict(ItemAdapter(item).asdict())


class ArchivePipeline:
    """Store items through :class:`archive.store.Archive` into ``ARCHIVE_DB``."""

    def __init__(self, db_path: str, run_id: int | None = None, crawler: Crawler | None = None,
                 registry_path: str | None = None) -> None:
        self.db_path = db_path
        self.run_id = run_id
        self.own_run = run_id is None
        self.crawler = crawler
        self.registry_path = registry_path
        self.archive: Archive | None = None
        self.sites: dict[str, Site] = {}
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.extra_sites: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ArchivePipeline":
        """Read ARCHIVE_DB, ARCHIVE_RUN_ID and SITE_REGISTRY; listen for dropped and failed items."""
        settings = crawler.settings
        run_id = settings.get("ARCHIVE_RUN_ID")
        pipeline = cls(
            settings.get("ARCHIVE_DB") or "data/archive.db",
            int(run_id) if run_id not in (None, "") else None,
            crawler=crawler,
            registry_path=settings.get("SITE_REGISTRY") or None,
        )
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.item_error, signal=signals.item_error)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        """Open the archive, sync the registry's sites and start a run unless one was given."""
        self.archive = Archive(self.db_path)
        self.sites = load_registry(self.registry_path)
        self.archive.sync_sites(self.sites.values())
        if self.run_id is None:
            spider = getattr(getattr(self.crawler, "spider", None), "name", "") or "unknown"
            self.run_id = self.archive.start_run(spider, list(self.sites))

    def _site_of(self, url: str, given: str) -> str:
        if given:
            return given
        site = site_for_url(url, self.sites)
        if site:
            return site.slug
        # The generic spider names the unregistered site it crawls by URL.
        return getattr(getattr(self.crawler, "spider", None), "site_slug", "") or ""

    def process_item(self, item: Any) -> Any:
        """Archive one item and count the outcome under its site."""
        assert self.archive is not None, "open_spider() was not called"
        if isinstance(item, CrawlError):
            item.site = self._site_of(item.url, item.site)
            self.archive.record_error(self.run_id, item)
            self.counts[item.site]["errors"] += 1
            return item
        article = as_article(item)
        article.site = self._site_of(article.url, article.site)
        if not article.site:
            raise ValueError(f"{article.url} belongs to no registry site")
        if article.site not in self.sites and article.site not in self.extra_sites:
            self.archive.ensure_site(article.site, article.url)
            self.extra_sites.add(article.site)
        outcome = self.archive.upsert_article(article)
        self.counts[article.site]["duplicates" if outcome == "duplicate" else outcome] += 1
        return item

    def _record_failure(self, item: Any, reason: str, kind: str) -> None:
        if self.archive is None or isinstance(item, CrawlError):
            return
        adapter = ItemAdapter(item)
        url = adapter.get("url") or ""
        site = self._site_of(url, adapter.get("site") or "")
        error = CrawlError(url=url, reason=reason, site=site, http_status=adapter.get("http_status"), kind=kind)
        self.archive.record_error(self.run_id, error)
        self.counts[site]["errors"] += 1

    def item_dropped(self, item: Any, exception: BaseException, **kwargs: Any) -> None:
        """A pipeline dropped an article: count a duplicate, or record the reason as a crawl error."""
        if isinstance(exception, DuplicateArticle):
            adapter = ItemAdapter(item)
            site = self._site_of(adapter.get("url") or "", adapter.get("site") or "")
            self.counts[site]["duplicates"] += 1
            if self.archive is not None:
                self.archive.note_duplicate(adapter.get("url") or "", site, exception.original_url)
            return
        self._record_failure(item, str(exception) or type(exception).__name__, getattr(exception, "kind", "dropped"))

    def item_error(self, item: Any, failure: Any, **kwargs: Any) -> None:
        """A pipeline raised while handling an article: record it as a crawl error."""
        error = getattr(failure, "value", failure)
        self._record_failure(item, f"could not archive the article: {type(error).__name__}: {error}", "store")

    def run_counts(self) -> dict[str, Any]:
        """Totals, per-site counts and the downloader's request and byte counts."""
        totals = {key: sum(c[key] for c in self.counts.values()) for key in COUNT_KEYS}
        stats = self.crawler.stats if self.crawler is not None else None
        return {
            **totals,
            "requests": stats.get_value("downloader/request_count", 0) if stats else 0,
            "bytes": stats.get_value("downloader/response_bytes", 0) if stats else 0,
            "per_site": {site: {k: c[k] for k in COUNT_KEYS} for site, c in self.counts.items() if site},
        }

    def close_spider(self) -> None:
        """Write the run's counts, mark it "ok" (spider_closed corrects that) and close the archive."""
        if self.archive is None:
            return
        self.archive.finish_run(self.run_id, self.run_counts(), "ok")
        self.archive.close()
        self.archive = None

    def spider_closed(self, reason: str = "finished", **kwargs: Any) -> None:
        """A crawl that did not finish (shutdown, closespider limits) is not "ok": store its reason."""
        if reason == "finished" or self.run_id is None:
            return
        with Archive(self.db_path) as archive:
            archive.finish_run(self.run_id, {}, f"stopped: {reason}")
