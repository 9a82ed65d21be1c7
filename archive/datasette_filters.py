"""Datasette plugin: safe Jinja filters for the article page (JSON lists, http(s)-only links, nh3, dates)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import nh3
from datasette import hookimpl


def rn_json_list(value: Any) -> list[dict[str, Any]]:
    """A stored JSON list of objects (images, attachments), or [] for anything else."""
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def rn_http_url(value: Any) -> str:
    """``value`` when it is an http(s) URL, else "" (no javascript: or data: links)."""
    text = str(value or "").strip()
    return text if urlsplit(text).scheme in ("http", "https") else ""


def rn_clean_html(value: Any) -> str:
    """Scraped HTML with scripts, handlers and unsafe URLs removed (mark it |safe only after this)."""
    return nh3.clean(str(value or ""), url_schemes={"http", "https"})


# The article body as the reader sees it: structure kept, images (shown apart with their
# captions), scripts, styles, handlers, forms and frames gone.
ARTICLE_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "sub", "sup", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "a", "span", "hr",
}
ARTICLE_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def rn_article_html(value: Any) -> str:
    """The article's body HTML made safe and plain (mark it |safe only after this)."""
    return nh3.clean(str(value or ""), tags=ARTICLE_TAGS, attributes=ARTICLE_ATTRIBUTES,
                     url_schemes={"http", "https"}, link_rel="nofollow noopener noreferrer")


def rn_lines(value: Any) -> list[str]:
    """The non-empty lines of a stored body (one paragraph per line)."""
    return [line.strip() for line in str(value or "").split("\n") if line.strip()]


def rn_date(value: Any, with_time: bool = True) -> str:
    """``2024-03-01T08:05:00+07:00`` as ``01/03/2024 08:05`` (Vietnamese order); "" when empty."""
    text = str(value or "")
    if len(text) < 10 or text[4] != "-":
        return text
    day = f"{text[8:10]}/{text[5:7]}/{text[:4]}"
    time = text[11:16] if with_time and len(text) >= 16 else ""
    return f"{day} {time}".strip() if time and time != "00:00" else day


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    """Register the filters."""
    env.filters["rn_json_list"] = rn_json_list
    env.filters["rn_http_url"] = rn_http_url
    env.filters["rn_clean_html"] = rn_clean_html
    env.filters["rn_article_html"] = rn_article_html
    env.filters["rn_lines"] = rn_lines
    env.filters["rn_date"] = rn_date
