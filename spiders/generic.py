"""The generic spider: any site by URL, discovering its articles without a registry entry.

    scrapy crawl generic -a url=https://khcnhungyen.gov.vn/

It stays on the start URL's host, reads feeds and sitemaps it finds, follows listings and
pagination, keeps out of calendar and pagination traps, and lets the extractor decide which
pages are articles (introductions, contacts, procedure lists, search and login pages are not).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from scrapers.extract import looks_like_article
from spiders.base import ArchiveSpider, feed_links, page_links, sitemap_links
from spiders.traps import MIN_TRAP_CHAIN, is_trap, shape, trap_kind

# Paths that are never articles nor lead to them (files, accounts, search, print views).
_NEVER = re.compile(
    r"(?i)(\.(pdf|docx?|xlsx?|pptx?|zip|rar|jpe?g|png|gif|mp[34]|avi)$)"
    r"|/(dang-nhap|login|dangnhap|tim-kiem|search|timkiem|savefile|print|in-bai)(/|$|\?)"
    r"|[?&](print|tmpl=component|lang=en)"
)


class GenericSpider(ArchiveSpider):
    """Crawl one site from a start URL, classifying every page it reaches."""

    name = "generic"
    custom_settings = {"DEPTH_LIMIT": 6}

    def __init__(self, url: str | None = None, site: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not url:
            raise ValueError("the generic spider needs a start URL: scrapy crawl generic -a url=https://...")
        self.start_url = url
        host = urlsplit(url).hostname or ""
        self.site_slug = site or host.removeprefix("www.").removesuffix(".gov.vn").replace(".", "_").replace("-", "_")
        self.allowed_domains = [host]
        self.requested: set[str] = set()  # page URLs asked for: a depth cut of one of them is no trap

    def site_slugs(self) -> list[str]:
        """The one site this crawl covers."""
        return [self.site_slug]

    def site_of(self, url: str) -> str:
        """The crawled site's slug for its own hosts."""
        return self.site_slug if urlsplit(url).hostname in self.allowed_domains else ""

    def page_request(self, url: str, found_on: str, priority: int = 0, same_shape: int = 1) -> scrapy.Request:
        """A request for a page of unknown kind (the extractor decides whether it is an article).

        ``same_shape`` counts the pages shaped like this one in a row on the way to it (see spiders.traps).
        """
        self.requested.add(url)
        return scrapy.Request(url, callback=self.parse_page, errback=self.on_error, priority=priority,
                              cb_kwargs={"found_on": found_on},
                              meta={"site": self.site_slug, "kind": "page", "found_on": found_on,
                                    "same_shape": same_shape})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The start page, the site's sitemap and the feeds it announces; archived articles are skipped."""
        parts = urlsplit(self.start_url)
        root = f"{parts.scheme}://{parts.netloc}"
        state = self.open_state()
        # Archived articles are not fetched again; hubs and listings are, since they lead to new articles.
        self.known: set[str] = state.archived_urls(self.site_slug) if state is not None else set()
        request = self.page_request(self.start_url, self.start_url)
        request.dont_filter = True
        yield request
        yield scrapy.Request(f"{root}/sitemap.xml", callback=self.parse_sitemap,
                             errback=self.ignore_missing, priority=-1, meta={"site": self.site_slug, "kind": "sitemap"})

    def ignore_missing(self, failure: Any) -> None:
        """A guessed feed or sitemap location that does not exist is not an error."""
        return None

    def parse_page(self, response: Response, found_on: str) -> Iterator[Any]:
        """Archive the page if it is an article; follow its links either way."""
        if not isinstance(response, TextResponse):
            return
        if looks_like_article(response.body, response.url):
            yield self.build_article(response, site=self.site_slug, family=None, found_on=found_on)
        for href in response.xpath(
            "//link[@rel='alternate'][contains(@type,'rss') or contains(@type,'atom')]/@href"
        ).getall():
            yield scrapy.Request(response.urljoin(href), callback=self.parse_feed, errback=self.ignore_missing,
                                 meta={"site": self.site_slug, "kind": "feed"})
        yield from self.follow(response)

    def follow(self, response: Response) -> Iterator[Any]:
        """Requests for the page's wanted links; a trap's first refused or depth-cut link is reported once."""
        here, run = shape(response.url), int(response.meta.get("same_shape", 1))
        limit = self.settings.getint("DEPTH_LIMIT", 0)
        at_limit = bool(limit) and int(response.meta.get("depth", 0)) >= limit
        for url in page_links(response):
            kind = trap_kind(url) if self.on_site(url) and not _NEVER.search(url) else ""
            if kind:
                yield from self.trap_report(self.traps.refused(url, site=self.site_slug, kind=kind))
                continue
            if not self.wanted(url):
                continue
            same = shape(url) == here
            # DepthMiddleware will drop it; a chain of same-shaped pages (not one page's sibling) is a trap
            if at_limit and same and run >= MIN_TRAP_CHAIN and url not in self.requested:
                yield from self.trap_report(self.traps.depth_cut(url, site=self.site_slug, pages=run,
                                                                 depth_limit=limit))
            yield self.page_request(url, response.url, same_shape=run + 1 if same else 1)

    def on_site(self, url: str) -> bool:
        """Whether ``url`` is on the crawled host."""
        return urlsplit(url).hostname in self.allowed_domains

    def wanted(self, url: str) -> bool:
        """Same host, not a file, account or search page, not a trap."""
        return (self.on_site(url) and url not in getattr(self, "known", ())
                and not _NEVER.search(url) and not is_trap(url))

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """Every item of a feed is a candidate article."""
        for url in feed_links(response):
            if self.wanted(url):
                yield self.page_request(url, response.url, priority=1)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """Every page of a sitemap is a candidate article."""
        pages, nested = sitemap_links(response)
        for url in nested:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.ignore_missing,
                                 meta={"site": self.site_slug, "kind": "sitemap"})
        for url in pages:
            if self.wanted(url):
                yield self.page_request(url, response.url, priority=1)
