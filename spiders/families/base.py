"""The navigation every family starts from: numbered pagination, article links by the registry pattern."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy.http import Response

from scrapers.registry import Site
from spiders.base import page_links
from spiders.traps import PAGE_PARAM, PAGE_TAIL, is_trap

# Links that are never articles on any family: print/save views, files, accounts, feeds.
NEVER_ARTICLE = re.compile(
    r"(?i)(/(savefile|print|in-bai|dang-nhap|login)(/|$|\?))|[?&](print=|tmpl=component|format=feed)"
    r"|\.(pdf|docx?|xlsx?|pptx?|zip|rar|jpe?g|png|gif)$"
)


@dataclass(frozen=True)
class PostBack:
    """The next page of a listing reached by an ASP.NET form post (``__doPostBack(target, argument)``)."""

    target: str  # __EVENTTARGET, the pager control: dnn$ctr123$UIArticleInMenu$pager
    argument: str  # __EVENTARGUMENT: Page$2
    page: int  # the page number the post asks for


def postback_state_url(url: str, page: int) -> str:
    """The crawl-state key of a listing page that only a POST reaches: the URL posted to and the page number."""
    return f"{url.split('#', 1)[0]}#page={page}"


class Navigation:
    """Generic pagination and article selection; subclasses change what differs per CMS family."""

    family = "generic"
    page_params: tuple[str, ...] = ("page", "trang", "p", "cur", "pageindex", "paged", "start", "limitstart")
    first_page = 1
    feed_paths: tuple[str, ...] = ()  # where the family's CMS serves feeds, relative to base_url

    def page_param(self, key: str) -> bool:
        """Whether a query parameter is this family's page number."""
        return key.lower() in self.page_params

    def listing_key(self, url: str) -> str:
        """The URL of a listing with its page number removed: pages of one listing share a key."""
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if not PAGE_PARAM.match(k) and not self.page_param(k)]
        query = [(k, v) for k, v in query if not k.startswith(("p_p_", "_"))]
        path = PAGE_TAIL.sub("/", parts.path).rstrip("/") or "/"
        return urlunsplit((parts.scheme, parts.netloc.lower(), path, urlencode(sorted(query)), ""))

    def page_number(self, url: str) -> int:
        """The page a listing URL shows (``first_page`` when it names none)."""
        parts = urlsplit(url)
        tail = PAGE_TAIL.search(parts.path)
        if tail:
            return int(tail.group(1))
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if self.page_param(key) and value.isdigit():
                return int(value)
        return self.first_page

    def is_article(self, site: Site, url: str) -> bool:
        """Whether a link is one of the site's articles."""
        if NEVER_ARTICLE.search(url):
            return False
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        if host not in {h.removeprefix("www.") for h in site.hosts}:
            return False
        if not site.article_pattern:  # no known article shape: fetch same-site pages, the extractor decides
            return urlsplit(url).path.strip("/") != "" and not is_trap(url)
        return site.is_article_url(url)

    def is_listing_page(self, site: Site, url: str, key: str) -> bool:
        """Whether a link is another page of the listing ``key``."""
        if self.listing_key(url) != key:
            return False
        return site.is_listing_url(url) if site.listing_pattern else True

    def article_links(self, response: Response, site: Site) -> list[str]:
        """The page's article links, in page order."""
        return [url for url in page_links(response) if self.is_article(site, url)]

    def next_page(self, response: Response, site: Site, key: str) -> str | None:
        """The following page of the listing: the linked page with the smallest number above this one."""
        current = self.page_number(response.url)
        later = [(self.page_number(u), u) for u in page_links(response)
                 if self.is_listing_page(site, u, key) and self.page_number(u) > current]
        return min(later)[1] if later else None

    def next_postback(self, response: Response, current: int) -> PostBack | None:
        """The following page reached by a form post instead of a link (none in the generic navigation)."""
        return None

    def feeds(self, site: Site) -> tuple[str, ...]:
        """The site's feeds: the registry's, else none (families with a standard feed may add theirs)."""
        return site.feeds
