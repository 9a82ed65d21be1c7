"""The archive store: schema migrations, idempotent upserts, duplicates, full-text search, runs."""

from __future__ import annotations

import pytest
import sqlite_utils

from archive import migrations
from archive.keys import article_id
from archive.store import Archive
from scrapers.items import Article, Attachment, CrawlError, Image
from scrapers.registry import load_registry

SITE = "binhdinh_skhcn"
BASE = "https://skhcn.binhdinh.gov.vn/index.php/Home/ChiTietTin/?tin="
REFORM_LISTING = "https://skhcn.binhdinh.gov.vn/index.php/Home/DanhSachTin/?loai=12"


def make_article(n: int = 1, **fields) -> Article:
    values = {
        "url": f"{BASE}{n}",
        "title": f"Cải cách hành chính tại Đà Nẵng, số {n}",
        "body": f"Sở Khoa học và Công nghệ đẩy mạnh thuỷ lợi số {n}.\nĐoạn thứ hai của tin {n}.",
        "site": SITE,
        "published_at": f"2024-03-{n:02d}T08:30:00+07:00",
        "images": [Image(src="https://skhcn.binhdinh.gov.vn/a.jpg", caption="Hội nghị")],
        "attachments": [Attachment(url="https://skhcn.binhdinh.gov.vn/a.pdf", name="Kế hoạch", type="pdf")],
    }
    values.update(fields)
    return Article(**values)


@pytest.fixture
def archive() -> Archive:
    store = Archive(sqlite_utils.Database(memory=True))
    store.sync_sites(load_registry().values())
    return store


def search(archive: Archive, words: str) -> list[str]:
    sql = ("select a.url from articles_fts join articles a on a.search_key = articles_fts.rowid "
           "where articles_fts match ? order by a.url")
    return [r["url"] for r in archive.db.query(sql, [words])]


def test_migrations_are_idempotent(tmp_path):
    path = tmp_path / "a.db"
    Archive(path).close()
    db = sqlite_utils.Database(path)
    tables = set(db.table_names())
    migrations.apply(db)
    migrations.apply(db)
    assert set(db.table_names()) == tables
    assert {"sites", "articles", "crawl_runs", "crawl_errors", "articles_fts"} <= tables
    assert db.journal_mode == "wal"
    assert [m.name for m in migrations.migrations.applied(db)][0] == "m001_initial"
    assert not migrations.migrations.pending(db)
    Archive(path).close()  # reopening applies nothing and fails nothing


def test_articles_are_indexed_by_site_and_date(archive):
    indexed = {tuple(i.columns) for i in archive.db["articles"].indexes}
    assert ("site",) in indexed and ("published_at",) in indexed


def test_upsert_new_unchanged_updated(archive):
    article = make_article()
    assert archive.upsert_article(article) == "new"
    first = archive.get_article(article.url)
    assert first["id"] == article_id(article.url)
    assert archive.upsert_article(make_article()) == "unchanged"
    changed = make_article(body="Nội dung đã sửa.\nThêm một đoạn.")
    assert archive.upsert_article(changed) == "updated"
    row = archive.get_article(article.url)
    assert row["body"] == "Nội dung đã sửa.\nThêm một đoạn." and row["first_seen"] == first["first_seen"]
    versions = list(archive.db.query("select * from article_versions"))
    assert [v["body"] for v in versions] == [article.body]
    assert archive.db["articles"].count == 1


def test_reupserting_a_crawl_never_duplicates_rows(archive):
    for _ in range(3):
        for n in range(1, 6):
            archive.upsert_article(make_article(n))
    assert archive.db["articles"].count == 5
    assert archive.db["articles_fts"].count == 5


def test_same_text_at_another_url_of_the_site_is_a_duplicate(archive):
    archive.upsert_article(make_article(1))
    twin = make_article(1, url=f"{BASE}copy-of-1", body=make_article(1).body.replace("thuỷ", "thủy"))
    assert archive.upsert_article(twin) == "duplicate"
    assert archive.db["articles"].count == 1
    assert f"{BASE}copy-of-1" in archive.known_urls(SITE)
    assert archive.upsert_article(twin) == "duplicate"


def test_same_text_on_another_site_is_not_a_duplicate(archive):
    archive.upsert_article(make_article(1))
    other = make_article(1, url="https://sokhcn.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/2/3",
                         site="quangtri_sokhcn")
    assert archive.upsert_article(other) == "new"


def test_failed_article_is_refused(archive):
    with pytest.raises(ValueError, match="failed article"):
        archive.upsert_article(Article.failed(f"{BASE}9", "no article body found"))


def test_row_holds_json_lists_dates_and_year(archive):
    archive.upsert_article(make_article(3, published_at="2024-03-03T01:30:00Z"))
    row = archive.get_article(f"{BASE}3")
    assert row["published_at"] == "2024-03-03T08:30:00+07:00" and row["year"] == 2024
    assert '"caption": "Hội nghị"' in row["images"] and '"type": "pdf"' in row["attachments"]
    assert len(row["content_hash"]) == 16


@pytest.mark.parametrize("query", ["cai cach hanh chinh", "cải cách hành chính", "da nang", "Đà Nẵng",
                                   "DA NANG", "thuỷ lợi", "thủy lợi", "thuy loi"])
def test_full_text_search_with_and_without_tone_marks(archive, query):
    archive.upsert_article(make_article(1))
    archive.upsert_article(make_article(2, title="Tin khác", body="Không liên quan gì cả."))
    assert search(archive, query) == [f"{BASE}1"]


def test_search_follows_updates_and_deletes(archive):
    archive.upsert_article(make_article(1))
    archive.upsert_article(make_article(1, body="Chuyển đổi số ở Quảng Trị."))
    assert search(archive, "thuy loi") == []
    assert search(archive, "quang tri") == [f"{BASE}1"]
    archive.db.execute("delete from articles")
    assert archive.db["articles_fts"].count == 0
    archive.upsert_article(make_article(4))
    archive.rebuild_search()
    assert search(archive, "da nang") == [f"{BASE}4"]


def test_reform_from_listing_category_or_spider(archive):
    archive.upsert_article(make_article(1, found_on=REFORM_LISTING + "&trang=3"))
    archive.upsert_article(make_article(2, found_on=REFORM_LISTING + "0"))  # ?loai=120 is another listing
    archive.upsert_article(make_article(3, category="Tin CCHC"))
    archive.upsert_article(make_article(4, reform=True))
    archive.upsert_article(make_article(5, title="Tin thể thao", body="Bóng đá."))
    flags = {r["url"][-1]: r["reform"] for r in archive.db.query("select url, reform from articles")}
    assert flags == {"1": 1, "2": 0, "3": 1, "4": 1, "5": 0}
    archive.upsert_article(make_article(1, found_on="https://skhcn.binhdinh.gov.vn/index.php/Home/DanhSachTin/?loai=3"))
    assert archive.get_article(f"{BASE}1")["reform"] == 1  # once reform, always reform


def test_runs_errors_and_site_stats(archive):
    run = archive.start_run("site", [SITE])
    archive.upsert_article(make_article(1))
    archive.record_error(run, CrawlError(url=f"{BASE}404", reason="the server answered HTTP 404",
                                         site=SITE, http_status=404, kind="http"))
    archive.finish_run(run, {"new": 1, "requests": 7, "bytes": 1234, "per_site": {SITE: {"new": 1, "errors": 1}}}, "ok")
    summary = archive.run_summary(run)
    assert summary["status"] == "ok" and summary["counts"]["errors"] == 1 and summary["counts"]["requests"] == 7
    assert summary["per_site"][SITE]["new"] == 1
    error = next(archive.db.query("select * from crawl_errors"))
    assert error["run_id"] == run and error["reason"] == "the server answered HTTP 404"
    stats = archive.site_stats()[SITE]
    assert stats["articles"] == 1 and stats["last_crawl"]
    archive.fail_run(run, "crawl process exited with status 1")
    assert archive.run_summary(run)["status"] == "failed"


def test_sync_sites_writes_registry_and_listings(archive):
    row = next(archive.db.query("select * from sites where slug = ?", [SITE]))
    assert row["province"] == "Bình Định" and row["family"] == "custom_php"
    assert archive.db["listings"].count_where("site = ? and reform = 1", [SITE]) == 1
    archive.sync_sites(load_registry().values())
    assert archive.db["sites"].count == len(load_registry())
