"""Export: JSON Lines and JSON arrays that parse, carry every field, filter, and never hit the db."""

from __future__ import annotations

import io
import json

import pytest

from archive.export import ExportError, export_articles
from archive.store import Archive
from scrapers.items import Article, Attachment, Image
from scrapers.registry import load_registry

BASE = "https://skhcn.binhdinh.gov.vn/index.php/Home/ChiTietTin/?tin="
QT = "https://sokhcn.quangtri.gov.vn/chi-tiet-tin/-/view-article/1/2/"


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.sync_sites(load_registry().values())
        for n, (site, url, date) in enumerate([
            ("binhdinh_skhcn", BASE + "1", "2023-12-31T23:00:00+07:00"),
            ("binhdinh_skhcn", BASE + "2", "2024-01-01"),
            ("quangtri_sokhcn", QT + "3", "2024-02-10T08:00:00+07:00"),
        ]):
            archive.upsert_article(Article(
                url=url, site=site, title=f"Tin cải cách hành chính {n}", body=f"Nội dung {n}.",
                published_at=date, reform=True,
                images=[Image(src="https://x.gov.vn/a.jpg", caption="Ảnh")],
                attachments=[Attachment(url="https://x.gov.vn/a.pdf", name="Kế hoạch", type="pdf")]))
    return path


def test_jsonl_lines_parse_and_carry_the_fields(db_path, tmp_path):
    out = tmp_path / "out.jsonl"
    assert export_articles(db_path, out) == 3
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 3
    first = records[0]
    for key in ("id", "url", "site", "title", "published_at", "author", "body", "images", "attachments", "reform"):
        assert key in first
    assert first["published_at"] == "2023-12-31T23:00:00+07:00"
    assert first["images"] == [{"src": "https://x.gov.vn/a.jpg", "caption": "Ảnh", "alt": ""}]
    assert first["attachments"][0]["type"] == "pdf" and first["reform"] is True
    assert "Tin cải cách" in out.read_text(encoding="utf-8")  # UTF-8, not \u escapes


def test_since_and_site_filters(db_path):
    out = io.StringIO()
    export_articles(db_path, out, since="2024-01-01")
    assert [json.loads(line)["url"] for line in out.getvalue().splitlines()] == [BASE + "2", QT + "3"]
    out = io.StringIO()
    export_articles(db_path, out, site="quangtri_sokhcn")
    assert [json.loads(line)["site"] for line in out.getvalue().splitlines()] == ["quangtri_sokhcn"]


def test_json_is_one_valid_array(db_path):
    out = io.StringIO()
    assert export_articles(db_path, out, fmt="json", since="2024-01-01") == 2
    assert [r["url"] for r in json.loads(out.getvalue())] == [BASE + "2", QT + "3"]
    empty = io.StringIO()
    export_articles(db_path, empty, fmt="json", site="khong_co")
    assert json.loads(empty.getvalue()) == []


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_refuses_to_write_onto_the_database(db_path, suffix):
    before = db_path.read_bytes()
    with pytest.raises(ExportError, match="refusing"):
        export_articles(db_path, db_path.with_name(db_path.name + suffix))
    assert db_path.read_bytes() == before


def test_bad_since_and_missing_db(db_path, tmp_path):
    with pytest.raises(ExportError, match="2024-01-31"):
        export_articles(db_path, io.StringIO(), since="31/01/2024")
    with pytest.raises(ExportError, match="no archive"):
        export_articles(tmp_path / "none.db", tmp_path / "x.jsonl")
    assert not (tmp_path / "x.jsonl").exists()
