"""Pages that answer 200 but are no article: soft 404s, login walls, binary data, oversized pages.

Each becomes a :class:`scrapers.middlewares.faults.Fault` (an IgnoreRequest), so the spider's
errback records it in `crawl_errors` with its reason instead of the page vanishing unexplained.
"""

from __future__ import annotations

import html
import re

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from scrapers.extract.article import MAX_BYTES
from scrapers.extract.chrome import fold, vocabulary
from scrapers.extract.decode import decode_html
from scrapers.middlewares.faults import fail

CHECKED_KINDS = ("article", "page", "", None)  # listings, feeds and sitemaps are judged by their spiders
HEAD_BYTES = 256 * 1024
LOGIN_MAX_WORDS = 250  # a login form with little else around it (a sidebar login box on an article is fine)
SOFT404_MAX_WORDS = 400
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0", b"Rar!",
                 b"7z\xbc\xaf", b"\x1f\x8b")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_H1 = re.compile(r"<h[12][^>]*>(.*?)</h[12]>", re.I | re.S)
_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.I | re.S)
_PASSWORD = re.compile(r"<input[^>]+type\s*=\s*[\"']?password", re.I)


def is_binary(body: bytes) -> bool:
    """True for bytes that are no text: a file signature or NUL bytes (UTF-16 excepted)."""
    head = body[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if head.startswith(_BINARY_MAGIC) or head.count(b"\x00") > len(head) // 100 + 1:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(head) // 20 + 1  # text has next to none; random or compressed bytes ~12%


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())


def soft404_phrase(page: str) -> str:
    """The "page not found" wording a page's title, headings or short text shows, or ""."""
    phrases = vocabulary().soft404
    title = _text(" ".join(_TITLE.findall(page)[:1]))
    headings = _text(" ".join(_H1.findall(page)[:3]))
    if title.strip() in ("404", "404 Not Found") or headings.strip() == "404":
        return "404"
    for line in (title, headings):
        folded = fold(line)
        for phrase in phrases[:14]:  # the "not found" wordings, not "no data yet"
            if phrase in folded:
                return line
    words = _text(page).split()
    if len(words) <= SOFT404_MAX_WORDS:
        folded = fold(" ".join(words))
        found = [p for p in phrases[:14] if p in folded]
        if found:
            return found[0]
    return ""


class HostilePageMiddleware:
    """Refuse 200 answers that are not pages to archive, each with its reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "HostilePageMiddleware":
        """Built by Scrapy (below HttpCompressionMiddleware's 590: it sees the decompressed body)."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        """Raise a Fault for a soft 404, a login page, binary data or an oversized page."""
        if response.status != 200 or request.meta.get("kind") not in CHECKED_KINDS:
            return response
        ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        if ctype and "html" not in ctype and "text/plain" not in ctype:
            return response  # PDFs, images, feeds: someone else's business
        body = response.body
        if is_binary(body):
            raise fail(self.crawler, request, "binary", "binary data served as an HTML page", 200)
        if len(body) > MAX_BYTES:
            raise fail(self.crawler, request, "too_large",
                       f"page of {len(body) / 2 ** 20:.1f} MB is too large to be an article "
                       f"(limit {MAX_BYTES / 2 ** 20:g} MB)", 200)
        page = decode_html(body[:HEAD_BYTES], {"content-type": ctype})
        phrase = soft404_phrase(page)
        if phrase:
            raise fail(self.crawler, request, "soft404",
                       f"soft 404: the page says it does not exist (\"{phrase[:80]}\")", 200)
        if _PASSWORD.search(page) and len(_text(page).split()) <= LOGIN_MAX_WORDS:
            raise fail(self.crawler, request, "login", "the page asks for a login (password form)", 200)
        return response
