"""What every archive spider shares: handing article pages to the extractor and reporting failures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from w3lib.url import safe_url_string

from archive.store import Archive
from scrapers.extract import extract_article, looks_like_article
from scrapers.http import conditional, header, response_headers
from scrapers.items import Article, CrawlError
from spiders.traps import TrapLog

_SKIPPED_SCHEMES = ("mailto:", "javascript:", "tel:", "data:", "#")


def page_links(response: Response) -> list[str]:
    """Absolute, fragment-free URLs of every link on an HTML page, in page order, once each."""
    if not isinstance(response, TextResponse):
        return []
    seen: dict[str, None] = {}
    for href in response.css("a::attr(href)").getall():
        href = href.strip()
        if not href or href.lower().startswith(_SKIPPED_SCHEMES):
            continue
        try:
            url = urldefrag(response.urljoin(href))[0]
            safe_url_string(url)  # what scrapy.Request does: raises for "http://[::1", ":99999"
        except ValueError:
            continue  # a malformed link costs only itself, not the rest of the page
        if urlsplit(url).scheme in ("http", "https"):
            seen.setdefault(url, None)
    return list(seen)


def feed_links(response: Response) -> list[str]:
    """Item links of an RSS 2.0 or Atom feed."""
    response = response.replace(cls=scrapy.http.XmlResponse) if not isinstance(response, TextResponse) else response
    response.selector.remove_namespaces()
    links = response.xpath("//item/link/text() | //entry/link/@href").getall()
    return [urldefrag(response.urljoin(link.strip()))[0] for link in links if link.strip()]


def sitemap_links(response: Response) -> tuple[list[str], list[str]]:
    """(page URLs, nested sitemap URLs) of a sitemap.xml or sitemap index."""
    try:
        sitemap = Sitemap(response.body)
    except Exception:  # lxml refuses some broken sitemaps; treat them as empty
        return [], []
    locs = [entry["loc"].strip() for entry in sitemap if entry.get("loc")]
    if sitemap.type == "sitemapindex":
        return [], locs
    return locs, []


def describe_failure(failure: Any) -> tuple[str, str, int | None]:
    """(kind, reason a person understands, HTTP status) for a failed request."""
    if failure.check(HttpError):
        status = failure.value.response.status
        return "http", f"the server answered HTTP {status}", status
    if failure.check(DNSLookupError):
        return "dns", "the host name does not resolve (site gone or renamed?)", None
    if failure.check(TimeoutError, TCPTimedOutError):
        return "timeout", "the server did not answer in time", None
    return "fetch", f"{failure.type.__name__}: {failure.getErrorMessage()}", None


def article_from_page(body: bytes, url: str, headers: dict[str, str], *, site: str, family: str | None,
                      found_on: str, category: str = "", reform: bool = False,
                      http_status: int | None = 200) -> Article:
    """The Article of a fetched page, with where and how it was found (the crawl and `reextract` share this)."""
    article = extract_article(body, url, family=family, site=site, headers=headers)
    article.site = site
    article.found_on = found_on
    article.http_status = http_status
    article.reform = reform
    if category and not article.category:
        article.category = category
    return article


class ArchiveSpider(scrapy.Spider):
    """Base spider: subclasses decide what to follow; this class turns pages into items."""

    state: Archive | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.traps = TrapLog()  # the traps this crawl stopped following, reported once each

    def trap_report(self, error: CrawlError | None) -> Iterator[CrawlError]:
        """Yield a trap's CrawlError (None: the trap was already reported) and log it."""
        if error is not None:
            self.crawler.stats.inc_value("reformnews/traps")
            self.logger.info("%s: %s", error.url, error.reason)
            yield error

    def open_state(self) -> Archive | None:
        """The archive holding the crawl state (ARCHIVE_DB), or None when the crawl has no archive."""
        db = self.settings.get("ARCHIVE_DB")
        if db and self.state is None:
            self.state = Archive(db)
        return self.state

    def closed(self, reason: str) -> None:
        """Close the crawl-state connection."""
        if self.state is not None:
            self.state.close()
            self.state = None

    def article_request(self, url: str, *, site: str, family: str | None, found_on: str,
                        category: str = "", reform: bool = False, priority: int = 0,
                        revisit: bool = False) -> scrapy.Request:
        """A request for an article page, carrying where it was found."""
        request = scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            priority=priority,
            cb_kwargs={"site": site, "family": family, "found_on": found_on,
                       "category": category, "reform": reform},
            meta={"site": site, "kind": "article", "family": family or "", "found_on": found_on,
                  "category": category, "reform": reform, "frontier_url": url},
        )
        if revisit and self.state is not None:
            conditional(request, *self.state.validators(url))
        return request

    def parse_article(self, response: Response, site: str, family: str | None, found_on: str,
                      category: str = "", reform: bool = False) -> Iterator[Any]:
        """Yield the page's Article, unless the page turns out not to be an article at all."""
        if response.status == 304:  # a revisit of an unchanged article
            self.crawler.stats.inc_value("archive/not_modified")
            if self.state is not None:
                self.state.touch_article(response.url)
            return
        if not looks_like_article(response.body, response.url):
            # An introduction or contact page with an article-shaped URL (Drupal's /node/<id>).
            self.crawler.stats.inc_value("archive/not_an_article")
            if self.state is not None:
                self.state.mark_not_article(response.url, site)
                self.state.frontier_done([response.meta.get("frontier_url", ""), response.url])
            return
        if self.state is not None:
            etag, last_modified = header(response, "ETag"), header(response, "Last-Modified")
            if etag or last_modified:
                self.state.save_fetch(response.url, site=site, kind="article", etag=etag,
                                      last_modified=last_modified, http_status=response.status)
        yield self.build_article(response, site=site, family=family, found_on=found_on,
                                 category=category, reform=reform)

    def build_article(self, response: Response, *, site: str, family: str | None, found_on: str,
                      category: str = "", reform: bool = False) -> Article:
        """Hand the page to the extractor and add where and how it was found, and its WARC record."""
        article = article_from_page(response.body, response.url, response_headers(response), site=site,
                                    family=family, found_on=found_on, category=category, reform=reform,
                                    http_status=response.status)
        article.warc = response.meta.get("warc")  # set by the WARC writer before the spider sees the page
        return article

    def on_error(self, failure: Any) -> Iterator[CrawlError]:
        """Record a request that failed, with its reason."""
        request = failure.request
        kind, reason, status = describe_failure(failure)
        site = request.meta.get("site") or (request.cb_kwargs.get("site", "") if request.cb_kwargs else "")
        self.logger.info("failed %s: %s", request.url, reason)
        yield CrawlError(url=request.url, reason=reason, site=site, http_status=status, kind=kind)
