"""Deterministic identities: the article id from its canonical URL, the content hash from folded text."""

from __future__ import annotations

import hashlib

from scrapers.extract.text import fold
from scrapers.urls import canonical_url


def article_id(url: str) -> str:
    """Stable article id: the first 16 hex digits of sha256 of the URL's canonical spelling."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:16]


def content_hash(title: str, body: str) -> str:
    """Hash of the folded title and body: equal for the same text whatever its tone-mark style.

    The title is part of the key because many notices share a one-line body
    ("Xem file đính kèm") while being different documents.
    """
    key = fold(title or "") + "\n" + fold(body or "")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
