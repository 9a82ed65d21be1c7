"""AttachmentsPipeline: download an archived article's documents through Scrapy, extract, store.

Runs after ArchivePipeline. Downloads go through ``crawler.engine.download_async`` (every
downloader middleware applies: robots.txt, retries, the WARC writer), capped at
ATTACHMENTS_MAXSIZE; text extraction runs in a thread; the file is stored once per sha256.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler

from archive.attachments import AttachmentStore
from pipelines.linked_files import DownloadFailure, LinkedFilesPipeline, in_thread
from scrapers.documents import MAX_BYTES, READ_SPREADSHEETS, Document, extract_document
from scrapers.documents.requests import META_KEY, attachment_requests, response_filename
from scrapers.items import Article


def _read_again(known: dict[str, Any]) -> bool:
    """True for a stored file recorded as not parsed that the extractor now reads (a spreadsheet
    archived before XLSX/XLS parsing existed): fetched and extracted again."""
    return known["status"] == "not_parsed" and (known["type"] or "").lower() in READ_SPREADSHEETS


class AttachmentsPipeline(LinkedFilesPipeline):
    """Fetch, extract and store the attachments of each stored article (ATTACHMENTS_* settings)."""

    kind = "attachments"

    def __init__(self, crawler: Crawler | None, db_path: str, *, max_bytes: int = MAX_BYTES,
                 ocr: bool = False, enabled: bool = True) -> None:
        super().__init__(crawler, db_path, max_bytes=max_bytes, enabled=enabled)
        self.ocr = ocr
        self.store: AttachmentStore | None = None
        self.waiting: dict[str, list[tuple[str, str, str]]] = {}  # url being fetched -> links to add

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "AttachmentsPipeline":
        """ARCHIVE_DB, ATTACHMENTS_ENABLED (True), ATTACHMENTS_MAXSIZE (25 MB), ATTACHMENTS_OCR (False)."""
        settings = crawler.settings
        return cls(crawler, settings.get("ARCHIVE_DB") or "data/archive.db",
                   max_bytes=settings.getint("ATTACHMENTS_MAXSIZE", MAX_BYTES),
                   ocr=settings.getbool("ATTACHMENTS_OCR", False),
                   enabled=settings.getbool("ATTACHMENTS_ENABLED", True))

    def open_store(self, db_path: str) -> AttachmentStore:
        """The attachments store on the archive."""
        return AttachmentStore(db_path)

    def files_of(self, article: Article) -> list[Any]:
        """The article's linked documents."""
        return list(article.attachments)

    async def process_item(self, item: Any) -> Any:
        """Download and store every not yet stored document the article links to."""
        article = self.stored_article(item)
        if article is None:
            return item
        owner = self.store.resolve_article(article.url, article.canonical_url)
        for request in attachment_requests(article, max_bytes=self.max_bytes):
            await self.fetch(request, owner)
        return item

    async def fetch(self, request: Request, owner: str | None) -> None:
        """One attachment: linked when already stored (unless :func:`_read_again`), else downloaded,
        extracted and stored."""
        assert self.store is not None
        info = request.meta[META_KEY]
        url = info["url"]
        known = self.store.known(url)
        if known is not None and known["sha256"] and not _read_again(known):
            if owner:
                self.store.link(owner, known["id"], url, name=info["name"], type=info["type"])
            self._stat("linked")
            return
        if url in self.waiting:
            if owner:
                self.waiting[url].append((owner, info["name"], info["type"]))
            return
        self.waiting[url] = []
        try:
            await self._download(request, owner, info)
        finally:
            later = self.waiting.pop(url, [])
        stored = self.store.known(url)
        for article, name, kind in later:
            if stored is not None:
                self.store.link(article, stored["id"], url, name=name, type=kind)

    async def _download(self, request: Request, owner: str | None, info: dict[str, Any]) -> None:
        assert self.store is not None
        url = info["url"]
        response = await self.download(request)
        if isinstance(response, DownloadFailure):
            self._save_failure(url, info, owner, response.reason, None)
            return
        if response.status >= 400:
            self._save_failure(url, info, owner, f"the server answered HTTP {response.status}", response.status)
            return
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        disposition = (response.headers.get(b"Content-Disposition") or b"").decode("utf-8", "replace")
        filename = response_filename(response.url, disposition) or info["name"]
        document = await in_thread(extract_document, response.body, filename=filename,
                                   content_type=content_type, ocr=self.ocr, max_bytes=self.max_bytes)
        self.store.save(url, document, response.body, name=info["name"], type=info["type"],
                        content_type=content_type, article=owner, http_status=response.status,
                        warc=response.meta.get("warc"))
        self._stat(document.status)

    def _save_failure(self, url: str, info: dict[str, Any], owner: str | None, reason: str,
                      status: int | None) -> None:
        assert self.store is not None
        self.store.save(url, Document.failed(reason, type=info["type"]), None, name=info["name"],
                        type=info["type"], article=owner, http_status=status)
        self._stat("failed")
