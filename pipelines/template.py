"""TemplatePipeline: lines that recur on many pages of one site are chrome, even when no rule names them."""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter

from scrapers.extract.chrome import fold
from scrapers.extract.template import MIN_PAGES, MIN_SHARE, SiteTemplate
from scrapers.extract.text import word_count
from scrapers.items import CrawlError

logger = logging.getLogger(__name__)
PRIME_PAGES = 50  # archived bodies read per site to prime its template before the crawl's own pages
_HTML_BLOCK = re.compile(r"<(p|li|h2|h3|h4)>(.*?)</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def strip_html(body_html: str, learnt: set[str]) -> str:
    """``body_html`` without the paragraphs, items and headings whose text is a learnt line."""
    def keep(match: re.Match[str]) -> str:
        text = html.unescape(_TAG.sub("", match.group(2)))
        return "" if fold(text) in learnt else match.group(0)
    return _HTML_BLOCK.sub(keep, body_html)


def archived_bodies(db_path: str, site: str, limit: int = PRIME_PAGES) -> list[str]:
    """Up to ``limit`` bodies of ``site`` already in the archive (read through archive.store)."""
    if not db_path or not Path(db_path).exists():
        return []
    try:
        from archive.store import Archive

        with Archive(db_path) as archive:
            rows = (archive.get_article(url) for url in sorted(archive.known_urls(site))[: limit * 2])
            return [row["body"] for row in rows if row and row.get("body")][:limit]
    except Exception as exc:  # priming is an optimisation: a crawl never fails for it
        logger.warning("template priming skipped for %s: %s", site, exc)
        return []


class TemplatePipeline:
    """Learn each site's template from the bodies passing through; strip its lines from every body."""

    def __init__(self, db_path: str = "", min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE,
                 prime_pages: int = PRIME_PAGES) -> None:
        self.db_path = db_path
        self.min_pages = min_pages
        self.min_share = min_share
        self.prime_pages = prime_pages
        self.templates: dict[str, SiteTemplate] = {}
        self.stripped = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> "TemplatePipeline":
        """Read ARCHIVE_DB and the TEMPLATE_MIN_PAGES / TEMPLATE_MIN_SHARE / TEMPLATE_PRIME_PAGES settings."""
        settings = crawler.settings
        return cls(settings.get("ARCHIVE_DB") or "", settings.getint("TEMPLATE_MIN_PAGES", MIN_PAGES),
                   settings.getfloat("TEMPLATE_MIN_SHARE", MIN_SHARE),
                   settings.getint("TEMPLATE_PRIME_PAGES", PRIME_PAGES))

    def template(self, site: str) -> SiteTemplate:
        """The site's template, primed from its archived bodies on first use."""
        if site not in self.templates:
            template = SiteTemplate(self.min_pages, self.min_share)
            for body in archived_bodies(self.db_path, site, self.prime_pages) if self.prime_pages else []:
                template.feed(body)
            self.templates[site] = template
        return self.templates[site]

    def process_item(self, item: Any) -> Any:
        """Learn from the item's body, then strip the site's template lines from it (never emptying it)."""
        if isinstance(item, CrawlError):
            return item
        adapter = ItemAdapter(item)
        body = adapter.get("body") or ""
        if adapter.get("status", "ok") != "ok" or not body.strip():
            return item
        template = self.template(adapter.get("site") or "")
        template.feed(body)
        stripped = template.strip(body)
        if stripped == body or not stripped.strip():
            return item
        learnt = template.boilerplate()
        adapter["body"] = stripped
        if adapter.get("body_html"):
            adapter["body_html"] = strip_html(adapter["body_html"], learnt)
        if "word_count" in adapter:
            adapter["word_count"] = word_count(stripped)
        self.stripped += 1
        return item

    def close_spider(self) -> None:
        """Log how many bodies lost template lines."""
        logger.info("template: %d bodies stripped of learnt site lines", self.stripped)
