"""Scoring extraction against a snapshot manifest's truth (used by the tests and bench/extraction.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapers.extract.text import clean_line
from scrapers.items import Article

CHECKS = ("title", "published_at", "author", "body_first", "body_last", "no_chrome", "captions")


@dataclass
class Case:
    """One manifest article with its stored response."""

    site: str
    family: str | None
    truth: dict[str, Any]
    body: bytes
    headers: dict[str, str]


def _articles(manifest: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(site, truth) for every article of a manifest, whatever its nesting."""
    if isinstance(manifest, dict) and isinstance(manifest.get("articles"), list):
        for item in manifest["articles"]:
            yield item.get("site", ""), item
    elif isinstance(manifest, dict) and isinstance(manifest.get("sites"), (dict, list)):
        sites = manifest["sites"]
        entries = sites.items() if isinstance(sites, dict) else ((s.get("slug", ""), s) for s in sites)
        for slug, entry in entries:
            for item in entry.get("articles", []):
                # The site's chrome strings and family apply to each of its articles.
                truth = {"family": entry.get("family"), **item}
                truth.setdefault("chrome", entry.get("chrome") or [])
                yield item.get("site", slug), truth


def load_cases(snapshot_dir: Path) -> list[Case]:
    """Every manifest article of a built snapshot, with its stored body and headers."""
    snapshot_dir = snapshot_dir.parent if snapshot_dir.is_file() else snapshot_dir
    manifest = json.loads((snapshot_dir / "manifest.json").read_text(encoding="utf-8"))
    index: dict[str, dict[str, Any]] = {}
    for line in (snapshot_dir / "index.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            index[record["url"]] = record
    families = _families()
    cases = []
    for site, truth in _articles(manifest):
        record = index.get(truth["url"])
        if record is None:
            continue
        body_path = snapshot_dir / record.get("body", record.get("body_path", ""))
        cases.append(Case(site, truth.get("family") or families.get(site), truth, body_path.read_bytes(),
                          dict(record.get("headers") or {})))
    return cases


def _families() -> dict[str, str]:
    """Site slug to CMS family, from the registry."""
    try:
        from scrapers.registry import load_registry

        return {slug: site.family for slug, site in load_registry().items()}
    except Exception:  # the registry is another room's; scoring works without it
        return {}


def _norm(text: str | None) -> str:
    return clean_line(text or "")


def chrome_strings(truth: dict[str, Any]) -> list[str]:
    """The chrome strings the manifest names for an article's page."""
    value = truth.get("chrome") or truth.get("chrome_strings") or []
    return [s for s in value if isinstance(s, str) and s.strip()]


def score(article: Article, truth: dict[str, Any]) -> dict[str, bool]:
    """Which checks an extracted article passes against its truth."""
    body = article.body
    leaks = [s for s in chrome_strings(truth) if _norm(s) and _norm(s) in body]
    captions = [c for c in truth.get("captions") or [] if c]
    found = {_norm(i.caption) for i in article.images}
    return {
        "title": _norm(article.title) == _norm(truth.get("title")),
        "published_at": (article.published_at or None) == (truth.get("published_at") or None),
        "author": _norm(article.author) == _norm(truth.get("author")),
        "body_first": _norm(truth.get("body_first")) in body,
        "body_last": _norm(truth.get("body_last")) in body,
        "no_chrome": not leaks,
        "captions": all(_norm(c) in found for c in captions) and not any(_norm(c) in body for c in captions),
    }


def leaks(article: Article, truth: dict[str, Any]) -> list[str]:
    """The chrome strings of the page found in the extracted body."""
    return [s for s in chrome_strings(truth) if _norm(s) and _norm(s) in article.body]
