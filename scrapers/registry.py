"""Loads and validates the site registry (`scrapers/sites.toml`)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_args, get_type_hints
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
class SiteOptions:
    """Per-site overrides of crawl settings (``options = { ... }`` in the registry); None means the global setting.

    Each option is the site's own value of the setting it is named after. Its type (``int`` or ``float``;
    a whole number is accepted for a float option) is the field's, its allowed range the field's
    ``metadata["range"]`` (lowest, highest): :func:`parse_options` checks both.
    """

    # DOWNLOAD_DELAY: seconds between requests to the site's hosts (a floor)
    download_delay: float | None = field(default=None, metadata={"range": (0.1, 60.0)})
    # CONCURRENT_REQUESTS_PER_DOMAIN: requests at a time to each of its hosts
    # (the archive promises at most 2 requests at a time per site)
    concurrency: int | None = field(default=None, metadata={"range": (1, 2)})
    # DOWNLOAD_TIMEOUT: seconds to wait for one of its pages
    download_timeout: float | None = field(default=None, metadata={"range": (1.0, 300.0)})
    # LISTING_MAX_PAGES: pages walked per listing
    listing_max_pages: int | None = field(default=None, metadata={"range": (1, 1000)})
    # REVISIT_AFTER_DAYS: age at which its articles are re-checked
    revisit_after_days: float | None = field(default=None, metadata={"range": (1.0, 3650.0)})


def option_rules() -> dict[str, tuple[type, float, float]]:
    """name -> (type, lowest, highest) of every :class:`SiteOptions` field, in declaration order."""
    hints = get_type_hints(SiteOptions)
    return {f.name: (next(t for t in get_args(hints[f.name]) if t is not type(None)), *f.metadata["range"])
            for f in fields(SiteOptions)}


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
    options: SiteOptions = SiteOptions()

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


def parse_options(slug: str, raw: object) -> SiteOptions:
    """The ``options`` table of a site, raising :class:`RegistryError` for an unknown name, type or range."""
    if not isinstance(raw, dict):
        raise RegistryError(f"site {slug!r}: options must be a table, e.g. options = {{ download_delay = 3.0 }}")
    rules = option_rules()
    values: dict[str, float | int] = {}
    for name, value in raw.items():
        if name not in rules:
            known = ", ".join(rules)
            raise RegistryError(f"site {slug!r}: unknown option {name!r} (known: {known})")
        kind, lowest, highest = rules[name]
        wanted = "a whole number" if kind is int else "a number"
        is_number = isinstance(value, int if kind is int else (int, float)) and not isinstance(value, bool)
        if not is_number:
            raise RegistryError(f"site {slug!r}: option {name} must be {wanted}, not {value!r}")
        if not lowest <= value <= highest:
            raise RegistryError(f"site {slug!r}: option {name} = {value!r} is out of range "
                                f"({lowest:g} to {highest:g})")
        values[name] = kind(value)
    return SiteOptions(**values)


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
        options=parse_options(slug, entry["options"]) if "options" in entry else SiteOptions(),
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


def download_slots(sites: Iterable[Site], *, default_delay: float = 0.0,
                   max_concurrency: int | None = None) -> dict[str, dict[str, Any]]:
    """Scrapy's ``DOWNLOAD_SLOTS`` for the sites' ``download_delay`` and ``concurrency`` options.

    One slot per host (with and without "www.", as Scrapy keys slots by host name). A delay is a
    floor: never below ``default_delay`` (DOWNLOAD_DELAY); a concurrency never above
    ``max_concurrency`` (CONCURRENT_REQUESTS_PER_DOMAIN). Hosts shared by sites take the politer value.
    """
    slots: dict[str, dict[str, Any]] = {}
    for site in sites:
        delay, concurrency = site.options.download_delay, site.options.concurrency
        if delay is None and concurrency is None:
            continue
        hosts = {h.lower().removeprefix("www.") for h in site.hosts if h}
        for host in sorted(hosts | {"www." + h for h in hosts}):
            slot = slots.setdefault(host, {})
            if delay is not None:
                slot["delay"] = max(slot.get("delay", 0.0), delay, default_delay)
            if concurrency is not None:
                limit = min(concurrency, max_concurrency) if max_concurrency else concurrency
                slot["concurrency"] = min(slot.get("concurrency", limit), limit)
    return slots


_FIELDS = {"name", "agency", "province", "province_2025", "base_url", "family", "active", "listings",
           "article_pattern", "listing_pattern", "feeds", "sitemaps", "allowed_hosts", "options"}
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
