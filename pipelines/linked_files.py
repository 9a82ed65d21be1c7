"""What the pipelines of files linked from stored articles (attachments, images) share: a store
opened for the crawl, stats under ``reformnews/<kind>/``, the choice of articles to work on, and
running blocking work off the reactor thread."""

from __future__ import annotations

import asyncio
from typing import Any, NamedTuple

from itemadapter import ItemAdapter
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from archive.linked_files import LinkedFileStore
from scrapers.items import Article, CrawlError
from scrapers.middlewares.faults import explain_exception


async def in_thread(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a blocking function off the reactor thread (asyncio or plain Twisted reactor)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        from twisted.internet.threads import deferToThread

        from scrapy.utils.defer import maybe_deferred_to_future

        return await maybe_deferred_to_future(deferToThread(function, *args, **kwargs))
    return await asyncio.to_thread(function, *args, **kwargs)


class DownloadFailure(NamedTuple):
    """Why a download raised: the short machine key (``too_large``, ``timeout``, ``connection``,
    ``dns`` or ``failed``) and a reason a person reads."""

    kind: str
    reason: str


class LinkedFilesPipeline:
    """Base of a pipeline that fetches and keeps one kind of file linked from stored articles.

    Subclasses name their ``kind`` (for stats), open their store (:meth:`open_store`) and say which
    files of an article they handle (:meth:`files_of`)."""

    kind = "files"

    def __init__(self, crawler: Crawler | None, db_path: str, *, max_bytes: int, enabled: bool = True) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.max_bytes = max_bytes
        self.enabled = enabled
        self.store: Any = None

    def open_store(self, db_path: str) -> LinkedFileStore:
        """The store the pipeline writes to."""
        raise NotImplementedError

    def files_of(self, article: Article) -> list[Any]:
        """The article's files this pipeline handles."""
        raise NotImplementedError

    def open_spider(self) -> None:
        """Open the store on the archive."""
        if self.enabled:
            self.store = self.open_store(self.db_path)

    def close_spider(self) -> None:
        """Close the store."""
        if self.store is not None:
            self.store.close()
            self.store = None

    def _stat(self, key: str) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"reformnews/{self.kind}/{key}")

    def stored_article(self, item: Any) -> Article | None:
        """The item as an Article when there is work: enabled, an archived article with files."""
        if not self.enabled or self.store is None or isinstance(item, CrawlError):
            return None
        article = item if isinstance(item, Article) else Article.from_dict(ItemAdapter(item).asdict())
        if article.status != "ok" or not self.files_of(article):
            return None
        return article

    async def download(self, request: Request) -> Response | DownloadFailure:
        """The response to ``request`` through the engine (every downloader middleware applies), or
        why the download raised (scrapers.middlewares.faults.explain_exception); never raises."""
        assert self.crawler is not None and self.crawler.engine is not None
        try:
            return await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - any fetch failure becomes a reason
            explained = explain_exception(exc, request, self.crawler.settings)
            return DownloadFailure(*(explained or ("failed", f"download failed: {str(exc) or type(exc).__name__}")))
