"""The registry spider: walks each site's category listings, feeds and sitemaps to its new articles.

    scrapy crawl site                          # every active site of the registry
    scrapy crawl site -a site=binhdinh_skhcn   # one site (comma-separate several)

Navigation comes from the site's CMS family (``spiders.families``). With an archive
(``ARCHIVE_DB``) a crawl is incremental and resumable: the frontier of the last run comes first,
listings and feeds are asked conditionally (ETag / Last-Modified), a listing is walked page by
page and stops at a page of mostly archived articles (once a walk of it has finished), archived articles are fetched again only
when due for a revision check, and every discovered article URL is committed to the frontier
before it is requested.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from form2request import form2request
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from scrapers.http import conditional, header
from scrapers.registry import Listing, RegistryError, Site, download_slots, load_registry
from scrapers.urls import canonical_url, is_print_url
from spiders.base import ArchiveSpider, feed_links, sitemap_links
from spiders.families import Navigation, navigation_for
from spiders.families.base import Navigation as _GenericNavigation
from spiders.families.base import PostBack, postback_state_url

REFORM_PRIORITY = 20  # reform categories are walked first, so an article in two categories
LISTING_PRIORITY = 10  # is recorded under the reform one
FRONTIER_PRIORITY = 30  # what the last run discovered but did not fetch comes first
# The form an ASP.NET postback submits: the one holding the page state.
POSTBACK_FORM = '//form[.//input[@name="__VIEWSTATE" or @name="__EVENTTARGET"]]'
# The requests SiteSpider builds for a site's pages (images and attachments of its articles are not among them).
SITE_PAGE_KINDS = frozenset({"article", "listing", "feed", "sitemap"})


def listing_key(url: str) -> str:
    """The URL of a listing with its page number removed: pages of one listing share a key."""
    return _GenericNavigation().listing_key(url)


def snapshot_sites(snapshot_dir: str | Path) -> list[str] | None:
    """Slugs of the registry sites an offline snapshot holds (manifest ``registered``), or None."""
    manifest = Path(snapshot_dir) / "manifest.json"
    if not manifest.is_file():
        return None
    sites = json.loads(manifest.read_text(encoding="utf-8")).get("sites", {})
    return [slug for slug, site in sites.items() if site.get("registered")]


def apply_download_slots(settings: BaseSettings, sites: list[Site]) -> None:
    """DOWNLOAD_SLOTS from the sites' ``download_delay`` and ``concurrency`` options (unless
    REGISTRY_DOWNLOAD_SLOTS is off), before the settings freeze; slots given in the settings
    themselves win over the registry's."""
    if not settings.getbool("REGISTRY_DOWNLOAD_SLOTS", True):
        return
    slots = download_slots(sites, default_delay=settings.getfloat("DOWNLOAD_DELAY"),
                           max_concurrency=settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") or None)
    if slots:
        given = settings.getdict("DOWNLOAD_SLOTS")
        priority = max(settings.getpriority("DOWNLOAD_SLOTS") or 0, SETTINGS_PRIORITIES["spider"])
        settings.set("DOWNLOAD_SLOTS", {**slots, **given}, priority=priority)


class SiteOptionsMiddleware:
    """Downloader middleware of the site spider: a site's per-request options (``download_timeout``) on its pages.

    It runs before Scrapy's DownloadTimeoutMiddleware (350), whose DOWNLOAD_TIMEOUT is then only the default.
    """

    priority = 340

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteOptionsMiddleware:
        """Built by Scrapy."""
        return cls(crawler)

    def process_request(self, request: scrapy.Request) -> None:
        """Give a request for one of a registry site's pages the site's ``download_timeout``."""
        if request.meta.get("kind") not in SITE_PAGE_KINDS:
            return
        site = getattr(self.crawler.spider, "sites", {}).get(request.meta.get("site"))
        if site is not None and site.options.download_timeout is not None:
            request.meta["download_timeout"] = site.options.download_timeout


class SiteSpider(ArchiveSpider):
    """Crawl registry sites by their listings (reform categories first), feeds and sitemaps."""

    name = "site"

    def __init__(self, site: str | None = None, registry: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.site_arg = site
        self.registry_path = registry
        self.sites: dict[str, Site] = {}
        self.navigation: dict[str, Navigation] = {}
        self.skip: dict[str, set[str]] = {}
        self.archived: dict[str, set[str]] = {}
        self.not_articles: dict[str, set[str]] = {}
        self.walked: set[str] = set()  # listings whose last walk finished: only these may stop early

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Listing walks go deeper than DEPTH_LIMIT allows a generic crawl: one level per page."""
        super().update_settings(settings)
        settings.set("DEPTH_LIMIT", settings.getint("LISTING_MAX_PAGES", 300) + 5, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        """The spider, with the registry's per-site options applied to the crawl's settings."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.apply_site_options(crawler.settings)
        return spider

    def apply_site_options(self, settings: BaseSettings) -> None:
        """Before the settings freeze: the :class:`SiteOptionsMiddleware` (each site's ``download_timeout``),
        DOWNLOAD_SLOTS from the sites' ``download_delay`` and ``concurrency`` (unless REGISTRY_DOWNLOAD_SLOTS
        is off), and a DEPTH_LIMIT deep enough for every ``listing_max_pages``.

        Slots given in the settings themselves win over the registry's. A registry that does not load
        is left to :meth:`start` to report; settings already frozen (a spider made for a test) are left as they are.
        """
        if settings.frozen:
            return
        # Here, not in update_settings: `scrapy crawl` applies its own settings again after that.
        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", SiteOptionsMiddleware,
                                                SiteOptionsMiddleware.priority)
        try:
            sites = list(load_registry(self.registry_path or settings.get("SITE_REGISTRY") or None).values())
        except RegistryError:
            return
        deepest = max((s.options.listing_max_pages or 0 for s in sites), default=0)
        if deepest + 5 > settings.getint("DEPTH_LIMIT"):
            settings.set("DEPTH_LIMIT", deepest + 5, priority="spider")
        apply_download_slots(settings, sites)

    def listing_max_pages(self, site: Site) -> int:
        """Pages a walk of one of the site's listings goes to: its option, else LISTING_MAX_PAGES."""
        return site.options.listing_max_pages or self.settings.getint("LISTING_MAX_PAGES", 300)

    def revisit_after_days(self, site: Site) -> float:
        """Age at which the site's articles are re-checked: its option, else REVISIT_AFTER_DAYS."""
        return site.options.revisit_after_days or self.settings.getfloat("REVISIT_AFTER_DAYS", 30.0)

    def selected_sites(self) -> list[Site]:
        """The sites named by ``-a site=`` (comma-separated), else every active site (of the snapshot, offline)."""
        registry = load_registry(self.registry_path or self.settings.get("SITE_REGISTRY") or None)
        if not self.site_arg:
            offline = self.settings.get("SNAPSHOT_DIR") and snapshot_sites(self.settings.get("SNAPSHOT_DIR"))
            return [s for s in registry.values() if s.active and (not offline or s.slug in offline)]
        slugs = [s.strip() for s in self.site_arg.split(",") if s.strip()]
        unknown = [s for s in slugs if s not in registry]
        if unknown:
            raise RegistryError(f"unknown site(s): {', '.join(unknown)}")
        return [registry[s] for s in slugs]

    def site_slugs(self) -> list[str]:
        """Slugs of the sites this crawl covers."""
        return list(self.sites)

    def site_of(self, url: str) -> str:
        """The slug of the crawled site a URL belongs to ("" for none)."""
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        for site in self.sites.values():
            if host in {h.removeprefix("www.") for h in site.hosts}:
                return site.slug
        return ""

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """Frontier first, then due revisits, listings (reform ones first), feeds and sitemaps."""
        self.sites = {site.slug: site for site in self.selected_sites()}
        self.allowed_domains = sorted({h for site in self.sites.values() for h in site.hosts})
        self.navigation = {slug: navigation_for(site.family) for slug, site in self.sites.items()}
        state = self.open_state()
        settings = self.settings
        if state is not None:
            for slug, site in self.sites.items():
                self.skip[slug] = state.skip_urls(slug, self.revisit_after_days(site))
                self.archived[slug] = state.archived_urls(slug)
                self.not_articles[slug] = self.skip[slug] - self.archived[slug]
                self.walked.update(state.completed_walks(slug))
            pending = state.frontier_take(self.sites, settings.getint("FRONTIER_MAX_ATTEMPTS", 3))
            state.frontier_done([r["url"] for r in pending if r["url"] in self.skip[r["site"]]])
            for row in (r for r in pending if r["url"] not in self.skip[r["site"]]):
                self.skip[row["site"]].add(row["url"])
                self.crawler.stats.inc_value("archive/frontier_resumed")
                yield self.article_request(row["url"], site=row["site"], family=self.sites[row["site"]].family,
                                           found_on=row["found_on"] or "", category=row["category"] or "",
                                           reform=bool(row["reform"]), priority=FRONTIER_PRIORITY)
            for slug, site in self.sites.items():
                for row in state.revisit_due(slug, self.revisit_after_days(site),
                                             settings.getint("REVISIT_MAX_PER_SITE", 20)):
                    self.crawler.stats.inc_value("archive/revisits")
                    yield self.article_request(row["url"], site=slug, family=site.family,
                                               found_on=row["found_on"] or "", reform=bool(row["reform"]),
                                               category=row["category"] or "", revisit=True)
        for site in self.sites.values():
            self.crawler.stats.inc_value(f"archive/family/{site.family}")
            for listing in self.start_listings(site):
                yield self.listing_request(listing.url, site, listing, listing_key(listing.url), page=1)
            for feed in self.navigation[site.slug].feeds(site):
                yield self.state_request(feed, site, "feed", self.parse_feed)
            for sitemap in site.sitemaps:
                yield self.state_request(sitemap, site, "sitemap", self.parse_sitemap)

    def start_listings(self, site: Site) -> tuple[Listing, ...]:
        """The site's listings; a site with no listing, feed or sitemap starts from its home page."""
        if site.listings or site.feeds or site.sitemaps:
            return site.listings
        return (Listing(url=site.base_url, category=""),)

    def state_request(self, url: str, site: Site, kind: str, callback: Any, **cb_kwargs: Any) -> scrapy.Request:
        """A feed or sitemap request, conditional on the validators of its last fetch."""
        request = scrapy.Request(url, callback=callback, errback=self.on_error,
                                 cb_kwargs={"site": site.slug, **cb_kwargs},
                                 meta={"site": site.slug, "kind": kind})
        if self.state is not None:
            conditional(request, *self.state.validators(url))
        return request

    def listing_request(self, url: str, site: Site, listing: Listing, key: str, page: int) -> scrapy.Request:
        """A request for one page of a listing (conditional when its last walk finished)."""
        request = scrapy.Request(
            url, callback=self.parse_listing, errback=self.on_error,
            priority=REFORM_PRIORITY if listing.reform else LISTING_PRIORITY,
            cb_kwargs={"site": site.slug, "key": key, "category": listing.category, "reform": listing.reform,
                       "page": page, "listing": listing.url},
            meta={"site": site.slug, "kind": "listing"},
        )
        if self.state is not None:
            conditional(request, *self.state.validators(url))
        return request

    def postback_request(self, response: Response, postback: PostBack, site: Site, listing: Listing, key: str,
                         page: int) -> scrapy.Request | None:
        """The POST that turns a listing to ``postback``'s page (None when the page has no postback form).

        Its crawl state is keyed by the URL posted to and the page number (:func:`postback_state_url`); it is
        never conditional: a postback answers the page state it was sent, not a cached copy.
        """
        form = response.xpath(POSTBACK_FORM)[:1] if isinstance(response, TextResponse) else None
        if not form:
            return None
        # form2request (what Scrapy 2.19 recommends over the deprecated FormRequest.from_response): every
        # field of the form as the browser would post it, no button clicked, the pager's event set.
        posted = form2request(form, {"__EVENTTARGET": postback.target, "__EVENTARGUMENT": postback.argument},
                              click=False)
        request = posted.to_scrapy(
            callback=self.parse_listing, errback=self.on_error,
            priority=REFORM_PRIORITY if listing.reform else LISTING_PRIORITY,
            cb_kwargs={"site": site.slug, "key": key, "category": listing.category, "reform": listing.reform,
                       "page": page, "listing": listing.url},
            meta={"site": site.slug, "kind": "listing", "postback_page": postback.page},
        )
        request.meta["state_url"] = postback_state_url(request.url, postback.page)
        return request

    def remember(self, response: Response, site: str, kind: str, key: str = "") -> None:
        """Store the validators of a fetched listing, feed or sitemap (a postback page under its state key)."""
        if self.state is not None and response.status == 200:
            self.state.save_fetch(response.meta.get("state_url") or response.url, site=site, kind=kind,
                                  etag=header(response, "ETag"), last_modified=header(response, "Last-Modified"),
                                  http_status=response.status, listing_key=key)

    def discover(self, urls: list[str], *, site: str, found_on: str, category: str = "", reform: bool = False,
                 priority: int = 0) -> list[scrapy.Request]:
        """Requests for the article URLs not yet archived, committed to the frontier first."""
        skip = self.skip.setdefault(site, set())
        # One request per canonical URL: tracking parameters, print views and spelling variants of
        # an article URL are the same article.
        by_key: dict[str, str] = {}
        for url in urls:
            if not is_print_url(url):
                by_key.setdefault(canonical_url(url), url)
        fresh = [u for key, u in by_key.items() if key not in skip and u not in skip]
        skip.update(by_key)  # asked once per run: a later listing page or feed naming it again adds nothing
        skip.update(fresh)
        if self.state is not None and fresh:
            self.state.frontier_add([{"url": u, "site": site, "found_on": found_on, "category": category,
                                      "reform": reform} for u in fresh],
                                    run_id=self.settings.getint("ARCHIVE_RUN_ID") or None)
        self.crawler.stats.inc_value("archive/known_skipped", len(urls) - len(fresh))
        self.crawler.stats.inc_value(f"reformnews/site/{site}/links", len(urls))
        entry = self.sites[site]
        return [self.article_request(u, site=site, family=entry.family, found_on=found_on, category=category,
                                     reform=reform, priority=priority) for u in fresh]

    def parse_listing(self, response: Response, site: str, key: str, category: str, reform: bool,
                      page: int, listing: str) -> Iterator[scrapy.Request]:
        """Queue the page's new articles; follow the next page unless this one is mostly archived."""
        entry = self.sites[site]
        navigation = self.navigation[site]
        if response.status == 304:
            self.crawler.stats.inc_value("archive/listing_not_modified")
            return
        articles = navigation.article_links(response, entry)
        priority = (REFORM_PRIORITY if reform else LISTING_PRIORITY) + 1
        requests = self.discover(articles, site=site, found_on=key, category=category, reform=reform,
                                 priority=priority)
        archived = self.archived.get(site, set())
        candidates = [u for u in articles if u not in self.not_articles.get(site, ())]  # menus' non-articles out
        known = sum(1 for u in candidates if u in archived or canonical_url(u) in archived)
        share = self.settings.getfloat("LISTING_STOP_KNOWN_SHARE", 0.5)
        # Stop early only where the last walk finished: after a killed run the rest of the listing
        # may hold articles that were never seen, so the walk goes on to the end.
        stop = key in self.walked and bool(candidates) and known > 0 and known >= share * len(candidates)
        following: str | PostBack | None = None
        max_pages = self.listing_max_pages(entry)
        if not stop:
            following = self.following_page(response, navigation, entry, key)
            if following is not None and page >= max_pages:
                if entry.options.listing_max_pages is None:  # a listing that never ends: reported once
                    cut = following if isinstance(following, str) else postback_state_url(response.url, following.page)
                    yield from self.trap_report(self.traps.listing_cut(cut, site=site, pages=page,
                                                                       setting=f"listing limit {max_pages}"))
                following = None  # a site's own page cap is its registry entry's choice, not a trap
        next_request: scrapy.Request | None = None
        if following is not None:
            origin = Listing(url=listing, category=category, reform=reform)
            if isinstance(following, PostBack):
                next_request = self.postback_request(response, following, entry, origin, key, page + 1)
            else:
                next_request = self.listing_request(following, entry, origin, key, page + 1)
        self.remember(response, site, "listing", key)
        if next_request is None and self.state is not None:
            self.state.complete_walk(key)
            self.crawler.stats.inc_value("archive/listing_walks_complete")
        yield from requests
        if next_request is not None:
            yield next_request

    @staticmethod
    def following_page(response: Response, navigation: Navigation, site: Site, key: str) -> str | PostBack | None:
        """The listing's next page: a linked URL, else a form postback (a posted page is followed by posts only,
        its URL naming no page)."""
        posted_page = response.meta.get("postback_page")
        if posted_page is None:
            linked = navigation.next_page(response, site, key)
            if linked is not None:
                return linked
        current = posted_page if posted_page is not None else navigation.page_number(response.url)
        return navigation.next_postback(response, current)

    def parse_feed(self, response: Response, site: str) -> Iterator[scrapy.Request]:
        """Queue the new articles an RSS/Atom feed lists."""
        if response.status == 304:
            return
        entry = self.sites[site]
        navigation = self.navigation[site]
        urls = [u for u in feed_links(response) if navigation.is_article(entry, u)]
        requests = self.discover(urls, site=site, found_on=response.url)
        self.remember(response, site, "feed")
        yield from requests

    def parse_sitemap(self, response: Response, site: str) -> Iterator[scrapy.Request]:
        """Queue the new articles of a sitemap, following sitemap indexes."""
        if response.status == 304:
            return
        entry = self.sites[site]
        navigation = self.navigation[site]
        pages, nested = sitemap_links(response)
        requests = self.discover([u for u in pages if navigation.is_article(entry, u)], site=site,
                                 found_on=response.url)
        self.remember(response, site, "sitemap")
        for url in nested:
            yield self.state_request(url, entry, "sitemap", self.parse_sitemap)
        yield from requests
