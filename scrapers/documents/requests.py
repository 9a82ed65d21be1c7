"""Scrapy side of the room: which attachments of an article to download, as Requests."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy import Request

from scrapers.documents import DOCUMENT_TYPES, MAX_BYTES
from scrapers.documents.sniff import extension
from scrapers.items import Article, Attachment

# Request.meta key carrying what the article said about the file.
META_KEY = "reformnews_attachment"


def wanted(attachment: Attachment) -> bool:
    """Whether an attachment is a document the archive downloads (PDF, DOC, DOCX, XLS, XLSX, ODS)."""
    if urlsplit(attachment.url).scheme not in ("http", "https"):
        return False
    kind = (attachment.type or extension(attachment.url)).lower().lstrip(".")
    return kind in DOCUMENT_TYPES


def candidates(article: Article) -> list[Attachment]:
    """The article's downloadable attachments, each URL once, in page order."""
    seen: dict[str, Attachment] = {}
    for attachment in article.attachments:
        if isinstance(attachment, dict):
            attachment = Attachment(**attachment)
        if wanted(attachment):
            seen.setdefault(attachment.url, attachment)
    return list(seen.values())


def attachment_request(attachment: Attachment, article: Article, *, max_bytes: int = MAX_BYTES,
                       **kwargs: Any) -> Request:
    """A Request for one attachment: size-capped, tagged for the WARC writer, low priority."""
    meta = {
        "download_maxsize": max_bytes,
        "download_warnsize": max_bytes,
        "kind": "attachment",
        "site": article.site,
        "found_on": article.url,
        "reform": article.reform,
        META_KEY: {"url": attachment.url, "name": attachment.name, "type": attachment.type,
                   "article_url": article.url, "article_canonical_url": article.canonical_url},
    }
    return Request(attachment.url, meta=meta, priority=-10, **kwargs)


def attachment_requests(article: Article, *, max_bytes: int = MAX_BYTES, **kwargs: Any) -> list[Request]:
    """Requests for every downloadable attachment of an article (callback/errback via kwargs)."""
    return [attachment_request(a, article, max_bytes=max_bytes, **kwargs) for a in candidates(article)]


def response_filename(url: str, content_disposition: str = "") -> str:
    """The file name a response gives (Content-Disposition), else the last part of the URL path."""
    match = re.search(r"filename\*\s*=\s*[^']*'[^']*'([^;]+)", content_disposition, re.I) or \
        re.search(r'filename\s*=\s*"?([^";]+)"?', content_disposition, re.I)
    if match:
        return unquote(match.group(1).strip())
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])
