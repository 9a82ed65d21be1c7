"""Crawl traps: endless calendars, pagination and parameter mazes, and the one record each leaves.

A crawl keeps out of traps two ways: links of a known trap shape are never followed (``trap_kind``),
and a chain of same-shaped pages (a calendar's "next day", a listing's "next page") ends at the
depth limit. Either way the cut is reported once, not once per refused link: :class:`TrapLog`
turns the first cut of each (site, kind) into a :class:`~scrapers.items.CrawlError` of kind
``"trap"`` whose reason says what was stopped, where and after how many pages, e.g.
``calendar trap: stopped following /su-kien/2024-01-07 after 6 pages like it (depth limit 6)``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from scrapers.items import CrawlError

# Calendar pages and parameters that generate endless URLs.
CALENDAR = re.compile(r"(?i)(lich|calendar|ngay=|date=|month=|thang=|year=|nam=)\D{0,3}\d")
# A date in a path or query: /2024-01-07, /2024/01/07, 07-01-2024.
DATE = re.compile(r"(?<!\d)(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?!\d)")
# Query parameters and path tails that only turn the page of a listing (the families' navigation uses
# them too: one definition for both). PAGE_TAIL's group 1 is the page number.
PAGE_PARAM = re.compile(
    r"(?i)^(page|trang|p|cur|start|limitstart|pageindex|pagesize|limit|delta|paged|offset)$"
)
PAGE_TAIL = re.compile(r"(?i)/(?:page|trang)[-/]?(\d+)/?$")
MAX_QUERY_PARAMS = 4
MAX_PATH_SEGMENTS = 8
MAX_PAGE_NUMBER = 200
CRAWL_ERROR_KIND = "trap"
MIN_TRAP_CHAIN = 2  # same-shaped pages in a row before a depth cut counts as a trap


def short(url: str) -> str:
    """Path and query of a URL: what a person reads in a reason."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def trap_kind(url: str) -> str:
    """The trap a URL leads into ("calendar", "pagination", "path loop", "parameter maze"), or ""."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > MAX_PATH_SEGMENTS or any(segments.count(s) > 2 for s in segments):
        return "path loop"
    params = parse_qsl(parts.query, keep_blank_values=True)
    if len(params) > MAX_QUERY_PARAMS:
        return "parameter maze"
    if CALENDAR.search(parts.path + "?" + parts.query):
        return "calendar"
    for key, value in params:
        if value.isdigit() and len(value) <= 4 and int(value) > MAX_PAGE_NUMBER:
            return "pagination" if PAGE_PARAM.match(key) else "parameter maze"
    return ""


def is_trap(url: str) -> bool:
    """True for URLs that lead into endless calendars, pagination or parameter mazes."""
    return bool(trap_kind(url))


def chain_kind(url: str) -> str:
    """What an endless chain of pages shaped like ``url`` is: "calendar", "pagination" or "link"."""
    parts = urlsplit(url)
    if DATE.search(parts.path + "?" + parts.query) or CALENDAR.search(parts.path + "?" + parts.query):
        return "calendar"
    if PAGE_TAIL.search(parts.path) or any(PAGE_PARAM.match(k) for k, _ in parse_qsl(parts.query)):
        return "pagination"
    return "link"


def shape(url: str) -> str:
    """A URL with its numbers blanked: the pages of one calendar or one listing share a shape."""
    parts = urlsplit(url)
    return re.sub(r"\d+", "#", f"{parts.netloc.lower()}{parts.path}?{parts.query}")


class TrapLog:
    """Which traps a crawl has already reported: one CrawlError per (site, kind)."""

    def __init__(self) -> None:
        self.reported: set[tuple[str, str]] = set()

    def report(self, url: str, *, site: str, kind: str, reason: str) -> CrawlError | None:
        """The CrawlError for the first cut of a (site, kind) trap; None when it was already reported."""
        key = (site, kind)
        if key in self.reported:
            return None
        self.reported.add(key)
        return CrawlError(url=url, reason=f"{kind} trap: {reason}", site=site, kind=CRAWL_ERROR_KIND)

    def refused(self, url: str, *, site: str, kind: str) -> CrawlError | None:
        """A link of a trap shape that is never followed."""
        return self.report(url, site=site, kind=kind,
                           reason=f"links like {short(url)} are not followed (they never end)")

    def depth_cut(self, url: str, *, site: str, pages: int, depth_limit: int) -> CrawlError | None:
        """A chain of same-shaped pages stopped at the depth limit."""
        plural = "page" if pages == 1 else "pages"
        return self.report(url, site=site, kind=chain_kind(url),
                           reason=f"stopped following {short(url)} after {pages} {plural} like it "
                                  f"(depth limit {depth_limit})")

    def listing_cut(self, url: str, *, site: str, pages: int, setting: str) -> CrawlError | None:
        """A listing walk stopped at its page limit."""
        return self.report(url, site=site, kind="pagination",
                           reason=f"stopped following {short(url)} after {pages} pages of the listing ({setting})")
