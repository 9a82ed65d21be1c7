"""HTTP helpers the spiders and the downloader middlewares share: conditional requests, decoded headers."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response


def response_headers(response: Response) -> dict[str, str]:
    """The response headers as a plain dict (first value of each)."""
    return {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}


def header(response: Response, name: str) -> str:
    """One response header decoded as :func:`response_headers` does (latin-1); "" when absent.

    ``name`` is matched case-insensitively (Scrapy stores ``ETag`` as ``Etag``, which a plain
    lookup in :func:`response_headers`' dict would miss).
    """
    return (response.headers.get(name) or b"").decode("latin-1")


def conditional(request: Request, etag: str, last_modified: str) -> Request:
    """Make ``request`` conditional on stored validators (a 304 then reaches the callback)."""
    if etag:
        request.headers["If-None-Match"] = etag
    if last_modified:
        request.headers["If-Modified-Since"] = last_modified
    if etag or last_modified:
        request.meta["handle_httpstatus_list"] = [304]
    return request
