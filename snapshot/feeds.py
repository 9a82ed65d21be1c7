"""robots.txt, RSS 2.0 feeds and sitemap.xml files of the snapshot sites."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape


def robots(disallow: list[str], sitemaps: list[str], crawl_delay: int | None = None) -> str:
    """A robots.txt allowing everything but ``disallow``."""
    lines = ["User-agent: *"]
    if crawl_delay:
        lines.append(f"Crawl-delay: {crawl_delay}")
    lines += [f"Disallow: {path}" for path in disallow]
    lines.append("")
    lines += [f"Sitemap: {url}" for url in sitemaps]
    return "\n".join(lines) + "\n"


def rss(title: str, link: str, description: str, items: list[dict]) -> str:
    """An RSS 2.0 channel; items carry title, link, description, date (aware datetime)."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        f"<title>{escape(title)}</title>",
        f"<link>{escape(link)}</link>",
        f"<description>{escape(description)}</description>",
        "<language>vi</language>",
        "<generator>CMS</generator>",
    ]
    for item in items:
        out += [
            "<item>",
            f"<title>{escape(item['title'])}</title>",
            f"<link>{escape(item['link'])}</link>",
            f"<guid isPermaLink=\"true\">{escape(item['link'])}</guid>",
            f"<description><![CDATA[{item['description']}]]></description>",
            f"<pubDate>{format_datetime(item['date'])}</pubDate>",
            "</item>",
        ]
    out += ["</channel>", "</rss>"]
    return "\n".join(out) + "\n"


def sitemap(entries: list[tuple[str, datetime | None]]) -> str:
    """A sitemap.xml urlset of (url, lastmod) pairs."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, lastmod in entries:
        out.append("<url>")
        out.append(f"<loc>{escape(url)}</loc>")
        if lastmod:
            out.append(f"<lastmod>{lastmod.date().isoformat()}</lastmod>")
        out.append("<changefreq>weekly</changefreq>")
        out.append("</url>")
    out.append("</urlset>")
    return "\n".join(out) + "\n"
