"""The CMS families of provincial sites whose navigation differs from the generic one."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from scrapy.http import Response, TextResponse

from scrapers.registry import Site
from spiders.families.base import Navigation, PostBack


class LiferayNavigation(Navigation):
    """Liferay: portlet-namespaced page numbers (``_101_INSTANCE_x_cur=2``), portlet action links are not articles."""

    family = "liferay"

    def page_param(self, key: str) -> bool:
        """``_<portlet>_cur`` (and plain ``cur``) is the page."""
        return key == "cur" or key.endswith("_cur")

    def is_article(self, site: Site, url: str) -> bool:
        """Portlet action and state URLs (p_p_lifecycle=1, p_p_state=exclusive) never show an article."""
        query = dict(parse_qsl(urlsplit(url).query))
        if query.get("p_p_lifecycle") == "1" or query.get("p_p_state") in ("exclusive", "pop_up"):
            return False
        return super().is_article(site, url)


class JoomlaNavigation(Navigation):
    """Joomla: ``limitstart`` counts items, not pages; feeds are ``&format=feed`` views."""

    family = "joomla"
    page_params = ("limitstart", "start")
    first_page = 0


class NukeVietNavigation(Navigation):
    """NukeViet: ``/<category>/page-<n>/`` pagination, ``/savefile/`` and ``/print/`` copies of every article."""

    family = "nukeviet"
    page_params = ("page",)


class DrupalNavigation(Navigation):
    """Drupal: ``?page=<n>`` counted from 0; ``/node/<id>`` is also used for non-article pages (the extractor decides)."""

    family = "drupal"
    page_params = ("page",)
    first_page = 0
    _ADMIN = re.compile(r"/node/\d+/(edit|delete|revisions)|[?&]destination=")

    def is_article(self, site: Site, url: str) -> bool:
        """Editing and destination links are never articles."""
        return not self._ADMIN.search(url) and super().is_article(site, url)


class SharePointNavigation(Navigation):
    """SharePoint: ``Page=<n>`` (any case) on list views; ``/_layouts/`` and list forms are not articles."""

    family = "sharepoint"
    page_params = ("page", "pageindex")
    _SYSTEM = re.compile(r"(?i)/_layouts/|/Forms/|AllItems\.aspx|DispForm\.aspx\?.*Source=")

    def is_article(self, site: Site, url: str) -> bool:
        """SharePoint system pages are never articles."""
        return not self._SYSTEM.search(url) and super().is_article(site, url)


class AspNetNavigation(Navigation):
    """ASP.NET portals: ``page=`` or ``pageindex=``; print views (PrintItem.aspx, print.aspx) are copies.

    WebForms and DNN pagers often have no URL per page: ``javascript:__doPostBack('dnn$ctr123$pager','Page$2')``
    posts the page's form back to the same URL. :meth:`next_postback` reads such pagers.
    """

    family = "aspnet"
    page_params = ("page", "pageindex", "p")
    _PRINT = re.compile(r"(?i)/(print|printitem)\.aspx")
    _POSTBACK = re.compile(r"""__doPostBack\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]*)['"]\s*\)""")
    _PAGE_ARGUMENT = re.compile(r"(?i)^page\$(\d+)$")  # GridView/DNN pagers; Page$Next, Page$Last name no number
    _PAGER_TARGET = re.compile(r"(?i)pag(er|ing|ination)")  # a bare number is a page only for a pager control

    def is_article(self, site: Site, url: str) -> bool:
        """Print views are never the article."""
        return not self._PRINT.search(url) and super().is_article(site, url)

    def postback_pages(self, response: Response) -> dict[int, PostBack]:
        """The numbered pages a page's ``__doPostBack`` pager links to (links and onclick handlers)."""
        if not isinstance(response, TextResponse):
            return {}
        pages: dict[int, PostBack] = {}
        for script in response.css("a::attr(href), a::attr(onclick)").getall():
            for target, argument in self._POSTBACK.findall(script):
                number = self._PAGE_ARGUMENT.match(argument)
                if number:
                    page = int(number.group(1))
                elif argument.isdigit() and self._PAGER_TARGET.search(target):
                    page = int(argument)
                else:
                    continue  # a calendar day, a sort order, Page$Next: not a page we can number
                pages.setdefault(page, PostBack(target=target, argument=argument, page=page))
        return pages

    def next_postback(self, response: Response, current: int) -> PostBack | None:
        """The pager's smallest page above ``current``; None on the last page (a pager linking back is no loop)."""
        pages = self.postback_pages(response)
        later = [page for page in pages if page > current]
        return pages[min(later)] if later else None


class CustomPhpNavigation(Navigation):
    """Hand-written PHP sites (Bình Định): ``&trang=<n>``."""

    family = "custom_php"
    page_params = ("trang", "page")


class SlugIdPortalNavigation(Navigation):
    """The shared "image banner" portal (/<category>/<slug>-<id>): ``?page=<n>``."""

    family = "slug_id_portal"
    page_params = ("page",)


class WordPressNavigation(Navigation):
    """WordPress: ``/page/<n>/`` or ``?paged=<n>``; the standard feed is ``/feed/``."""

    family = "wordpress"
    page_params = ("paged",)

    def feeds(self, site: Site) -> tuple[str, ...]:
        """The registry's feeds, else WordPress's standard one."""
        return site.feeds or (site.base_url.rstrip("/") + "/feed/",)
