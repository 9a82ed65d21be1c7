"""Whether an article belongs to administrative reform (CCHC): its listing, category or breadcrumb."""

from __future__ import annotations

from collections.abc import Iterable

from scrapers.extract.text import fold

# Folded category words that name administrative reform on these sites.
REFORM_TERMS = ("cai cach hanh chinh", "cchc")


def names_reform(labels: Iterable[str]) -> bool:
    """True when a category or breadcrumb label names administrative reform."""
    for label in labels:
        words = f" {fold(label or '')} "
        if any(f" {term} " in words for term in REFORM_TERMS):
            return True
    return False


def under_listing(found_on: str, listing_urls: Iterable[str]) -> bool:
    """True when ``found_on`` is one of the listings or one of their pages (``...&trang=2``)."""
    if not found_on:
        return False
    for url in listing_urls:
        if found_on == url:
            return True
        if found_on.startswith(url) and found_on[len(url)] in "&?/#":
            return True
    return False
