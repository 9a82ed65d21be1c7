"""Loads and validates the site registry (`scrapers/sites.toml`)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REGISTRY_PATH = Path(__file__).with_name("sites.toml")

# CMS families the project has an extraction profile and navigation defaults for.
KNOWN_FAMILIES = frozenset(
    {
        "aspnet",
        "custom_php",
        "drupal",
        "joomla",
        "liferay",
        "nukeviet",
        "sharepoint",
        "slug_id_portal",
        "wordpress",
        "generic",
    }
)
_SLUG = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


class RegistryError(ValueError):
    """The registry file is malformed; the message names the site and the field."""


@dataclass(frozen=True)
class Listing:
    """A category listing a crawl starts from."""

    url: str
    category: str = ""
    reform: bool = False


@dataclass(frozen=True)
class Site:
    """One registry entry."""

    slug: str
    name: str
    base_url: str
    family: str
    agency: str = ""
    province: str = ""
    province_2025: str = ""
    active: bool = True
    listings: tuple[Listing, ...] = ()
    article_pattern: str = ""
    listing_pattern: str = ""
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = field(default=())

    @property
    def host(self) -> str:
        """Host name of the site's base URL."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every host the site's pages may be on."""
        return (self.host, *self.allowed_hosts)

    def is_article_url(self, url: str) -> bool:
        """True when ``url`` has the shape of one of this site's article pages."""
        return bool(self.article_pattern) and re.search(self.article_pattern, url) is not None

    def is_listing_url(self, url: str) -> bool:
        """True when ``url`` is one of this site's listing or pagination pages."""
        return bool(self.listing_pattern) and re.search(self.listing_pattern, url) is not None


def _check_url(slug: str, key: str, url: object) -> str:
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise RegistryError(f"site {slug!r}: {key} {url!r} is not an http(s) URL")
    return url


def _check_regex(slug: str, key: str, pattern: object) -> str:
    if not isinstance(pattern, str):
        raise RegistryError(f"site {slug!r}: {key} must be a string")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise RegistryError(f"site {slug!r}: {key} is not a valid regex: {exc}") from None
    return pattern


def parse_site(slug: str, entry: dict) -> Site:
    """Build a :class:`Site` from one TOML table, raising :class:`RegistryError` on bad data."""
    if not _SLUG.match(slug):
        raise RegistryError(f"site {slug!r}: slug must be lower-case ASCII words joined by '_'")
    for required in ("name", "base_url", "family"):
        if not entry.get(required):
            raise RegistryError(f"site {slug!r}: missing required field {required!r}")
    family = entry["family"]
    if family not in KNOWN_FAMILIES:
        known = ", ".join(sorted(KNOWN_FAMILIES))
        raise RegistryError(f"site {slug!r}: unknown family {family!r} (known: {known})")
    listings = []
    for raw in entry.get("listings", []):
        if not isinstance(raw, dict):
            raise RegistryError(f"site {slug!r}: each listing must be a table with a url")
        listings.append(
            Listing(
                url=_check_url(slug, "listing url", raw.get("url")),
                category=str(raw.get("category", "")),
                reform=bool(raw.get("reform", False)),
            )
        )
    return Site(
        slug=slug,
        name=entry["name"],
        base_url=_check_url(slug, "base_url", entry["base_url"]),
        family=family,
        agency=entry.get("agency", ""),
        province=entry.get("province", ""),
        province_2025=entry.get("province_2025", ""),
        active=bool(entry.get("active", True)),
        listings=tuple(listings),
        article_pattern=_check_regex(slug, "article_pattern", entry.get("article_pattern", "")),
        listing_pattern=_check_regex(slug, "listing_pattern", entry.get("listing_pattern", "")),
        feeds=tuple(_check_url(slug, "feed", u) for u in entry.get("feeds", [])),
        sitemaps=tuple(_check_url(slug, "sitemap", u) for u in entry.get("sitemaps", [])),
        allowed_hosts=tuple(entry.get("allowed_hosts", [])),
    )


def load_registry(path: Path | str | None = None) -> dict[str, Site]:
    """Load every site of the registry file, in file order, keyed by slug."""
    path = Path(path) if path else REGISTRY_PATH
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise RegistryError(f"registry file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML: {exc}") from None
    sites = {slug: parse_site(slug, entry) for slug, entry in data.items()}
    seen_hosts: dict[str, str] = {}
    for site in sites.values():
        for listing in site.listings:
            if urlsplit(listing.url).hostname not in site.hosts:
                raise RegistryError(f"site {site.slug!r}: listing {listing.url} is not on {site.host}")
        other = seen_hosts.get(site.base_url)
        if other:
            raise RegistryError(f"sites {other!r} and {site.slug!r} share the base_url {site.base_url}")
        seen_hosts[site.base_url] = site.slug
    return sites


def site_for_url(url: str, sites: dict[str, Site]) -> Site | None:
    """The registry site whose hosts include the host of ``url``, if any."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for site in sites.values():
        if host in {h.removeprefix("www.") for h in site.hosts}:
            return site
    return None


_FIELDS = {"name", "agency", "province", "province_2025", "base_url", "family", "active", "listings",
           "article_pattern", "listing_pattern", "feeds", "sitemaps", "allowed_hosts"}
_TABLE = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")


def check_registry(path: Path | str | None = None) -> list[str]:
    """Every problem of the registry file, one clear message each (empty when the file is valid)."""
    path = Path(path) if path else REGISTRY_PATH
    if not path.is_file():
        return [f"registry file not found: {path}"]
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = _TABLE.match(line)
        if match:
            slug = match.group(1).strip().strip('"')
            if slug in seen:
                problems.append(f"line {number}: duplicate slug {slug!r} (first at line {seen[slug]})")
            seen.setdefault(slug, number)
    if problems:
        return problems
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        return [f"{path}: not valid TOML: {exc}"]
    sites: list[Site] = []
    for slug, entry in data.items():
        if not isinstance(entry, dict):
            problems.append(f"{slug!r}: a site must be a [table]")
            continue
        unknown = sorted(set(entry) - _FIELDS)
        if unknown:
            problems.append(f"site {slug!r}: unknown field(s) {', '.join(unknown)}")
        try:
            sites.append(parse_site(slug, entry))
        except RegistryError as exc:
            problems.append(str(exc))
    owners: dict[str, str] = {}
    for site in sites:
        for listing in site.listings:
            if urlsplit(listing.url).hostname not in site.hosts:
                problems.append(f"site {site.slug!r}: listing {listing.url} is not on {site.host}")
        key = site.base_url.rstrip("/").lower()
        if key in owners:
            problems.append(f"sites {owners[key]!r} and {site.slug!r} share the base_url {site.base_url}")
        owners.setdefault(key, site.slug)
    return problems
