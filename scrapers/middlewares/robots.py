"""robots.txt kept in the archive across runs: Scrapy's RobotsTxtMiddleware, asking each site once a day.

Scrapy's middleware fetches every host's robots.txt on every run. This subclass keeps each answer in
the archive (``robots_cache``, written through :class:`archive.store.Archive`) and, within
``ROBOTSTXT_CACHE_HOURS`` (default 24) of its last check, obeys the kept rules without a request.
After that it asks again, conditionally (If-None-Match / If-Modified-Since): a 304 keeps the rules
and counts as a check. What is kept: a 200's rules, and a 4xx (no robots.txt: nothing disallowed).
A 5xx or a failed download is never kept: the run obeys the last kept rules if there are any
(else Scrapy's own behaviour for the run), and the next run asks again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from archive.clock import now_iso
from archive.store import Archive
from scrapers.http import conditional, header

logger = logging.getLogger(__name__)


def robots_url(request: Request) -> str:
    """The robots.txt URL that governs ``request``."""
    parts = urlparse_cached(request)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


class CachedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware whose robots.txt answers live in the archive for ROBOTSTXT_CACHE_HOURS."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.cache_hours = crawler.settings.getfloat("ROBOTSTXT_CACHE_HOURS", 24.0)
        self.db_path: str = crawler.settings.get("ARCHIVE_DB") or ""
        self.archive: Archive | None = None
        crawler.signals.connect(self.close_archive, signal=signals.spider_closed)

    def state(self) -> Archive | None:
        """The archive holding the kept robots.txt files (None for a crawl without one)."""
        if self.archive is None and self.db_path:
            self.archive = Archive(self.db_path)
        return self.archive

    def close_archive(self, **kwargs: Any) -> None:
        """Close the archive connection at the end of the crawl."""
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def is_fresh(self, kept: dict[str, Any]) -> bool:
        """Whether a kept robots.txt was checked less than ROBOTSTXT_CACHE_HOURS ago."""
        checked = datetime.fromisoformat(kept["checked_at"])
        return datetime.fromisoformat(now_iso()) - checked < timedelta(hours=self.cache_hours)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        """The rules for ``request``'s host: kept and fresh, else fetched (conditionally when kept) once per run."""
        netloc = urlparse_cached(request).netloc
        state = self.state()
        if netloc in self._parsers or state is None:
            return await super().robot_parser(request)
        url = robots_url(request)
        kept = state.robots_cached(url)
        if kept is not None and self.is_fresh(kept):
            self._stats.inc_value("robotstxt/cache_hit")
            parser = build_from_crawler(self._parserimpl, self.crawler, kept["body"])
            self._parsers[netloc] = parser
            await self.crawler.signals.send_catch_log_async(signal=signals.robots_parsed, robotparser=parser,
                                                            request=request)
            return parser
        self._parsers[netloc] = Deferred()
        robots_request = Request(url, priority=self.DOWNLOAD_PRIORITY, meta={"dont_obey_robotstxt": True},
                                 callback=NO_CALLBACK)
        if kept is not None:
            conditional(robots_request, kept["etag"], kept["last_modified"])
        try:
            response = await self.crawler.engine.download_async(robots_request)
            await self._parse_robots(self.settle(state, url, response, kept), netloc, request)
        except Exception as error:  # noqa: BLE001 - what Scrapy's middleware does, with the kept rules first
            if not isinstance(self._parsers.get(netloc), Deferred):
                pass  # the rules were settled before the error
            elif kept is not None:
                self._stats.inc_value("robotstxt/cache_stale_used")
                await self._parse_robots(Response(url, status=200, body=kept["body"]), netloc, request)
            else:
                if not isinstance(error, IgnoreRequest):
                    logger.error("Error downloading %(request)s: %(error)s", {"request": request, "error": error},
                                 extra={"spider": self.crawler.spider})
                self._robots_error(error, netloc)
        self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        return parser if not isinstance(parser, Deferred) else None

    def settle(self, state: Archive, url: str, response: Response, kept: dict[str, Any] | None) -> Response:
        """Keep (or refresh) the answer in the archive; the response whose body holds the rules to obey."""
        status = response.status
        if status == 304 and kept is not None:
            state.touch_robots(url)
            self._stats.inc_value("robotstxt/cache_revalidated")
            return response.replace(status=200, body=kept["body"])
        if status >= 500 or status == 429:  # the server is in trouble: never kept as "allow all"
            if kept is not None:
                self._stats.inc_value("robotstxt/cache_stale_used")
                return response.replace(status=200, body=kept["body"])
            return response
        body = response.body if status == 200 else b""  # a 4xx: no robots.txt, nothing disallowed
        state.save_robots(url, http_status=status, body=body,
                          etag=header(response, "ETag"), last_modified=header(response, "Last-Modified"))
        return response if status == 200 else response.replace(body=b"")
