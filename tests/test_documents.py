"""The attachments room: generated Vietnamese PDFs, DOCX and DOC files come out as text and fields."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from scrapers.documents import extract_document
from scrapers.documents.fields import parse_fields
from scrapers.documents.repair import repair_pages
from scrapers.extract.text import fold

ROOT = Path(__file__).resolve().parent.parent
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
RUNNING = "Sở Khoa học và Công nghệ Bình Định - Báo cáo CCHC 6 tháng đầu năm 2022"
SPLIT_FIRST = "Song song với việc thực hiện kế hoạch, Lãnh đạo Sở đã chỉ đạo Văn phòng đôn đốc các"
SPLIT_REST = "phòng, các đơn vị thực hiện các nội dung CCHC liên quan đến đơn vị trực thuộc."
PARAGRAPHS = [
    "Theo đề nghị của Sở Nội vụ tại văn bản số 371/SNV-CCHCVTLT ngày 03/3/2022 về việc hướng dẫn "
    "thực hiện báo cáo cải cách hành chính định kỳ, Sở Khoa học và Công nghệ báo cáo công tác CCHC "
    "6 tháng đầu năm 2022 như sau:",
    "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC",
    "Triển khai thực hiện tốt kế hoạch thực hiện Chương trình hành động số 09-CTr/TU ngày 14/5/2021 "
    "của Tỉnh ủy và các chương trình, kế hoạch, đề án thực hiện công tác CCHC giai đoạn 2020 - 2025. "
    "Thực hiện tốt Chỉ thị số 13/CT-TTg ngày 10/6/2015 của Thủ tướng Chính phủ về tăng cường trách "
    "nhiệm của người đứng đầu cơ quan hành chính nhà nước các cấp trong công tác cải cách TTHC.",
    "- Nhằm đánh giá chất lượng và tiến độ thực hiện nhiệm vụ công tác CCHC của đơn vị, Sở đã ban "
    "hành Kế hoạch số 57/KH-SKHCN ngày 25/01/2022 về kiểm tra CCHC và tình hình thi hành pháp luật.",
    "- Tổ kiểm tra CCHC của Sở sẽ tiến hành kiểm tra công tác CCHC và tình hình thi hành pháp luật tại "
    "các đơn vị trực thuộc; công tác kiểm tra luôn được Lãnh đạo Sở quan tâm, chú trọng thực hiện.",
    "II. KẾT QUẢ THỰC HIỆN CÔNG TÁC CCHC",
    "Trong kỳ báo cáo, Sở đã tiếp nhận 50 hồ sơ, trong đó tiếp nhận trực tuyến 42 hồ sơ; số từ kỳ "
    "trước chuyển qua 08 hồ sơ. Đến nay, số lượng hồ sơ đã giải quyết 45/50 hồ sơ trước hạn.",
]
CLOSING = [
    "Công tác tuyên truyền có nhiều đổi mới về hình thức, tạo sự hấp dẫn, thu hút sự quan tâm của các "
    "doanh nghiệp và nhân dân, kết hợp lồng ghép tuyên truyền về CCHC với phổ biến pháp luật.",
    "Trên đây là báo cáo kết quả thực hiện công tác CCHC 6 tháng đầu năm 2022 của Sở Khoa học và "
    "Công nghệ./.",
]
FIELDS = {
    "agency": "UBND TỈNH BÌNH ĐỊNH / SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    "number": "123/BC-SKHCN",
    "place": "Bình Định",
    "date": "2022-06-20",
    "doc_type": "BÁO CÁO",
    "title": "Công tác cải cách hành chính 6 tháng đầu năm 2022",
    "signer": "Lê Công Nường",
    "signer_position": "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
    "recipients": ["Sở Nội vụ (b/c)", "UBND tỉnh (b/c)", "Lưu: VT, VP"],
}
# The report's outline: its two roman sections (tests/test_documents_structure.py tests the parser).
OUTLINE = [("roman", "I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"), ("roman", "II", "KẾT QUẢ THỰC HIỆN CÔNG TÁC CCHC")]


def header_footer(fields: dict) -> dict:
    """The fields without the outline."""
    return {k: v for k, v in fields.items() if k != "structure"}


def outline(fields: dict) -> list[tuple[str, str, str]]:
    """(kind, number, title) of the top parts of a document's outline."""
    return [(p["kind"], p["number"], p["title"]) for p in fields["structure"]]


def _fonts() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not (FONT_DIR / "DejaVuSans.ttf").exists():
        pytest.skip("DejaVuSans.ttf is missing (Debian fonts-dejavu-core)")
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    return "DejaVu"


def _wrap(text: str, width: float, font: str, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if stringWidth(trial, font, size) > width and line:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + ([line] if line else [])


def make_report_pdf(**encrypt: str) -> bytes:
    """A 3-page CCHC report: header block, running header, "Trang N/3", a sentence split across
    pages 1-2, a signature block with "KT. GIÁM ĐỐC" and a recipients list."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, **({"encrypt": encrypt["password"]} if encrypt else {}))
    width, height = A4
    left, body_width = 70.0, width - 130.0
    body: list[tuple[bool, str]] = []  # (first line of a paragraph, text)
    for para in PARAGRAPHS:
        body += [(i == 0, line) for i, line in enumerate(_wrap(para, body_width, font, 12))]
    body += [(True, SPLIT_FIRST), (False, SPLIT_REST)]
    for para in CLOSING:
        body += [(i == 0, line) for i, line in enumerate(_wrap(para, body_width, font, 12))]
    split_at = next(i for i, (_, line) in enumerate(body) if line == SPLIT_REST)
    pages = [body[:split_at], body[split_at:]]

    def furniture(number: int) -> None:
        c.setFont(font, 9)
        c.drawCentredString(width / 2, height - 30, RUNNING)
        c.drawCentredString(width / 2, 30, f"Trang {number}/3")

    furniture(1)
    c.setFont(font + "-Bold", 11)
    c.drawCentredString(170, height - 70, "UBND TỈNH BÌNH ĐỊNH")
    c.drawCentredString(170, height - 85, "SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    c.drawCentredString(410, height - 70, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.drawCentredString(410, height - 85, "Độc lập - Tự do - Hạnh phúc")
    c.setFont(font, 11)
    c.drawCentredString(170, height - 110, "Số: 123/BC-SKHCN")
    c.drawCentredString(410, height - 110, "Bình Định, ngày 20 tháng 6 năm 2022")
    c.setFont(font + "-Bold", 13)
    c.drawCentredString(width / 2, height - 150, "BÁO CÁO")
    c.drawCentredString(width / 2, height - 168, "Công tác cải cách hành chính 6 tháng đầu năm 2022")
    y = height - 205
    for number, lines in enumerate(pages, start=1):
        if number > 1:
            c.showPage()
            furniture(number)
            y = height - 70
        c.setFont(font, 12)
        for first, line in lines:
            c.drawString(left + (28 if first else 0), y, line)
            y -= 17
    c.showPage()
    furniture(3)
    c.setFont(font + "-Bold", 11)
    y = height - 80
    c.drawString(left, y, "Nơi nhận:")
    c.setFont(font, 10)
    for i, line in enumerate(["- Sở Nội vụ (b/c);", "- UBND tỉnh (b/c);", "- Lưu: VT, VP."], start=1):
        c.drawString(left, y - 14 * i, line)
    c.setFont(font + "-Bold", 12)
    c.drawCentredString(420, y, "KT. GIÁM ĐỐC")
    c.drawCentredString(420, y - 15, "PHÓ GIÁM ĐỐC")
    c.drawCentredString(420, y - 90, "Lê Công Nường")
    c.showPage()
    c.save()
    return buf.getvalue()


def make_scan_pdf() -> bytes:
    """An image-only PDF (a "scan"): the page is one picture of Vietnamese text, no text layer."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    _fonts()
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    big = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 44)
    for i, line in enumerate(["BÁO CÁO", "Công tác cải cách hành chính", "năm 2022 của Sở Nội vụ"]):
        draw.text((120, 200 + 90 * i), line, font=big, fill=0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    return buf.getvalue()


def make_plan_docx() -> bytes:
    """A DOCX plan: header table, paragraphs, a results table mid-text, a signature table."""
    from docx import Document as new_docx

    d = new_docx()
    head = d.add_table(rows=2, cols=2)
    head.cell(0, 0).text = "UBND TỈNH BÌNH ĐỊNH\nSỞ KHOA HỌC VÀ CÔNG NGHỆ"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = "Số: 15/KH-SKHCN"
    head.cell(1, 1).text = "Bình Định, ngày 10 tháng 01 năm 2023"
    d.add_paragraph().add_run("KẾ HOẠCH").bold = True
    d.add_paragraph().add_run("Cải cách hành chính năm 2023").bold = True
    d.add_paragraph("Căn cứ Kế hoạch số 122/KH-UBND ngày 20/12/2021 của UBND tỉnh về CCHC năm 2023, "
                    "Sở Khoa học và Công nghệ ban hành Kế hoạch cải cách hành chính như sau:")
    results = d.add_table(rows=2, cols=2)
    results.cell(0, 0).text = "Chỉ số hài lòng"
    results.cell(0, 1).text = "90,92%"
    results.cell(1, 0).text = "Hồ sơ trực tuyến"
    results.cell(1, 1).text = "42/50"
    d.add_paragraph("Sở tiếp tục đẩy mạnh tuyên truyền, đơn giản hóa thủ tục hành chính./.")
    sign = d.add_table(rows=1, cols=2)
    sign.cell(0, 0).text = "Nơi nhận:\n- Sở Nội vụ (b/c);\n- Lưu: VT, VP."
    sign.cell(0, 1).text = "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\nLê Công Nường"
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def need_tool(tool: str, *, test_extras: bool = False) -> None:
    """Install the project's Debian tools when ``tool`` is missing, or skip saying why."""
    if shutil.which(tool):
        return
    script = ROOT / "scripts" / "install-system-deps.sh"
    done = subprocess.run(["sh", str(script), *(["--test"] if test_extras else [])],
                          capture_output=True, text=True, timeout=900, check=False)
    if not shutil.which(tool):
        pytest.skip(f"{tool} is not installed and scripts/install-system-deps.sh could not install it: "
                    f"{done.stderr.strip()[-200:]}")


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    return make_report_pdf()


def test_pdf_report_text_is_repaired(report_pdf: bytes) -> None:
    doc = extract_document(report_pdf, filename="123-bao-cao.pdf")
    assert doc.status == "ok", doc.reason
    assert doc.type == "pdf" and doc.pages == 3 and doc.extractor == "pypdf"
    lines = doc.text.splitlines()
    assert f"{SPLIT_FIRST} {SPLIT_REST}" in lines  # the sentence across the page break is whole
    assert "Trang" not in doc.text and RUNNING not in doc.text  # page numbers, running header dropped
    assert "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC" in lines
    assert any(line.startswith("- Nhằm đánh giá") and line.endswith("thi hành pháp luật.") for line in lines)
    assert PARAGRAPHS[2] in lines  # a wrapped paragraph is one line again
    assert "  " not in doc.text


def test_pdf_report_fields(report_pdf: bytes) -> None:
    fields = extract_document(report_pdf).fields
    assert header_footer(fields) == FIELDS and outline(fields) == OUTLINE


def test_docx_walks_tables_in_order_and_parses_fields() -> None:
    doc = extract_document(make_plan_docx(), filename="ke-hoach.docx")
    assert doc.status == "ok" and doc.type == "docx" and doc.extractor == "python-docx"
    lines = doc.text.splitlines()
    assert lines.index("Chỉ số hài lòng") < lines.index("90,92%") < lines.index(
        "Sở tiếp tục đẩy mạnh tuyên truyền, đơn giản hóa thủ tục hành chính./.")
    assert lines.index("Căn cứ Kế hoạch số 122/KH-UBND ngày 20/12/2021 của UBND tỉnh về CCHC năm 2023, "
                       "Sở Khoa học và Công nghệ ban hành Kế hoạch cải cách hành chính như sau:") < lines.index("42/50")
    assert header_footer(doc.fields) == {
        "agency": "UBND TỈNH BÌNH ĐỊNH / SỞ KHOA HỌC VÀ CÔNG NGHỆ", "number": "15/KH-SKHCN",
        "place": "Bình Định", "date": "2023-01-10", "doc_type": "KẾ HOẠCH",
        "title": "Cải cách hành chính năm 2023", "signer": "Lê Công Nường",
        "signer_position": "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC", "recipients": ["Sở Nội vụ (b/c)", "Lưu: VT, VP"],
    }


def test_doc_through_antiword(tmp_path: Path) -> None:
    need_tool("antiword")
    need_tool("soffice", test_extras=True)
    source = tmp_path / "ke-hoach.docx"
    source.write_bytes(make_plan_docx())
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=180, check=False)
    target = tmp_path / "ke-hoach.doc"
    if not target.exists():
        pytest.skip(f"LibreOffice could not make a .doc here: {done.stderr.strip()[-200:]}")
    doc = extract_document(target.read_bytes(), filename="ke-hoach.doc")
    assert doc.status == "ok" and doc.type == "doc" and doc.extractor == "antiword", doc.reason
    assert "90,92%" in doc.text and "Chỉ số hài lòng" in doc.text
    assert doc.fields["number"] == "15/KH-SKHCN" and doc.fields["date"] == "2023-01-10"
    assert doc.fields["doc_type"] == "KẾ HOẠCH" and doc.fields["title"] == "Cải cách hành chính năm 2023"
    assert doc.fields["signer"] == "Lê Công Nường"
    assert doc.fields["agency"] == "UBND TỈNH BÌNH ĐỊNH / SỞ KHOA HỌC VÀ CÔNG NGHỆ"


def test_scan_needs_ocr() -> None:
    doc = extract_document(make_scan_pdf(), filename="scan.pdf")
    assert doc.status == "needs_ocr" and "OCR" in doc.reason and doc.pages == 1


def test_scan_with_ocr() -> None:
    need_tool("tesseract")
    need_tool("pdftoppm")
    from scrapers.documents.tools import tesseract_languages

    if "vie" not in tesseract_languages():
        pytest.skip("tesseract has no Vietnamese data (tesseract-ocr-vie)")
    doc = extract_document(make_scan_pdf(), filename="scan.pdf", ocr=True)
    assert doc.status == "ok" and doc.extractor == "tesseract", doc.reason
    assert "cai cach hanh chinh" in fold(doc.text)


def test_truncated_pdf_gives_a_reason(report_pdf: bytes) -> None:
    doc = extract_document(report_pdf[: len(report_pdf) // 3], filename="cut.pdf")
    assert doc.reason and ("truncated" in doc.reason or "damaged" in doc.reason)
    assert doc.status in ("failed", "ok", "needs_ocr")


def test_encrypted_pdf_gives_a_reason() -> None:
    doc = extract_document(make_report_pdf(password="bi-mat"), filename="secret.pdf")
    assert doc.status == "failed" and "password" in doc.reason


def test_oversized_empty_garbage_html_and_spreadsheets(report_pdf: bytes) -> None:
    assert "limit" in extract_document(report_pdf, max_bytes=1000).reason
    assert extract_document(b"").reason == "empty file"
    assert extract_document(b"\x00\x01garbage" * 10).status == "failed"
    assert "HTML" in extract_document(b"<!DOCTYPE html><html><body>404</body></html>", filename="a.pdf").reason
    sheet = io.BytesIO()
    with zipfile.ZipFile(sheet, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    doc = extract_document(sheet.getvalue(), filename="bang-tong-hop.xlsx")  # spreadsheets: see
    assert (doc.type, doc.status) == ("xlsx", "failed") and doc.reason  # test_documents_spreadsheets.py
    assert extract_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, filename="x.xls").status == "failed"
    ods_bytes = io.BytesIO()
    with zipfile.ZipFile(ods_bytes, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    ods = extract_document(ods_bytes.getvalue(), filename="bang.ods")
    assert (ods.type, ods.status) == ("ods", "not_parsed")
    assert extract_document(b"%PDF-1.4 broken").status == "failed"


def test_repair_seed_page_break_and_hyphen() -> None:
    pages = [
        ["Lãnh đạo Sở đã chỉ đạo Văn phòng đôn đốc các", "", "3"],
        ["phòng, các đơn vị thực hiện các nội dung CCHC liên quan đến đơn vị trực thuộc.",
         " 4. Về công tác tuyên truyền CCHC", "Các sáng kiến nhằm nâng cao hiệu quả cải cách TTHC của cá nhân, tổ",
         "", "chức được Hội đồng công nhận; giai đoạn", "", "2026 – 2031 được phê duyệt. Hệ thống phần mềm quản",
         "lý được nâng cấp, tích hợp các phân hệ quản lý tài chính, cán bộ, thi đua khen thưởng, văn bản đi đến."],
    ]
    assert repair_pages(pages).splitlines() == [
        "Lãnh đạo Sở đã chỉ đạo Văn phòng đôn đốc các phòng, các đơn vị thực hiện các nội dung CCHC liên quan "
        "đến đơn vị trực thuộc.",
        "4. Về công tác tuyên truyền CCHC",
        "Các sáng kiến nhằm nâng cao hiệu quả cải cách TTHC của cá nhân, tổ chức được Hội đồng công nhận; giai "
        "đoạn 2026 – 2031 được phê duyệt. Hệ thống phần mềm quản lý được nâng cấp, tích hợp các phân hệ quản lý "
        "tài chính, cán bộ, thi đua khen thưởng, văn bản đi đến.",
    ]


def test_decomposed_text_is_nfc() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Cải cách hành chính")
    assert repair_pages([[decomposed]]) == "Cải cách hành chính"


def test_fields_glued_header_cong_van_and_motto_not_agency() -> None:
    lines = [
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "TỈNH GIA LAI Độc lập – Tự do – Hạnh phúc",
        "Số: 456/UBND-NC Gia Lai, ngày 14 tháng 9 năm 2020",
        "V/v tăng cường công tác cải cách",
        "hành chính năm 2020",
        "Kính gửi: Các sở, ban, ngành thuộc tỉnh.",
        "Nội dung công văn./.",
        "Nơi nhận:   TM. ỦY BAN NHÂN DÂN",
        "- Như trên;   KT. CHỦ TỊCH",
        "- Lưu: VT.   PHÓ CHỦ TỊCH",
        "Nguyễn Hữu Quế",
    ]
    fields = parse_fields(lines, lines)
    assert fields["agency"] == "ỦY BAN NHÂN DÂN / TỈNH GIA LAI"
    assert (fields["number"], fields["place"], fields["date"]) == ("456/UBND-NC", "Gia Lai", "2020-09-14")
    assert (fields["doc_type"], fields["title"]) == ("CÔNG VĂN", "tăng cường công tác cải cách hành chính năm 2020")
    assert fields["signer_position"] == "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert fields["signer"] == "Nguyễn Hữu Quế"
    assert fields["recipients"] == ["Như trên", "Lưu: VT"]


def test_cli_extract_prints_document_json(tmp_path: Path, report_pdf: bytes) -> None:
    from click.testing import CliRunner

    from archive.cli import main

    path = tmp_path / "report.pdf"
    path.write_bytes(report_pdf)
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] == "ok" and data["type"] == "pdf" and header_footer(data["fields"]) == FIELDS
    assert outline(data["fields"]) == OUTLINE
    assert SPLIT_REST in data["text"]
