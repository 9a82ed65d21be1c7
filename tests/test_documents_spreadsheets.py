"""Spreadsheets: generated XLSX (openpyxl) and XLS (LibreOffice) files come out as rows of text."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from scrapers.documents import extract_document
from scrapers.documents.cells import format_number
from scrapers.documents.sniff import OLE2
from tests.test_documents import need_tool

# What the generated workbook must read as: the title said once, the empty row and the empty
# column B gone, "STT" and "Đơn vị" (merged down two rows) on both head rows, "Kết quả" (merged
# across three columns) once, numbers and dates as a Vietnamese reader writes them.
EXPECTED = [
    "[Tổng hợp]",
    "BẢNG TỔNG HỢP KẾT QUẢ GIẢI QUYẾT HỒ SƠ",
    "STT | Đơn vị | Kết quả |  |  | Ngày cập nhật",
    "STT | Đơn vị | Số hồ sơ | Đúng hạn | Tỷ lệ | Ngày cập nhật",
    "1 | Sở Nội vụ | 100000 | 12 | 90,92% | 05/03/2024",
    "2 | Sở Tư pháp | 1.500.000 | 3,5 | 100,00% | 31/12/2024 14:30",
    "3 | UBND huyện | 0,0000001 | 250000 | TRUE | ghi chú: đã kiểm tra",
    "[Ghi chú]",
    "Số liệu tính đến | 31/12/2024",
]


def make_workbook() -> bytes:
    """An XLSX report: merged title and heads, an empty row and column, number and date formats,
    a second sheet, and an empty third sheet."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    sheet["A1"] = "BẢNG TỔNG HỢP KẾT QUẢ GIẢI QUYẾT HỒ SƠ"
    sheet.merge_cells("A1:G1")
    # row 2 empty; column B empty everywhere
    sheet["A3"], sheet["C3"], sheet["D3"], sheet["G3"] = "STT", "Đơn vị", "Kết quả", "Ngày cập nhật"
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("C3:C4")
    sheet.merge_cells("D3:F3")
    sheet.merge_cells("G3:G4")
    sheet["D4"], sheet["E4"], sheet["F4"] = "Số hồ sơ", "Đúng hạn", "Tỷ lệ"
    sheet.append([1, None, "Sở Nội vụ", 100000.0, 12.0, 0.9092, datetime(2024, 3, 5)])
    sheet.append([2, None, " Sở  Tư pháp\n", 1500000, 3.5, 1, datetime(2024, 12, 31, 14, 30)])
    sheet.append([3, None, "UBND huyện", 1e-7, 2.5e5, True, "ghi chú: đã kiểm tra"])
    for cell in ("F5", "F6"):
        sheet[cell].number_format = "0.00%"
    sheet["D6"].number_format = "#,##0"
    notes = book.create_sheet("Ghi chú")
    notes.append(["Số liệu tính đến", date(2024, 12, 31)])
    book.create_sheet("Trống")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_rows_numbers_dates_and_merged_heads() -> None:
    doc = extract_document(make_workbook(), filename="tong-hop.xlsx")
    assert (doc.type, doc.status, doc.extractor, doc.reason) == ("xlsx", "ok", "openpyxl", "")
    assert doc.text.splitlines() == EXPECTED
    assert doc.fields["structure"] == [] and doc.fields["agency"] is None


def test_number_formats_never_show_exponents_or_point_zero() -> None:
    assert [format_number(v) for v in (100000.0, 12.0, 1e-7, 1.5e20, 0.1 + 0.2, -3.0, 7)] == [
        "100000", "12", "0,0000001", "150000000000000000000", "0,3", "-3", "7"]
    assert format_number(1234567.891, "#,##0.00") == "1.234.567,89"
    assert format_number(0.5, "0%") == "50%"
    assert format_number(-0.001, "0.0") == "0,0"
    assert format_number(42, '"Tổng: "#,##0" hồ sơ"') == "42"


def test_cell_cap_reads_the_first_rows_and_says_truncated() -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    for n in range(1, 2001):
        sheet.append([n, f"Hồ sơ số {n}", n * 1.5])
    book.create_sheet("Sau").append(["không đọc"])
    out = io.BytesIO()
    book.save(out)
    doc = extract_document(out.getvalue(), filename="danh-sach.xlsx", max_cells=300)
    assert doc.status == "truncated"
    assert "first 100 rows" in doc.reason and "Danh sách" in doc.reason and "1 later sheet" in doc.reason
    lines = doc.text.splitlines()
    assert lines[0] == "[Danh sách]" and lines[-1] == "100 | Hồ sơ số 100 | 150" and "không đọc" not in doc.text


def test_broken_encrypted_and_html_spreadsheets_give_a_reason() -> None:
    good = make_workbook()
    cut = extract_document(good[: len(good) // 2], filename="cut.xlsx")
    assert (cut.type, cut.status) == ("xlsx", "failed") and "damaged XLSX" in cut.reason
    sheet = io.BytesIO()
    with zipfile.ZipFile(sheet, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert extract_document(sheet.getvalue(), filename="bang.xlsx").status == "failed"
    zeros = extract_document(OLE2 + b"\0" * 600, filename="x.xls")
    assert (zeros.type, zeros.status) == ("xls", "failed") and "damaged XLS" in zeros.reason
    # A password-protected XLSX is an OLE2 file with an EncryptedPackage stream.
    locked = OLE2 + b"\0" * 120 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600
    doc = extract_document(locked, filename="bao-mat.xlsx")
    assert (doc.type, doc.status) == ("xlsx", "failed") and "password" in doc.reason
    html = extract_document(b"<html><body><table><tr><td>1</td></tr></table></body></html>", filename="bang.xls")
    assert html.status == "failed" and "HTML" in html.reason
    empty = io.BytesIO()
    from openpyxl import Workbook

    Workbook().save(empty)
    assert extract_document(empty.getvalue(), filename="trong.xlsx").reason == "the spreadsheet contains no values"


def _soffice_xls(tmp_path: Path) -> bytes:
    """The generated workbook saved as Excel 97-2003 by LibreOffice Calc, or a skip saying why."""
    need_tool("soffice", test_extras=True)
    source = tmp_path / "tong-hop.xlsx"
    source.write_bytes(make_workbook())
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                           "xls", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=180, check=False)
    target = tmp_path / "tong-hop.xls"
    if not target.exists():  # Writer alone cannot open a workbook: Calc is needed
        pytest.skip(f"LibreOffice could not make an .xls here (libreoffice-calc-nogui missing? "
                    f"scripts/install-system-deps.sh --test installs it): {(done.stderr or done.stdout).strip()[-200:]}")
    return target.read_bytes()


def test_xls_through_xlrd_reads_like_the_xlsx(tmp_path: Path) -> None:
    data = _soffice_xls(tmp_path)
    assert data.startswith(OLE2)
    doc = extract_document(data, filename="tong-hop.xls")
    assert (doc.type, doc.status, doc.extractor) == ("xls", "ok", "xlrd"), doc.reason
    assert doc.text.splitlines() == EXPECTED
    assert extract_document(data, filename="tong-hop.xls", max_cells=20).status == "truncated"
    cut = extract_document(data[: len(data) // 2], filename="cut.xls")
    assert cut.status == "failed" and cut.reason.startswith("damaged XLS")


def test_stored_spreadsheet_is_searchable(tmp_path: Path) -> None:
    from archive.attachments import AttachmentStore
    from tests.test_attachments import article, stored_archive

    db = tmp_path / "a.db"
    ids = stored_archive(db, article(1))
    data = make_workbook()
    with AttachmentStore(db) as store:
        store.save("https://skhcn.binhdinh.gov.vn/upload/tong-hop.xlsx", extract_document(data), data,
                   name="Bảng tổng hợp", type="xlsx", article=ids[0])
        row = store.db["attachments"].get(1)
        assert (row["status"], row["extractor"]) == ("ok", "openpyxl") and row["word_count"] > 20
        assert [r["id"] for r in store.search("so tu phap")] == [1]
