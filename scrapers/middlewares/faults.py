"""Faults a person can read: redirect loops and off-site redirects caught, retried failures explained.

Scrapy's own failure texts ("DownloadFailedError: [<twisted...ConnectionLost...>]", "the server
answered HTTP 503") and its silent drops (a redirect loop vanishes in the duplicate filter) become
one `crawl_errors` reason each: the middlewares note a reason per URL in a ledger, the pipeline
puts it on the CrawlError item before the archive stores it.
"""

from __future__ import annotations

import re
import weakref
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

from scrapers.items import CrawlError
from scrapers.middlewares.private import is_private_ip

_LEDGERS: "weakref.WeakKeyDictionary[Crawler, dict[str, tuple[str, str, int | None]]]" = weakref.WeakKeyDictionary()
LOGIN_PATH = re.compile(r"(?i)/(dang-?nhap|login|signin|sign-in|user/login|quan-tri/login)(/|$|\?|\.)")


class Fault(IgnoreRequest):
    """A page given up for a reason a person understands (``kind`` is the short machine key)."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def ledger(crawler: Crawler) -> dict[str, tuple[str, str, int | None]]:
    """The crawl's URL -> (kind, reason, HTTP status) notes."""
    return _LEDGERS.setdefault(crawler, {})


def note(crawler: Crawler, url: str, kind: str, reason: str, status: int | None = None) -> None:
    """Remember why ``url`` failed, for the CrawlError the spider's errback will yield."""
    ledger(crawler)[url] = (kind, reason, status)
    crawler.stats.inc_value(f"reformnews/fault/{kind}")


def fail(crawler: Crawler, request: Request, kind: str, reason: str, status: int | None = None) -> Fault:
    """Note the reason and return the Fault to raise."""
    note(crawler, request.url, kind, reason, status)
    return Fault(kind, reason)


def same_url(url: str) -> str:
    """A URL as Scrapy would request it (percent-encoded, no fragment), for comparisons."""
    try:
        return urldefrag(safe_url_string(url))[0]
    except ValueError:
        return url


def host_allowed(host: str, domains: list[str] | None) -> bool:
    """True when ``host`` is one of ``domains`` or under one (no domains: anything goes)."""
    if not domains:
        return True
    host = host.lower().rstrip(".")
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in domains if d)


def short(url: str) -> str:
    """Path and query of a URL (what a person reads in a redirect chain)."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class RedirectGuardMiddleware:
    """Before Scrapy follows a 3xx: refuse loops, overlong chains, off-site, private and login targets."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_times = crawler.settings.getint("REDIRECT_MAX_TIMES", 20)
        self.allow_private = crawler.settings.getbool("ALLOW_PRIVATE_ADDRESSES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "RedirectGuardMiddleware":
        """Built by Scrapy (priority above RedirectMiddleware's 600, so it sees the 3xx first)."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        """Raise a Fault for a redirect that must not be followed; pass everything else."""
        location = response.headers.get("Location")
        if not (300 <= response.status < 400 and location) or request.meta.get("dont_redirect"):
            return response
        if response.status in request.meta.get("handle_httpstatus_list", ()) or request.meta.get("handle_httpstatus_all"):
            return response
        try:
            target = same_url(urljoin(request.url, location.decode("latin-1").strip()))
            host = urlsplit(target).hostname or ""
        except ValueError:
            raise fail(self.crawler, request, "redirect", "redirect to a malformed address", response.status) from None
        chain = [*request.meta.get("redirect_urls", []), request.url]
        seen = {same_url(u) for u in chain}
        if target in seen:
            path = " → ".join(short(u) for u in [*chain, target])
            raise fail(self.crawler, request, "redirect_loop", f"redirect loop: {path}", response.status)
        if len(chain) > self.max_times:
            raise fail(self.crawler, request, "redirect", f"more than {self.max_times} redirects in a row",
                       response.status)
        domains = getattr(self.crawler.spider, "allowed_domains", None)
        if not host_allowed(host, domains):
            raise fail(self.crawler, request, "offsite_redirect", f"redirected off the site to {host or target}",
                       response.status)
        if not self.allow_private and is_private_ip(host.strip("[]")):
            raise fail(self.crawler, request, "private", f"redirected to the private address {host}",
                       response.status)
        if LOGIN_PATH.search(urlsplit(target).path + "?"):
            raise fail(self.crawler, request, "login", f"redirected to a login page ({short(target)})",
                       response.status)
        return response


def _tries(request: Request) -> int:
    return int(request.meta.get("retry_times", 0)) + 1


def _plural(n: int) -> str:
    return f"{n} tries" if n != 1 else "1 try"


def explain_exception(exception: BaseException, request: Request, settings: Any) -> tuple[str, str] | None:
    """(kind, reason) for a download exception that retries could not cure, or None."""
    name = type(exception).__name__
    text = f"{name} {exception}"
    tries = _plural(_tries(request))
    if "Timeout" in name or "TimedOut" in name:
        timeout = request.meta.get("download_timeout") or settings.getfloat("DOWNLOAD_TIMEOUT", 180)
        return "timeout", f"the server did not answer within {float(timeout):g} s ({tries})"
    if name == "DownloadCancelledError" or "max size" in text or "maxsize" in text.lower():
        limit = request.meta.get("download_maxsize") or settings.getint("DOWNLOAD_MAXSIZE")
        return "too_large", f"page larger than {limit / 2 ** 20:g} MB: download stopped"
    if "ConnectionRefused" in text:
        return "connection", f"the server refused the connection ({tries})"
    if any(word in text for word in ("ConnectionLost", "ConnectionDone", "ConnectionReset", "ResponseNeverReceived",
                                     "ResponseFailed", "DownloadFailedError", "PotentialDataLoss")):
        return "connection", f"the server closed or reset the connection before the page arrived ({tries})"
    if "DNSLookup" in name:
        return "dns", "the host name does not resolve (site gone or renamed?)"
    return None


class FaultReasonsMiddleware:
    """Just below the retry middleware: what reaches it has used up its retries; note why."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.retry_codes = {int(c) for c in crawler.settings.getlist("RETRY_HTTP_CODES")}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "FaultReasonsMiddleware":
        """Built by Scrapy."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        """A retryable status that got through: the server kept failing."""
        if response.status in self.retry_codes:
            reason = f"server error {response.status} after {_plural(_tries(request))}"
            if response.headers.get("Retry-After"):
                reason += f" (it asked to wait {response.headers.get('Retry-After').decode('latin-1')} s)"
            note(self.crawler, request.url, "http", reason, response.status)
        elif response.status >= 400:
            note(self.crawler, request.url, "http", f"the server answered HTTP {response.status}", response.status)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A download error that got through the retries: note a plain reason."""
        found = explain_exception(exception, request, self.crawler.settings)
        if found:
            note(self.crawler, request.url, *found)
        return None


# Scrapy's own texts for failures no middleware of ours saw, and what they mean.
_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"exceeded DOWNLOAD_MAXSIZE \((\d+) B\) during decompression"), "too_large",
     "page larger than {mb} MB once decompressed (a compression bomb?)"),
    (re.compile(r"max redirections reached"), "redirect", "too many redirects"),
    (re.compile(r"[Ff]iltered offsite request to '?([^'\s:]+)"), "offsite_redirect", "redirected off the site to {0}"),
    (re.compile(r"^(?:Fault|IgnoreRequest): (.+)$", re.S), "", "{0}"),
)


def improve(error: CrawlError, notes: dict[str, tuple[str, str, int | None]]) -> CrawlError:
    """The CrawlError with the noted reason for its URL, or Scrapy's text made readable."""
    noted = notes.pop(error.url, None)
    if noted is not None and (error.kind in ("fetch", "http", "timeout", "dns", "") or error.reason.startswith("Fault")):
        kind, reason, status = noted
        if error.kind == "http" and kind == "http" and "server error" not in reason:
            return error  # a plain 4xx: the spider's own wording is right
        error.kind, error.reason = kind, reason
        error.http_status = error.http_status if error.http_status is not None else status
        return error
    for pattern, kind, template in _RULES:
        match = pattern.search(error.reason or "")
        if match:
            groups = match.groups()
            mb = f"{int(groups[0]) / 2 ** 20:g}" if kind == "too_large" else ""
            error.reason = template.format(*groups, mb=mb)
            error.kind = kind or error.kind
            return error
    return error
