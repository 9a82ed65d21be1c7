"""Crawl traps are reported once per site and kind, with the URL where the crawl stopped (no network)."""

from __future__ import annotations

import scrapy
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from scrapers.items import CrawlError
from spiders.generic import GenericSpider
from spiders.traps import chain_kind, shape, trap_kind

ROOT = "https://khcn.example.gov.vn"


def spider() -> GenericSpider:
    crawler = get_crawler(GenericSpider, {"DEPTH_LIMIT": 6})
    return GenericSpider.from_crawler(crawler, url=ROOT + "/")


def response(url: str, links: list[str], *, depth: int, same_shape: int = 1) -> HtmlResponse:
    body = "<html><body>" + "".join(f'<a href="{href}">x</a>' for href in links) + "</body></html>"
    request = scrapy.Request(url, meta={"depth": depth, "same_shape": same_shape})
    return HtmlResponse(url, body=body.encode(), encoding="utf-8", request=request)


def errors(output: list) -> list[CrawlError]:
    return [o for o in output if isinstance(o, CrawlError)]


def test_trap_kinds_and_shapes():
    assert trap_kind(ROOT + "/lich-cong-tac?thang=5&nam=2024") == "calendar"
    assert trap_kind(ROOT + "/tin-tuc?page=500") == "pagination"
    assert trap_kind(ROOT + "/a/b/a/b/a/b.html") == "path loop"
    assert trap_kind(ROOT + "/tin-tuc/bai-1.html") == ""
    assert chain_kind(ROOT + "/su-kien/2024-01-07") == "calendar"
    assert chain_kind(ROOT + "/tin-moi?page=7") == "pagination"
    assert shape(ROOT + "/tin-moi?page=7") == shape(ROOT + "/tin-moi?page=12") != shape(ROOT + "/tin-tuc?page=7")


def test_refused_trap_links_leave_one_error_per_site_and_kind():
    crawl = spider()
    calendar = [f"/lich-cong-tac?thang={m}&nam=2024" for m in range(1, 13)]
    first = list(crawl.follow(response(ROOT + "/", [*calendar, "/tin-tuc/bai-1.html"], depth=0)))
    again = list(crawl.follow(response(ROOT + "/tin-tuc/bai-1.html", calendar, depth=1)))
    reported = errors(first) + errors(again)
    assert len(reported) == 1
    assert reported[0].kind == "trap" and reported[0].url == ROOT + calendar[0]
    assert reported[0].reason == "calendar trap: links like /lich-cong-tac?thang=1&nam=2024 are not followed (they never end)"
    requested = [o.url for o in first + again if isinstance(o, scrapy.Request)]
    assert requested == [ROOT + "/tin-tuc/bai-1.html"]  # no calendar page is asked for


def test_a_chain_cut_at_the_depth_limit_is_reported_once_at_the_unfetched_page():
    crawl = spider()
    crawl.requested.add(ROOT + "/su-kien/2024-01-05")  # fetched on the way: going back is no cut
    deep = response(ROOT + "/su-kien/2024-01-06", ["/su-kien/2024-01-05", "/su-kien/2024-01-07", "/"],
                    depth=6, same_shape=6)
    reported = errors(list(crawl.follow(deep)))
    assert [(e.url, e.reason) for e in reported] == [
        (ROOT + "/su-kien/2024-01-07",
         "calendar trap: stopped following /su-kien/2024-01-07 after 6 pages like it (depth limit 6)")]
    other = response(ROOT + "/su-kien/2023-12-27", ["/su-kien/2023-12-26"], depth=6, same_shape=6)
    assert errors(list(crawl.follow(other))) == []  # the other direction of the same calendar: already reported
    sibling = response(ROOT + "/tin-tuc/bai-1.html", ["/tin-tuc/bai-2.html"], depth=6, same_shape=1)
    assert errors(list(crawl.follow(sibling))) == []  # one article linking another: no chain, no trap
    shallow = response(ROOT + "/tin-moi?page=2", ["/tin-moi?page=3"], depth=2, same_shape=2)
    out = list(crawl.follow(shallow))
    assert errors(out) == [] and out[0].meta["same_shape"] == 3
