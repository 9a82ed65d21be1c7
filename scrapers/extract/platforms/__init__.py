"""Extraction profiles of CMS families: selectors as data, and detection of a page's family."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

FAMILIES = ("aspnet", "custom_php", "drupal", "joomla", "liferay", "nukeviet", "sharepoint",
            "slug_id_portal", "wordpress")


@dataclass(frozen=True)
class Profile:
    """Where a CMS family puts an article's parts (CSS selectors, first match wins)."""

    name: str
    lead: tuple[str, ...] = ()  # a summary block printed before the body (kept as its first line)
    body: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    chrome: tuple[str, ...] = ()  # blocks inside or beside the body that are chrome on this CMS
    generator: str = ""  # regex on <meta name="generator">
    markers: tuple[str, ...] = ()  # substrings of the HTML that identify the family


# The generic path knows no markup, only the usual names of a lead (sapo) block.
GENERIC = Profile(name="generic", lead=(".sapo", ".post-sapo", ".detail-sapo", ".article-sapo", ".hometext",
                                        ".tom-tat", ".tomtat", ".article-summary", ".summary", ".lead",
                                        ".ArticleSummary", ".news-summary", ".field-name-field-summary",
                                        ".field--name-field-summary", ".field-name-field-tom-tat",
                                        ".field--name-field-tom-tat", ".detail-sapo"),
                  author=("[itemprop=author]", "[rel=author]", ".byline .author", ".post-author", ".tac-gia",
                          ".tacgia"))


def profile_for(family: str | None) -> Profile | None:
    """The profile of a named family, or None for an unknown or generic family."""
    if not family or family not in FAMILIES:
        return None
    module = importlib.import_module(f"scrapers.extract.platforms.{family}")
    return module.PROFILE


def detect(html: str) -> Profile | None:
    """The family whose generator or markers the page shows, or None."""
    head = html[:300_000]
    generator = re.search(r"<meta[^>]{0,80}name=[\"']generator[\"'][^>]{0,40}content=[\"']([^\"']{1,100})", head, re.I) \
        or re.search(r"<meta[^>]{0,40}content=[\"']([^\"']{1,100})[\"'][^>]{0,40}name=[\"']generator[\"']", head, re.I)
    profiles = [profile_for(f) for f in FAMILIES]
    if generator:
        for profile in profiles:
            if profile and profile.generator and re.search(profile.generator, generator.group(1), re.I):
                return profile
    best, score = None, 0
    for profile in profiles:
        if profile is None:
            continue
        hits = sum(1 for marker in profile.markers if marker in head)
        if hits > score:
            best, score = profile, hits
    return best if score >= 2 else None
