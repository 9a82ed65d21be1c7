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

from scrapers.extract import extract_article, looks_like_article
from scrapers.items import Article, CrawlError

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
        url = urldefrag(response.urljoin(href))[0]
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


class ArchiveSpider(scrapy.Spider):
    """Base spider: subclasses decide what to follow; this class turns pages into items."""

    def article_request(self, url: str, *, site: str, family: str | None, found_on: str,
                        category: str = "", reform: bool = False, priority: int = 0) -> scrapy.Request:
        """A request for an article page, carrying where it was found."""
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            priority=priority,
            cb_kwargs={"site": site, "family": family, "found_on": found_on,
                       "category": category, "reform": reform},
        )

    def parse_article(self, response: Response, site: str, family: str | None, found_on: str,
                      category: str = "", reform: bool = False) -> Iterator[Any]:
        """Yield the page's Article, unless the page turns out not to be an article at all."""
        if not looks_like_article(response.body, response.url):
            # An introduction or contact page with an article-shaped URL (Drupal's /node/<id>).
            self.crawler.stats.inc_value("archive/not_an_article")
            return
        yield self.build_article(response, site=site, family=family, found_on=found_on,
                                 category=category, reform=reform)

    def build_article(self, response: Response, *, site: str, family: str | None, found_on: str,
                      category: str = "", reform: bool = False) -> Article:
        """Hand the page to the extractor and add where and how it was found."""
        headers = {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        article = extract_article(response.body, response.url, family=family, site=site, headers=headers)
        article.site = site
        article.found_on = found_on
        article.http_status = response.status
        article.reform = reform
        if category and not article.category:
            article.category = category
        return article

    def on_error(self, failure: Any) -> Iterator[CrawlError]:
        """Record a request that failed, with its reason."""
        request = failure.request
        kind, reason, status = describe_failure(failure)
        site = request.cb_kwargs.get("site", "") if request.cb_kwargs else ""
        self.logger.info("failed %s: %s", request.url, reason)
        yield CrawlError(url=request.url, reason=reason, site=site, http_status=status, kind=kind)
