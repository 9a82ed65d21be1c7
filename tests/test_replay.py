"""The replay download handler answers like the archived server: bodies, 304, 404, DNS failure."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from scrapers.replay import SnapshotDownloadHandler

PAGE = "<html><head><title>Tin</title></head><body><p>Cải cách hành chính</p></body></html>"


@pytest.fixture()
def handler(tmp_path: Path) -> SnapshotDownloadHandler:
    (tmp_path / "bodies").mkdir()
    (tmp_path / "bodies" / "a.html").write_text(PAGE, encoding="utf-8")
    entries = [
        {"url": "https://skhcn.example.gov.vn/tin?id=1", "status": 200,
         "headers": {"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"',
                     "Last-Modified": "Mon, 05 Jun 2023 08:00:00 GMT"},
         "body": "bodies/a.html"},
        {"url": "https://skhcn.example.gov.vn/cu", "status": 301,
         "headers": {"Location": "https://skhcn.example.gov.vn/tin?id=1"}, "body": None},
    ]
    (tmp_path / "index.jsonl").write_text("\n".join(json.dumps(e) for e in entries), encoding="utf-8")
    return SnapshotDownloadHandler(get_crawler(settings_dict={"SNAPSHOT_DIR": str(tmp_path)}))


def fetch(handler: SnapshotDownloadHandler, url: str, **kwargs):
    return asyncio.run(handler.download_request(Request(url, **kwargs)))


def test_serves_stored_body_with_headers(handler):
    response = fetch(handler, "https://skhcn.example.gov.vn/tin?id=1#top")
    assert response.status == 200
    assert "Cải cách hành chính" in response.text
    assert response.headers["ETag"] == b'"v1"'


def test_conditional_request_gets_304(handler):
    assert fetch(handler, "https://skhcn.example.gov.vn/tin?id=1", headers={"If-None-Match": '"v1"'}).status == 304
    assert fetch(handler, "https://skhcn.example.gov.vn/tin?id=1", headers={"If-None-Match": '"v0"'}).status == 200
    since = {"If-Modified-Since": "Tue, 06 Jun 2023 08:00:00 GMT"}
    assert fetch(handler, "https://skhcn.example.gov.vn/tin?id=1", headers=since).status == 304


def test_redirect_and_unknown_path(handler):
    moved = fetch(handler, "https://skhcn.example.gov.vn/cu")
    assert moved.status == 301 and moved.headers["Location"].endswith(b"/tin?id=1")
    missing = fetch(handler, "https://skhcn.example.gov.vn/khong-co")
    assert missing.status == 404 and "Không tìm thấy trang" in missing.text


def test_unknown_host_fails_like_dns(handler):
    with pytest.raises(DNSLookupError):
        fetch(handler, "https://vanished.example.gov.vn/")
