"""Security: private addresses refused (redirects included), spiders stay on their site, hostile HTML
sanitised on display, export never overwrites the archive. (Datasette read-only: test_datasette_publish.py.)"""

from __future__ import annotations

import asyncio
import os
import urllib.request

import pytest
from click.testing import CliRunner
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from scrapers.middlewares.faults import Fault, RedirectGuardMiddleware
from scrapers.middlewares.private import PrivateAddressMiddleware, PrivateAddressRefused
from tests.faultweb import FaultWeb


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


def raw_answer(url: str) -> Response:
    """The fault web's answer to ``url`` as a Scrapy Response, redirects not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        answer = opener.open(url, timeout=5)
        status, headers, body = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as exc:
        status, headers, body = exc.code, exc.headers, exc.read()
    return Response(url, status=status, headers=dict(headers.items()), body=body, request=Request(url))


@pytest.fixture(scope="module")
def web():
    with FaultWeb() as server:
        yield server


@pytest.mark.parametrize("path, host", [("chuyen/metadata.html", "169.254.169.254"), ("chuyen/noi-bo.html", "10.0.0.1")])
def test_a_redirect_to_a_private_address_is_refused_in_a_live_crawl(web, path, host):
    crawler = get_crawler(settings_dict={"ALLOW_PRIVATE_ADDRESSES": False})
    response = raw_answer(web.url + path)
    assert response.status == 302
    redirected = RedirectMiddleware.from_crawler(crawler).process_response(response.request, response)
    assert isinstance(redirected, Request) and host in redirected.url
    private = PrivateAddressMiddleware.from_crawler(crawler)
    with pytest.raises(PrivateAddressRefused, match=host):
        asyncio.run(private.process_request(redirected))


def test_the_redirect_guard_refuses_private_and_offsite_targets_before_they_are_requested(web):
    crawler = get_crawler(settings_dict={"ALLOW_PRIVATE_ADDRESSES": False})
    crawler.spider = type("S", (), {"allowed_domains": None})()
    guard = RedirectGuardMiddleware.from_crawler(crawler)
    response = raw_answer(web.url + "chuyen/metadata.html")
    with pytest.raises(Fault, match="private address 169.254.169.254"):
        guard.process_response(response.request, response)
    crawler.spider.allowed_domains = ["127.0.0.1"]
    response = raw_answer(web.url + "chuyen/ra-ngoai.html")
    with pytest.raises(Fault, match="off the site to example.org"):
        guard.process_response(response.request, response)


def test_tests_and_allow_private_may_fetch_private_addresses():
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        PrivateAddressMiddleware.from_crawler(get_crawler(settings_dict={"ALLOW_PRIVATE_ADDRESSES": True}))
    crawler = get_crawler(settings_dict={"ALLOW_PRIVATE_ADDRESSES": True})
    crawler.spider = type("S", (), {"allowed_domains": ["127.0.0.1"]})()
    guard = RedirectGuardMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.1:8000/a")
    moved = Response(request.url, status=302, headers={"Location": "/b"}, request=request)
    assert guard.process_response(request, moved) is moved


def test_hostile_article_html_is_sanitised_for_display():
    from archive.datasette_filters import rn_article_html, rn_clean_html, rn_http_url

    hostile = ('<p onclick="steal()">Cải cách</p><script>alert(1)</script><img src=x onerror="alert(2)">'
               '<a href="javascript:alert(3)">x</a><iframe src="http://evil.example/"></iframe>'
               '<style>body{display:none}</style><svg onload="alert(4)"></svg><a href="data:text/html,hi">d</a>')
    for clean in (rn_article_html(hostile), rn_clean_html(hostile)):
        lowered = str(clean).lower()
        for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "onload", "data:text", "<style"):
            assert bad not in lowered, (bad, clean)
        assert "Cải cách" in str(clean)
    assert rn_http_url("javascript:alert(1)") in ("", None) and rn_http_url("https://a.gov.vn/") == "https://a.gov.vn/"


def test_export_never_overwrites_the_archive_even_through_a_link(tmp_path):
    from archive.cli import main
    from archive.store import Archive

    db = tmp_path / "archive.db"
    Archive(db).close()
    before = db.read_bytes()
    os.link(db, tmp_path / "hardlink.db")
    os.symlink(db, tmp_path / "symlink.db")
    for target in (db, tmp_path / "hardlink.db", tmp_path / "symlink.db", tmp_path / "archive.db-wal"):
        result = CliRunner().invoke(main, ["export", "--db", str(db), "-o", str(target)])
        assert result.exit_code != 0 and "refusing" in result.output, (target, result.output)
        assert "Traceback" not in result.output
    assert db.read_bytes() == before


def test_a_generic_crawl_stays_on_its_host():
    from spiders.generic import GenericSpider

    spider = GenericSpider(url="https://sokhcn.example.gov.vn/")
    assert spider.allowed_domains == ["sokhcn.example.gov.vn"]
    assert not spider.wanted("http://sởkhcn.example/") and not spider.wanted("http://169.254.169.254/")
    assert spider.wanted("https://sokhcn.example.gov.vn/tin-tuc/a.html")
