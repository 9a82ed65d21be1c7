"""ASP.NET postback pagination: the aspnet navigation follows ``__doPostBack`` pagers with form POSTs,
and the offline web answers those POSTs by their form fields."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlite_utils
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from bench.incremental import build_with_new, registered_urls, requests_by_kind
from scrapers.middlewares.warc import warc_dir_for
from scrapers.replay import SnapshotDownloadHandler
from spiders.families import navigation_for
from spiders.families.base import PostBack
from spiders.run import run_crawl

SLUG = "cantho_sokhcn"  # the snapshot's postback site
PAGER = "dnn$ctr123$UIArticleInMenu$pager"


def listing_page(links: str) -> HtmlResponse:
    """A DNN listing page with an ASP.NET form and the given pager/links markup."""
    html = (f'<html><body><form id="Form" method="post" action="/tin-hoat-dong-cua-so">'
            f'<input type="hidden" name="__EVENTTARGET" value=""><input type="hidden" name="__EVENTARGUMENT" value="">'
            f'<input type="hidden" name="__VIEWSTATE" value="abc">{links}</form></body></html>')
    return HtmlResponse("https://sokhcn.ninhbinh.gov.vn/tin-hoat-dong-cua-so", body=html.encode(), encoding="utf-8")


def postback_link(argument: str, target: str = PAGER) -> str:
    return f"<a href=\"javascript:__doPostBack('{target}','{argument}')\">{argument}</a>"


def test_navigation_reads_numbered_postback_pagers_and_stops_at_the_last_page():
    navigation = navigation_for("aspnet")
    pager = "".join(postback_link(f"Page${n}") for n in (1, 2, 3)) + postback_link("Page$Next")
    calendar = postback_link("7305", target="dnn$ctr99$Calendar")  # a calendar day, not a page
    page = listing_page(pager + calendar + '<a onclick="__doPostBack(\'dnn$pager\',\'4\')" href="#">4</a>')
    assert navigation.next_postback(page, current=1) == PostBack(PAGER, "Page$2", 2)
    assert navigation.next_postback(page, current=3) == PostBack("dnn$pager", "4", 4)
    # The last page's pager still links to itself ("Trang cuối") and back: no next page, no loop.
    last = listing_page("".join(postback_link(f"Page${n}") for n in (1, 2, 3, 3)))
    assert navigation.next_postback(last, current=3) is None
    assert navigation_for("generic").next_postback(page, current=1) is None


# --- the replay of the offline web --------------------------------------------------------------

@pytest.fixture()
def replay(tmp_path: Path) -> SnapshotDownloadHandler:
    (tmp_path / "bodies").mkdir()
    url = "https://sokhcn.example.gov.vn/tin-tuc"
    for name, text in (("p1", "Trang 1"), ("p2", "Trang 2")):
        (tmp_path / "bodies" / f"{name}.html").write_text(f"<html><body>{text}</body></html>", encoding="utf-8")
    headers = {"Content-Type": "text/html; charset=utf-8"}
    entries = [
        {"url": url, "status": 200, "headers": headers, "body": "bodies/p1.html"},
        {"url": url, "status": 200, "headers": headers, "body": "bodies/p2.html", "method": "POST",
         "form": {"__EVENTTARGET": PAGER, "__EVENTARGUMENT": "Page$2"}},
    ]
    (tmp_path / "index.jsonl").write_text("\n".join(json.dumps(e) for e in entries), encoding="utf-8")
    return SnapshotDownloadHandler(get_crawler(settings_dict={"SNAPSHOT_DIR": str(tmp_path)}))


def post(handler: SnapshotDownloadHandler, url: str, form: dict[str, str]):
    request = Request(url, method="POST", body=urlencode(form),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    return asyncio.run(handler.download_request(request))


def test_replay_answers_a_post_by_its_form_field_and_404s_an_unknown_one(replay):
    url = "https://sokhcn.example.gov.vn/tin-tuc"
    assert "Trang 1" in asyncio.run(replay.download_request(Request(url))).text
    page_two = post(replay, url, {"__VIEWSTATE": "xyz", "__EVENTTARGET": PAGER, "__EVENTARGUMENT": "Page$2"})
    assert page_two.status == 200 and "Trang 2" in page_two.text
    unknown = post(replay, url, {"__EVENTTARGET": PAGER, "__EVENTARGUMENT": "Page$9"})
    assert unknown.status == 404 and "Không tìm thấy trang" in unknown.text
    assert post(replay, url + "?x=1", {"__EVENTTARGET": PAGER, "__EVENTARGUMENT": "Page$2"}).status == 404


# --- crawling the snapshot's postback site --------------------------------------------------------

def postback_articles(manifest: dict) -> set[str]:
    """Articles of the snapshot site that only its page-2+ postbacks list."""
    return {url for page in manifest["sites"][SLUG]["postback_pages"] for url in page["articles"]}


@pytest.fixture(scope="module")
def walks(snapshot_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """Crawls of the postback site: the snapshot, then the snapshot with new articles (incremental)."""
    grown = tmp_path_factory.mktemp("snapshot-grown-postback")
    build_with_new(grown, 2)
    db = tmp_path_factory.mktemp("postback") / "archive.db"
    first = run_crawl(db, sites=[SLUG], snapshot_dir=snapshot_dir, progress=False)
    second = run_crawl(db, sites=[SLUG], snapshot_dir=grown, progress=False)
    return db, grown, first, second


def test_snapshot_site_paginates_by_postback_only(manifest):
    site = manifest["sites"][SLUG]
    assert site["family"] == "aspnet" and len(site["postback_pages"]) >= 4
    assert all(page["url"] in site["listings"] and page["page"] >= 2 for page in site["postback_pages"])
    assert not [u for u in site["listings"] if "page=" in u]  # no page of its listings has a URL of its own
    assert len(postback_articles(manifest)) >= 10


def test_postback_walk_finds_page_two_articles_and_stops_at_the_last_page(walks, manifest):
    db, _, first, _ = walks
    assert first.ok
    archived = {r["url"] for r in sqlite_utils.Database(db).query("select url from articles")}
    expected = {a["url"] for a in manifest["sites"][SLUG]["articles"]}
    assert postback_articles(manifest) <= archived
    assert expected <= archived and first.counts["new"] == len(expected)
    pages = manifest["sites"][SLUG]["postback_pages"]
    kinds = requests_by_kind(warc_dir_for(db), first.run_id)
    # Pages 2 and 3 of one URL are both posted (the dupefilter's fingerprint includes the body), and no page
    # past the last: its pager links back to itself ("Trang cuối").
    assert kinds["listing"] == len(manifest["sites"][SLUG]["listings"]) + len(pages)
    state = {r["url"]: r["walk_complete"] for r in sqlite_utils.Database(db).query(
        "select url, walk_complete from fetch_state where kind = 'listing'")}
    assert {f"{p['url']}#page={p['page']}" for p in pages} <= set(state)  # keyed by listing URL + page
    assert all(state.values())


def test_second_crawl_stops_at_known_articles(walks, snapshot_dir):
    db, grown, _, second = walks
    listings = json.loads((grown / "manifest.json").read_text(encoding="utf-8"))["sites"][SLUG]["listings"]
    assert second.ok
    added = registered_urls(grown)[SLUG] - registered_urls(snapshot_dir)[SLUG]
    kinds = requests_by_kind(warc_dir_for(db), second.run_id)
    assert added and kinds["article"] == len(added) and second.counts["new"] == len(added)
    assert kinds["listing"] == len(listings)  # page 1 of each listing: mostly known, no postback sent
    archived = {r["url"] for r in sqlite_utils.Database(db).query("select url from articles")}
    assert registered_urls(grown)[SLUG] <= archived  # the page-2+ articles from the first walk, and the new ones
