"""Writes every fetched response (with its request) to WARC files: ``<WARC_DIR>/<run>-<n>.warc.gz``.

WARC_DIR defaults to ``warc/<db name>/`` beside the archive (``data/warc/archive/12-0.warc.gz``).

Each record is a separate gzip member, flushed at once, so a killed crawl leaves readable files.
The response record carries the archive's own fields (``Reformnews-Site``, ``-Kind``,
``-Found-On``, ``-Category``, ``-Reform``, ``-Family``) so `reformnews reextract` can rebuild
articles from the WARCs alone. ``request.meta["warc"]`` gets the record's file, offset and length;
the spider puts it on the Article (``Article.warc``) and the store writes it with the article's row.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Request meta keys copied onto the response record as archive fields.
META_FIELDS = {"site": "Reformnews-Site", "kind": "Reformnews-Kind", "found_on": "Reformnews-Found-On",
               "category": "Reformnews-Category", "family": "Reformnews-Family"}


def warc_dir_for(db_path: str | Path) -> Path:
    """The default WARC directory of an archive: ``warc/<db file stem>/`` beside the database file."""
    path = Path(db_path).resolve()
    return path.parent / "warc" / path.stem


def _header_list(headers: Any) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values]


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


class WarcWriterMiddleware:
    """Record request and response pairs, rotating files per run and by WARC_MAX_BYTES."""

    def __init__(self, crawler: Crawler, directory: Path, prefix: str, max_bytes: int) -> None:
        self.crawler = crawler
        self.directory = directory
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.number = 0
        self.handle: IO[bytes] | None = None
        self.writer: WARCWriter | None = None
        self.name = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "WarcWriterMiddleware":
        """WARC_ENABLED, WARC_DIR (default: warc/ beside ARCHIVE_DB), WARC_MAX_BYTES; file prefix is the run id."""
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED", True):
            raise NotConfigured
        directory = Path(settings.get("WARC_DIR") or warc_dir_for(settings.get("ARCHIVE_DB") or "data/archive.db"))
        prefix = str(settings.get("ARCHIVE_RUN_ID") or "run")
        middleware = cls(crawler, directory, prefix, settings.getint("WARC_MAX_BYTES", 1024 ** 3))
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def _open(self) -> WARCWriter:
        if self.writer is not None and self.handle is not None and self.handle.tell() < self.max_bytes:
            return self.writer
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self.name = f"{self.prefix}-{self.number}.warc.gz"
            self.number += 1
            if not (self.directory / self.name).exists():
                break
        self.handle = (self.directory / self.name).open("ab")
        self.writer = WARCWriter(self.handle, gzip=True)
        info = self.writer.create_warcinfo_record(self.name, {"software": "reformnews (warcio)",
                                                              "format": "WARC File Format 1.0"})
        self.writer.write_record(info)
        return self.writer

    def process_response(self, request: Request, response: Response) -> Response:
        """Write the request and response records; note where the response record is."""
        writer = self._open()
        assert self.handle is not None
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = StatusAndHeaders(f"{request.method} {target} HTTP/1.1",
                                           [("Host", parts.netloc), *_header_list(request.headers)],
                                           is_http_request=True)
        request_record = writer.create_warc_record(request.url, "request", payload=BytesIO(request.body or b""),
                                                   http_headers=request_headers)
        fields = {"WARC-Concurrent-To": request_record.rec_headers.get_header("WARC-Record-ID")}
        for key, name in META_FIELDS.items():
            value = request.meta.get(key)
            if value:
                fields[name] = str(value)
        fields["Reformnews-Reform"] = "1" if request.meta.get("reform") else "0"
        response_headers = StatusAndHeaders(f"{response.status} {_reason(response.status)}",
                                            _header_list(response.headers), protocol="HTTP/1.1")
        response_record = writer.create_warc_record(response.url, "response", payload=BytesIO(response.body),
                                                    http_headers=response_headers, warc_headers_dict=fields)
        writer.write_record(request_record)
        offset = self.handle.tell()
        writer.write_record(response_record)
        self.handle.flush()
        request.meta["warc"] = {"file": self.name, "offset": offset, "length": self.handle.tell() - offset}
        self.crawler.stats.inc_value("reformnews/warc_records")
        return response

    def close(self, *args: Any, **kwargs: Any) -> None:
        """Close the current WARC file."""
        if self.handle is not None:
            self.handle.close()
        self.handle = None
        self.writer = None
