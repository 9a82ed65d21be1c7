"""Refuses requests to loopback, private and link-local addresses unless ALLOW_PRIVATE_ADDRESSES is set."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response


class PrivateAddressRefused(IgnoreRequest):
    """A request (or a redirect, or a resolved address) pointed at a private network."""


def is_private_ip(address: str) -> bool:
    """True for a loopback, private, link-local, unspecified or reserved IP address."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified or ip.is_reserved


class PrivateAddressMiddleware:
    """Check every request's host (after DNS) and every response's peer address."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.cache: dict[str, bool] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "PrivateAddressMiddleware":
        """Disabled when ALLOW_PRIVATE_ADDRESSES is true (offline snapshot, tests, --allow-private)."""
        if crawler.settings.getbool("ALLOW_PRIVATE_ADDRESSES"):
            raise NotConfigured
        return cls(crawler)

    async def private_host(self, host: str) -> bool:
        """Whether ``host`` is or resolves to a private address (unresolvable hosts are left to the downloader)."""
        if host not in self.cache:
            if is_private_ip(host.strip("[]")):
                self.cache[host] = True
            else:
                try:
                    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
                except (OSError, UnicodeError):
                    infos = []
                self.cache[host] = any(is_private_ip(info[4][0]) for info in infos)
        return self.cache[host]

    async def process_request(self, request: Request) -> None:
        """Refuse a request (first or redirected) to a private host."""
        host = urlsplit(request.url).hostname or ""
        if host and await self.private_host(host):
            self.crawler.stats.inc_value("reformnews/private_refused")
            raise PrivateAddressRefused(f"{host} is a loopback or private address; pass --allow-private to crawl it")
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        """Refuse a response that came from a private peer (DNS changed under us)."""
        peer = getattr(response, "ip_address", None)
        if peer is not None and is_private_ip(str(peer)):
            self.crawler.stats.inc_value("reformnews/private_refused")
            raise PrivateAddressRefused(f"{urlsplit(request.url).hostname} answered from private address {peer}")
        return response
