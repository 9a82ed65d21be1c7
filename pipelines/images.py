"""ImagesPipeline: keep a copy of each stored article's images, verified with Pillow, once per sha256.

Runs after AttachmentsPipeline. Downloads go through ``crawler.engine.download_async`` (every
downloader middleware applies: robots.txt, retries, the WARC writer), capped at IMAGES_MAXSIZE.
The bytes are kept only when Pillow reads them as an image (format, width, height) and decodes
them whole; anything else (HTTP error, an HTML page, broken or truncated data, too many pixels)
is recorded with a reason, never raised. An image URL already kept is linked, not fetched again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler

from archive.images import ImageStore
from pipelines.linked_files import DownloadFailure, LinkedFilesPipeline, in_thread
from scrapers.items import Article

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a larger picture is refused before it is decoded (decompression bombs)
# Formats a browser shows; SVG is never kept (Pillow does not read it, and it can carry scripts).
BROWSER_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp",
                   "BMP": "image/bmp", "ICO": "image/x-icon"}
META_KEY = "reformnews_image"


@dataclass(frozen=True)
class ImageCheck:
    """What Pillow made of some bytes: a keepable image (mime, width, height), or why not."""

    ok: bool
    status: str = "ok"
    reason: str | None = None
    mime: str | None = None
    width: int | None = None
    height: int | None = None


def _looks_like_html(data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml")) or b"<html" in head


def check_image(data: bytes, content_type: str = "") -> ImageCheck:
    """Verify that ``data`` is a whole image a browser can show; never raises."""
    from PIL import Image, UnidentifiedImageError

    declared = content_type.split(";", 1)[0].strip().lower()
    if not data:
        return ImageCheck(False, "not_image", "empty response: no image data")
    if declared in ("text/html", "application/xhtml+xml") or _looks_like_html(data):
        return ImageCheck(False, "not_image", f"the server sent an HTML page ({declared or 'no Content-Type'}), not an image")
    fmt = ""
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt, (width, height) = image.format or "", image.size
            if fmt not in BROWSER_FORMATS:
                return ImageCheck(False, "not_image", f"{fmt or 'unknown'} image: not a format browsers show")
            if width * height > MAX_PIXELS:
                return ImageCheck(False, "too_large", f"image of {width}×{height} pixels: too large to keep")
            image.load()  # decode it all: a truncated or corrupt file fails here
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # checksums (PNG CRCs) and structure
    except UnidentifiedImageError:
        return ImageCheck(False, "not_image", f"not an image Pillow can read (served as {declared or 'no Content-Type'})")
    except Image.DecompressionBombError as exc:
        return ImageCheck(False, "too_large", f"too many pixels ({exc})")
    except Exception as exc:  # noqa: BLE001 - any decoder failure is a reason, never a crash
        return ImageCheck(False, "broken", f"broken {fmt + ' ' if fmt else ''}image data: {exc}")
    return ImageCheck(True, mime=BROWSER_FORMATS[fmt], width=width, height=height)


def image_request(url: str, article: Article, *, max_bytes: int = MAX_BYTES) -> Request:
    """A Request for one article image: size-capped, tagged for the WARC writer, low priority."""
    meta = {"download_maxsize": max_bytes, "download_warnsize": max_bytes, "kind": "image",
            "site": article.site, "found_on": article.url, "reform": article.reform,
            META_KEY: {"url": url, "article_url": article.url}}
    headers = {"Accept": "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8", "Referer": article.url}
    return Request(url, meta=meta, headers=headers, priority=-10)


@dataclass
class Outcome:
    """What fetching one image URL gave: the kept file's sha256, or a status and reason."""

    sha256: str | None
    status: str
    reason: str | None = None
    http_status: int | None = None


class ImagesPipeline(LinkedFilesPipeline):
    """Fetch, verify and keep the images of each stored article (IMAGES_* settings)."""

    kind = "images"

    def __init__(self, crawler: Crawler | None, db_path: str, *, max_bytes: int = MAX_BYTES,
                 enabled: bool = True) -> None:
        super().__init__(crawler, db_path, max_bytes=max_bytes, enabled=enabled)
        self.store: ImageStore | None = None
        self.waiting: dict[str, list[tuple[str, int]]] = {}  # url being fetched -> (article, position) to link
        self.failed: dict[str, Outcome] = {}  # this run's failures: a broken URL is fetched once per run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ImagesPipeline":
        """ARCHIVE_DB, IMAGES_ENABLED (True), IMAGES_MAXSIZE (5 MB)."""
        settings = crawler.settings
        return cls(crawler, settings.get("ARCHIVE_DB") or "data/archive.db",
                   max_bytes=settings.getint("IMAGES_MAXSIZE", MAX_BYTES),
                   enabled=settings.getbool("IMAGES_ENABLED", True))

    def open_store(self, db_path: str) -> ImageStore:
        """The image store on the archive."""
        return ImageStore(db_path)

    def files_of(self, article: Article) -> list[Any]:
        """The article's images."""
        return list(article.images)

    async def process_item(self, item: Any) -> Any:
        """Keep every image of a stored article that is not kept yet; record why when one cannot be."""
        article = self.stored_article(item)
        if article is None:
            return item
        owner = self.store.resolve_article(article.url, article.canonical_url)
        if owner is None:
            return item
        for position, image in enumerate(article.images):
            src = image.get("src", "") if isinstance(image, dict) else image.src
            await self.fetch(src or "", article, owner, position)
        self.store.trim(owner, len(article.images))
        return item

    async def fetch(self, url: str, article: Article, owner: str, position: int) -> None:
        """One image: linked when already kept, else downloaded, verified and kept (or its failure recorded)."""
        assert self.store is not None
        if urlsplit(url).scheme not in ("http", "https"):
            self._record(owner, position, url, Outcome(None, "skipped", "not an http(s) URL"))
            return
        recorded = self.store.recorded(owner, position)
        if recorded is not None and recorded["url"] == url and recorded["sha256"]:
            return
        kept = self.store.kept_for_url(url)
        if kept is not None:
            self._record(owner, position, url, Outcome(kept, "ok"))
            self._stat("linked")
            return
        if url in self.failed:
            self._record(owner, position, url, self.failed[url])
            return
        if url in self.waiting:
            self.waiting[url].append((owner, position))
            return
        self.waiting[url] = []
        try:
            outcome = await self._download(image_request(url, article, max_bytes=self.max_bytes))
        finally:
            later = self.waiting.pop(url, [])
        if outcome.sha256 is None:
            self.failed[url] = outcome
        self._stat(outcome.status)
        for article_id, at in [(owner, position), *later]:
            self._record(article_id, at, url, outcome)

    def _record(self, owner: str, position: int, url: str, outcome: Outcome) -> None:
        assert self.store is not None
        self.store.link(owner, position, url, sha256=outcome.sha256, status=outcome.status,
                        reason=outcome.reason, http_status=outcome.http_status)

    async def _download(self, request: Request) -> Outcome:
        assert self.store is not None
        response = await self.download(request)
        if isinstance(response, DownloadFailure):
            return Outcome(None, "too_large" if response.kind == "too_large" else "failed", response.reason)
        if response.status >= 400:
            return Outcome(None, "http_error", f"the server answered HTTP {response.status}", response.status)
        body = response.body
        if len(body) > self.max_bytes:
            return Outcome(None, "too_large", f"{len(body)} bytes: over the {self.max_bytes / 1048576:g} MB image limit",
                           response.status)
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        check: ImageCheck = await in_thread(check_image, body, content_type)
        if not check.ok:
            return Outcome(None, check.status, check.reason, response.status)
        digest = self.store.keep(body, mime=check.mime or "application/octet-stream", width=check.width,
                                 height=check.height, url=request.url)
        return Outcome(digest, "ok", None, response.status)
