"""Counts requests, responses and bytes per registry site into the crawl stats."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

PREFIX = "reformnews/site"


def site_of(crawler: Crawler, request: Request) -> str:
    """The site slug a request belongs to (its meta, else the spider's host map)."""
    slug = request.meta.get("site")
    if slug:
        return str(slug)
    lookup = getattr(crawler.spider, "site_of", None)
    return lookup(request.url) if callable(lookup) else ""


class SiteStatsMiddleware:
    """Per site: ``reformnews/site/<slug>/requests``, ``.../responses``, ``.../bytes``, ``.../ok``, ``.../not_modified``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "SiteStatsMiddleware":
        """Built by Scrapy."""
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        """Count a request on the wire."""
        slug = site_of(self.crawler, request)
        if slug:
            self.crawler.stats.inc_value(f"{PREFIX}/{slug}/requests")
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        """Count a response, its bytes, and whether the server answered usefully (2xx, 3xx)."""
        slug = site_of(self.crawler, request)
        if slug:
            stats = self.crawler.stats
            stats.inc_value(f"{PREFIX}/{slug}/responses")
            stats.inc_value(f"{PREFIX}/{slug}/bytes", len(response.body))
            if response.status < 400 and not request.url.endswith("/robots.txt"):
                stats.inc_value(f"{PREFIX}/{slug}/ok")
            if response.status == 304 and request.meta.get("kind") in ("listing", "feed", "sitemap"):
                stats.inc_value(f"{PREFIX}/{slug}/not_modified")
        return response
