"""The registry spider: walks each site's category listings, feeds and sitemaps to its articles.

    scrapy crawl site                          # every active site of the registry
    scrapy crawl site -a site=binhdinh_skhcn   # one site (comma-separate several)
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from scrapers.registry import RegistryError, Site, load_registry
from spiders.base import ArchiveSpider, feed_links, page_links, sitemap_links

# Query parameters and path tails that only turn the page of a listing.
_PAGE_PARAM = re.compile(r"(?i)^(page|trang|p|cur|start|limitstart|pageindex|pagesize|limit|delta)$")
_PAGE_TAIL = re.compile(r"/page-\d+/?$")

REFORM_PRIORITY = 20  # reform categories are walked first, so an article in two categories
LISTING_PRIORITY = 10  # is recorded under the reform one


def listing_key(url: str) -> str:
    """The URL of a listing with its page number removed: pages of one listing share a key."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _PAGE_PARAM.match(k)]
    # Liferay portlet state (p_p_*) and portlet-namespaced parameters (_<portlet>_cur, _delta...)
    query = [(k, v) for k, v in query if not k.startswith(("p_p_", "_"))]
    path = _PAGE_TAIL.sub("/", parts.path).rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, urlencode(sorted(query)), ""))


class SiteSpider(ArchiveSpider):
    """Crawl registry sites by their listings (reform categories first), feeds and sitemaps."""

    name = "site"

    def __init__(self, site: str | None = None, registry: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.site_arg = site
        self.registry_path = registry

    def selected_sites(self) -> list[Site]:
        """The sites named by ``-a site=`` (comma-separated), else every active site."""
        registry = load_registry(self.registry_path or self.settings.get("SITE_REGISTRY") or None)
        if not self.site_arg:
            return [s for s in registry.values() if s.active]
        slugs = [s.strip() for s in self.site_arg.split(",") if s.strip()]
        unknown = [s for s in slugs if s not in registry]
        if unknown:
            raise RegistryError(f"unknown site(s): {', '.join(unknown)}")
        return [registry[s] for s in slugs]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Listings first, reform categories ahead of the others; then feeds and sitemaps."""
        self.sites = {site.slug: site for site in self.selected_sites()}
        self.allowed_domains = sorted({h for site in self.sites.values() for h in site.hosts})
        for site in self.sites.values():
            for listing in site.listings:
                yield scrapy.Request(
                    listing.url,
                    callback=self.parse_listing,
                    errback=self.on_error,
                    priority=REFORM_PRIORITY if listing.reform else LISTING_PRIORITY,
                    cb_kwargs={"site": site.slug, "key": listing_key(listing.url),
                               "category": listing.category, "reform": listing.reform},
                )
            for feed in site.feeds:
                yield scrapy.Request(feed, callback=self.parse_feed, errback=self.on_error,
                                     cb_kwargs={"site": site.slug})
            for sitemap in site.sitemaps:
                yield scrapy.Request(sitemap, callback=self.parse_sitemap, errback=self.on_error,
                                     cb_kwargs={"site": site.slug})

    def parse_listing(self, response: Response, site: str, key: str, category: str,
                      reform: bool) -> Iterator[scrapy.Request]:
        """Queue the listing's articles and its further pages (of the same listing only)."""
        entry = self.sites[site]
        priority = REFORM_PRIORITY if reform else LISTING_PRIORITY
        for url in page_links(response):
            if entry.is_article_url(url):
                yield self.article_request(url, site=site, family=entry.family, found_on=key,
                                           category=category, reform=reform, priority=priority + 1)
            elif entry.is_listing_url(url) and listing_key(url) == key:
                yield scrapy.Request(url, callback=self.parse_listing, errback=self.on_error,
                                     priority=priority,
                                     cb_kwargs={"site": site, "key": key, "category": category,
                                                "reform": reform})

    def parse_feed(self, response: Response, site: str) -> Iterator[scrapy.Request]:
        """Queue the articles an RSS/Atom feed lists."""
        entry = self.sites[site]
        for url in feed_links(response):
            if entry.is_article_url(url):
                yield self.article_request(url, site=site, family=entry.family, found_on=response.url)

    def parse_sitemap(self, response: Response, site: str) -> Iterator[scrapy.Request]:
        """Queue the articles of a sitemap, following sitemap indexes."""
        entry = self.sites[site]
        pages, nested = sitemap_links(response)
        for url in nested:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                                 cb_kwargs={"site": site})
        for url in pages:
            if entry.is_article_url(url):
                yield self.article_request(url, site=site, family=entry.family, found_on=response.url)
