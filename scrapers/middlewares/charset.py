"""A Content-Type that names a charset the bytes are not in (windows-1258 labelled UTF-8) is corrected."""

from __future__ import annotations

import re

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from scrapers.extract.decode import sniff_charset

_CHARSET = re.compile(rb";?\s*charset\s*=\s*[\"']?[\w.:-]+[\"']?", re.I)


def lies_about_utf8(content_type: bytes, body: bytes) -> bool:
    """True when the header says UTF-8 and the body has bytes UTF-8 cannot hold."""
    match = re.search(rb"charset\s*=\s*[\"']?(utf-?8)", content_type, re.I)
    if not match:
        return False
    sample = body[:500_000]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(sample) - 4  # a character cut at the sample's end is not a lie
    return False


class CharsetRepairMiddleware:
    """Replace a lying UTF-8 label with the charset the bytes are in (the WARC keeps the original)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CharsetRepairMiddleware":
        """Built by Scrapy."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        """Relabel the response when its declared UTF-8 cannot be true."""
        content_type = response.headers.get("Content-Type") or b""
        if b"html" not in content_type.lower() or not lies_about_utf8(content_type, response.body):
            return response
        bare = _CHARSET.sub(b"", content_type).strip(b"; ")
        codec = sniff_charset(response.body, {}) or "windows-1258"
        if codec == "utf-8":
            codec = "windows-1258"
        headers = response.headers.copy()
        headers["Content-Type"] = bare + b"; charset=" + codec.encode("ascii")
        self.crawler.stats.inc_value("reformnews/charset_repaired")
        return response.replace(headers=headers)
