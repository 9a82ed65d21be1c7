"""The snapshot's sites and articles: registry entries joined with data/sites.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from scrapers.registry import load_registry
from snapshot import textgen
from snapshot.markup import Block

KHCN_HUNGYEN_ARTICLE = r"^http://khcnhungyen\.gov\.vn/[a-z0-9-]+/[a-z0-9-]+-\d+$"


@dataclass
class SiteSpec:
    """One site of the offline web."""

    slug: str
    name: str
    agency: str
    province: str
    family: str
    base_url: str
    registered: bool
    listings: list[tuple[str, str, bool]]  # (first page url, category, reform)
    feeds: list[str]
    sitemaps: list[str]
    data: dict
    article_pattern: str

    @property
    def host(self) -> str:
        """Host name."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def base(self) -> str:
        """scheme://host without a trailing slash."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` has this site's article shape."""
        return re.search(self.article_pattern, url) is not None

    def slot_site(self) -> dict:
        """The site values story slots use."""
        agency_short = self.agency
        if self.slug == "nghean_hcc":
            agency_short = "Trung tâm Phục vụ HCC tỉnh"
        return {"province": self.province, "agency_short": agency_short, "agency_full": self.name}


@dataclass
class Art:
    """One article page of the snapshot (an original or a republished copy)."""

    site: str
    story: str
    cat: int
    draft: textgen.Draft
    dt: datetime
    views: int
    author_raw: str = ""
    source_line: str = ""
    intro_line: str = ""
    trim_last: bool = False
    documents: list[dict] = field(default_factory=list)
    item_id: int = 0
    url: str = ""
    aliases: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    found_on: str = ""
    title: str = ""


def load_sites() -> list[SiteSpec]:
    """The 12 registry sites (in registry order) plus the unregistered one(s) of sites.toml."""
    data = textgen.load("sites.toml")
    sites: list[SiteSpec] = []
    for slug, site in load_registry().items():
        if slug not in data:
            continue
        sites.append(
            SiteSpec(
                slug=slug,
                name=site.name,
                agency=site.agency,
                province=site.province,
                family=site.family,
                base_url=site.base_url,
                registered=True,
                listings=[(l.url, l.category, l.reform) for l in site.listings],
                feeds=list(site.feeds),
                sitemaps=list(site.sitemaps),
                data=data[slug],
                article_pattern=site.article_pattern,
            )
        )
    for slug, d in data.items():
        if not d.get("unregistered"):
            continue
        base = d["base_url"].rstrip("/")
        sites.append(
            SiteSpec(
                slug=slug,
                name=d["name"],
                agency=d["agency"],
                province=d["province"],
                family=d["family"],
                base_url=d["base_url"],
                registered=False,
                listings=[(f"{base}/{l['slug']}", l["category"], bool(l.get("reform"))) for l in d["listings"]],
                feeds=[f"{base}/rss/index.php?pageid=11539&topicid=7"],
                sitemaps=[],
                data=d,
                article_pattern=KHCN_HUNGYEN_ARTICLE,
            )
        )
    return sites
