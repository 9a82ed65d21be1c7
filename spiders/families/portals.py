"""The CMS families of provincial sites whose navigation differs from the generic one."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from scrapers.registry import Site
from spiders.families.base import Navigation


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
    """ASP.NET portals: ``page=`` or ``pageindex=``; print views (PrintItem.aspx, print.aspx) are copies."""

    family = "aspnet"
    page_params = ("page", "pageindex", "p")
    _PRINT = re.compile(r"(?i)/(print|printitem)\.aspx")

    def is_article(self, site: Site, url: str) -> bool:
        """Print views are never the article."""
        return not self._PRINT.search(url) and super().is_article(site, url)


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
