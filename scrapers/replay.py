"""Download handler that answers requests from a stored snapshot instead of the network.

The snapshot directory (written by ``snapshot.build``) holds ``index.jsonl``: one stored HTTP
response per line (url, status, headers, body file). Requests keep their real URLs; the handler
answers as the live server would, including redirects, 404s for unknown paths, DNS failures for
unknown hosts, and 304 for conditional requests whose ETag or Last-Modified still match.

A line with ``"method": "POST"`` and ``"form": {"__EVENTARGUMENT": "Page$2", ...}`` answers a POST
to its URL whose form body holds those fields (ASP.NET postback pagination); any other POST gets
the site's 404 page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from twisted.internet.error import DNSLookupError
from w3lib.url import safe_url_string

NOT_FOUND_PAGE = (
    "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>404 - Không tìm thấy trang"
    "</title></head><body><h1>Không tìm thấy trang</h1><p>Trang bạn yêu cầu không tồn tại hoặc đã "
    "bị xóa.</p><p><a href=\"/\">Quay về trang chủ</a></p></body></html>"
).encode("utf-8")


@dataclass(frozen=True)
class StoredResponse:
    """One response of the snapshot; the body is read from disk when served."""

    url: str
    status: int
    headers: dict[str, str]
    body_path: Path | None
    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()  # POST: the form fields that select this response

    def answers_form(self, fields: dict[str, str]) -> bool:
        """Whether a posted form (field -> value) holds every field this POST response is keyed by."""
        return all(fields.get(name) == value for name, value in self.form)


class Snapshot:
    """An index of stored responses, looked up by request URL."""

    def __init__(self, directory: Path | str):
        self.directory = Path(directory)
        index = self.directory / "index.jsonl"
        if not index.is_file():
            raise FileNotFoundError(
                f"no offline snapshot at {self.directory} (index.jsonl missing); "
                "build one with `python -m snapshot.build DIR`"
            )
        self.responses: dict[str, StoredResponse] = {}
        self.posts: dict[str, list[StoredResponse]] = {}
        with index.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                entry = json.loads(line)
                body = entry.get("body")
                stored = StoredResponse(
                    url=entry["url"],
                    status=int(entry.get("status", 200)),
                    headers=dict(entry.get("headers", {})),
                    body_path=self.directory / body if body else None,
                    method=entry.get("method", "GET").upper(),
                    form=tuple(sorted(entry.get("form", {}).items())),
                )
                if stored.method == "POST":
                    self.posts.setdefault(self._key(entry["url"]), []).append(stored)
                else:
                    self.responses[self._key(entry["url"])] = stored
        self.hosts = {urlsplit(url).hostname for url in (*self.responses, *self.posts)}

    @staticmethod
    def _key(url: str) -> str:
        return safe_url_string(urldefrag(url)[0])

    def lookup(self, url: str) -> StoredResponse | None:
        """The stored response for ``url`` (fragment ignored), or None."""
        return self.responses.get(self._key(url))

    def lookup_post(self, url: str, body: bytes) -> StoredResponse | None:
        """The stored answer to a form POST of ``body`` (urlencoded) to ``url``, or None."""
        fields = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return next((s for s in self.posts.get(self._key(url), []) if s.answers_form(fields)), None)

    def body(self, stored: StoredResponse) -> bytes:
        """The stored body bytes (empty for redirects)."""
        return stored.body_path.read_bytes() if stored.body_path else b""


def _not_modified(request: Request, headers: dict[str, str]) -> bool:
    """True when the request's validators still match the stored response."""
    etag = headers.get("ETag")
    if_none_match = request.headers.get("If-None-Match")
    if etag and if_none_match is not None:
        return if_none_match.decode("latin-1").strip() == etag
    last_modified = headers.get("Last-Modified")
    if_modified_since = request.headers.get("If-Modified-Since")
    if last_modified and if_modified_since is not None:
        try:
            since = parsedate_to_datetime(if_modified_since.decode("latin-1"))
            return parsedate_to_datetime(last_modified) <= since
        except (TypeError, ValueError):
            return False
    return False


class SnapshotDownloadHandler(BaseDownloadHandler):
    """Serve http(s) requests from the directory named by the ``SNAPSHOT_DIR`` setting."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.snapshot = Snapshot(crawler.settings.get("SNAPSHOT_DIR"))

    async def download_request(self, request: Request) -> Response:
        """Answer ``request`` as the archived server would."""
        host = urlsplit(request.url).hostname
        if host not in self.snapshot.hosts:
            raise DNSLookupError(f"{host}: no such host in the offline snapshot")
        if request.method == "POST":
            stored = self.snapshot.lookup_post(request.url, request.body)
        else:
            stored = self.snapshot.lookup(request.url)
        if stored is None:
            headers = Headers({"Content-Type": "text/html; charset=utf-8"})
            return responsetypes.from_args(headers=headers, url=request.url)(
                url=request.url, status=404, headers=headers, body=NOT_FOUND_PAGE, request=request
            )
        if stored.status == 200 and stored.method == "GET" and _not_modified(request, stored.headers):
            return Response(url=request.url, status=304, headers=Headers(stored.headers), request=request)
        headers = Headers(stored.headers)
        body = b"" if request.method == "HEAD" else self.snapshot.body(stored)
        respcls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return respcls(url=request.url, status=stored.status, headers=headers, body=body, request=request)
