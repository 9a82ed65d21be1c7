"""Extraction: one HTML page to one clean :class:`scrapers.items.Article`."""

from scrapers.extract.article import extract_article
from scrapers.extract.classify import looks_like_article
from scrapers.extract.decode import decode_html

__all__ = ["extract_article", "looks_like_article", "decode_html"]
