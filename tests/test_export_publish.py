"""Export records a reader can rely on: the JSON Schema, CSV, filters, stable ids, constant memory."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.export import RECORD_FIELDS, ExportError, export_articles
from archive.store import Archive
from scrapers.items import Article
from tests.publish_fixtures import EVIL_URL, REFORM_URL, REVISED_URL, build_archive

jsonschema = pytest.importorskip("jsonschema", reason="pip install jsonschema (the test extra)")
SCHEMA = json.loads((Path(__file__).parent.parent / "archive" / "article.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("export") / "archive.db")


def export(db_path: Path, **options: object) -> list[dict]:
    out = io.StringIO()
    export_articles(db_path, out, **options)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_every_record_validates_against_the_shipped_schema(db_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    validator.check_schema(SCHEMA)
    out = io.StringIO()
    assert export_articles(db_path, out, fmt="json") == 33
    records = json.loads(out.getvalue())
    for item in records:
        errors = sorted(validator.iter_errors(item), key=str)
        assert not errors, (item["url"], [e.message for e in errors])
        assert list(item) == list(RECORD_FIELDS) == SCHEMA["required"]
    reform = next(r for r in records if r["url"] == REFORM_URL)
    assert reform["published_at"] == "2025-07-14T14:39:00+07:00" and reform["province"] == "Đà Nẵng"
    assert reform["site_name"].startswith("Sở Khoa học") and reform["reform"] is True
    assert reform["images"][0]["caption"] == "Quang cảnh hội nghị sơ kết"


def test_ids_are_stable_and_derived_from_the_canonical_url(db_path: Path, tmp_path: Path) -> None:
    first = {r["url"]: r["id"] for r in export(db_path)}
    assert first[REFORM_URL] == hashlib.sha256(REFORM_URL.encode()).hexdigest()[:16]
    copy = tmp_path / "copy.db"
    copy.write_bytes(db_path.read_bytes())
    with Archive(copy) as archive:  # the page changed: same id, the old text becomes a revision
        assert archive.upsert_article(Article(url=REFORM_URL, site="danang_dost", title="Tiêu đề đã sửa",
                                              body="Nội dung đã sửa.")) == "updated"
    assert {r["url"]: r["id"] for r in export(copy)} == first


def test_csv_has_a_header_and_one_row_per_article(db_path: Path) -> None:
    out = io.StringIO()
    assert export_articles(db_path, out, fmt="csv", province="Quảng Trị") == 7
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(RECORD_FIELDS) and len(rows) == 7
    evil = next(r for r in rows if r["url"] == EVIL_URL)
    assert json.loads(evil["images"])[0]["src"].startswith("javascript:") and evil["reform"] == "false"
    empty = io.StringIO()
    assert export_articles(db_path, empty, fmt="csv", site="khong_co") == 0
    assert empty.getvalue().strip() == ",".join(RECORD_FIELDS)


@pytest.mark.parametrize("province", ["Đà Nẵng", "da nang", "DA NANG"])
def test_province_with_or_without_tone_marks(db_path: Path, province: str) -> None:
    assert {r["site"] for r in export(db_path, province=province)} == {"danang_dost"}


def test_province_after_the_merger_and_unknown_province(db_path: Path) -> None:
    assert {r["site"] for r in export(db_path, province="gia lai")} == {"binhdinh_skhcn"}  # Bình Định → Gia Lai
    with pytest.raises(ExportError, match="no site in province 'Huế'"):
        export_articles(db_path, io.StringIO(), province="Huế")


@pytest.mark.parametrize("query", ["cai cach hanh chinh", "CẢI CÁCH hành chính", "Đà Nẵng so ket", '"so ket cong tac"'])
def test_query_finds_with_and_without_tone_marks(db_path: Path, query: str) -> None:
    found = {r["url"] for r in export(db_path, query=query)}
    assert REFORM_URL in found
    if "so ket" in query or "Đà" in query:
        assert found == {REFORM_URL}


def test_query_old_and_new_tone_placement(db_path: Path) -> None:
    assert len(export(db_path, query="hòa đồng khỏe mạnh")) == len(export(db_path, query="hoà đồng khoẻ mạnh")) == 30
    assert export(db_path, query='"cong tac" "ket luan" zzzkhongco') == []


def test_dates_reform_and_combined_filters(db_path: Path) -> None:
    may = export(db_path, since="2025-05-01", until="2025-05-02")
    assert [r["url"] for r in may] == [REVISED_URL]  # a bare date on the --until day is included
    reform = export(db_path, reform_only=True, until="2023-12-31")
    assert reform and all(r["reform"] and r["published_at"] < "2024" for r in reform)
    both = export(db_path, reform_only=True, province="da nang", query="chi so hai long")
    assert both and all(r["site"] == "danang_dost" and r["reform"] for r in both)
    with pytest.raises(ExportError, match="before --since"):
        export_articles(db_path, io.StringIO(), since="2025-01-02", until="2025-01-01")
    with pytest.raises(ExportError, match="--until must be a date"):
        export_articles(db_path, io.StringIO(), until="hôm qua")


def _bulk_archive(path: Path, count: int) -> Path:
    """An archive of ``count`` generated articles written straight into the tables."""
    with Archive(path) as archive:
        archive.db.execute("insert into sites (slug, name, province, province_2025) values ('s', 'Sở', 'A', 'B')")
    conn = sqlite3.connect(path)
    rows = ((f"{n:016x}", f"https://s.gov.vn/{n}", "s", f"Tin số {n}", f"2024-01-01T08:00:00+07:00",
             "Nội dung cải cách hành chính. " * 40, f"{n:016x}") for n in range(count))
    conn.executemany("insert into articles (id, url, site, title, published_at, body, content_hash) "
                     "values (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    return path


def test_export_memory_does_not_grow_with_the_archive(tmp_path: Path) -> None:
    peaks = []
    for count in (1000, 8000):
        db = _bulk_archive(tmp_path / f"bulk{count}.db", count)
        tracemalloc.start()
        assert export_articles(db, tmp_path / f"out{count}.jsonl") == count
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.5 + 200_000, peaks


def test_cli_export_csv_with_filters(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "dn.csv"
    result = CliRunner().invoke(main, ["export", "--db", str(db_path), "--format", "csv", "--province", "da nang",
                                       "--query", "cai cach", "--reform-only", "--until", "2025-12-31", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and {r["site"] for r in rows} == {"danang_dost"}
    bad = CliRunner().invoke(main, ["export", "--db", str(db_path), "--province", "Atlantis"])
    assert bad.exit_code == 1 and bad.output.startswith("Error: no site in province") and "Traceback" not in bad.output
