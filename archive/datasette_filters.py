"""Datasette plugin: safe Jinja filters for the article page (JSON lists, http(s)-only links, nh3)."""

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


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    """Register the filters."""
    env.filters["rn_json_list"] = rn_json_list
    env.filters["rn_http_url"] = rn_http_url
    env.filters["rn_clean_html"] = rn_clean_html
