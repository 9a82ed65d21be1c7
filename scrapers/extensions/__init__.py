"""Scrapy extensions of the archive."""
