"""Real attached documents: multi-page Vietnamese PDF reports (reportlab) and DOCX plans."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
_FONT = "DejaVuSans"


def _font_path(bold: bool = False) -> Path:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return folder / name
    try:
        import matplotlib

        candidate = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
        if candidate.exists():
            return candidate
    except ImportError:
        pass
    raise FileNotFoundError("DejaVuSans.ttf not found (install fonts-dejavu-core)")


def _register() -> None:
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FONT, str(_font_path())))
        pdfmetrics.registerFont(TTFont(_FONT + "-Bold", str(_font_path(True))))


def _wrap(text: str, width: float, size: float) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(trial, _FONT, size) > width and line:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def header_lines(doc: dict) -> tuple[str, str, str, str]:
    """Issuer line 1 and 2, the number line and the place-and-date line of a document."""
    d = datetime.strptime(doc["date"], "%Y-%m-%d")
    issuer = "UBND TỈNH" if "UBND" not in doc["number"] else "UBND"
    province = doc["province"]
    top = f"{issuer} {province.upper()}" if issuer == "UBND TỈNH" else f"ỦY BAN NHÂN DÂN TỈNH {province.upper()}"
    second = doc["agency_upper"] if "UBND" not in doc["number"] else ""
    return top, second, f"Số: {doc['number']}", f"{province}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def make_pdf(doc: dict, paragraphs: list[str]) -> bytes:
    """A multi-page A4 PDF with header block, numbered pages and a signature block."""
    _register()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(f"{doc['doc_type']} {doc['title']}")
    c.setAuthor(doc["agency_upper"])
    width, height = A4
    left, right, top_y, bottom = 2.5 * cm, 2 * cm, height - 2 * cm, 2.2 * cm
    page = 1
    top, second, number, place = header_lines(doc)

    def footer() -> None:
        c.setFont(_FONT, 9)
        c.drawCentredString(width / 2, 1.2 * cm, f"Trang {page}")

    c.setFont(_FONT + "-Bold", 11)
    c.drawCentredString(left + 4 * cm, top_y, top)
    if second:
        c.drawCentredString(left + 4 * cm, top_y - 14, second)
    c.drawCentredString(width - right - 5.5 * cm, top_y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.drawCentredString(width - right - 5.5 * cm, top_y - 14, "Độc lập - Tự do - Hạnh phúc")
    c.setFont(_FONT, 11)
    c.drawCentredString(left + 4 * cm, top_y - 34, number)
    c.drawCentredString(width - right - 5.5 * cm, top_y - 34, place)
    c.setFont(_FONT + "-Bold", 13)
    c.drawCentredString(width / 2, top_y - 70, doc["doc_type"])
    c.setFont(_FONT + "-Bold", 12)
    y = top_y - 88
    for line in _wrap(doc["title"], width - left - right - 2 * cm, 12):
        c.drawCentredString(width / 2, y, line)
        y -= 16
    y -= 12
    size, leading = 12, 17
    for para in paragraphs:
        lines = _wrap(para, width - left - right, size)
        for i, line in enumerate(lines):
            if y < bottom:
                footer()
                c.showPage()
                page += 1
                y = top_y
            c.setFont(_FONT, size)
            c.drawString(left + (1 * cm if i == 0 else 0), y, line)
            y -= leading
        y -= 6
    if y < bottom + 5 * cm:
        footer()
        c.showPage()
        page += 1
        y = top_y
    c.setFont(_FONT + "-Bold", 11)
    c.drawString(left, y - 10, "Nơi nhận:")
    c.setFont(_FONT, 10)
    c.drawString(left, y - 26, "- Sở Nội vụ (b/c);")
    c.drawString(left, y - 40, "- Lưu: VT, VP.")
    c.setFont(_FONT + "-Bold", 12)
    c.drawCentredString(width - right - 4 * cm, y - 10, doc["signer_title"])
    c.setFont(_FONT, 10)
    c.drawCentredString(width - right - 4 * cm, y - 26, "(Đã ký)")
    c.setFont(_FONT + "-Bold", 12)
    c.drawCentredString(width - right - 4 * cm, y - 80, doc["signer"])
    footer()
    c.showPage()
    c.save()
    return buf.getvalue()


def make_docx(doc: dict, paragraphs: list[str]) -> bytes:
    """A DOCX plan with a header table, body paragraphs and signature; zip timestamps fixed."""
    d = Document()
    style = d.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    top, second, number, place = header_lines(doc)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = f"{top}\n{second}".strip()
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    table.cell(1, 0).text = number
    table.cell(1, 1).text = place
    heading = d.add_paragraph()
    heading.add_run(doc["doc_type"]).bold = True
    d.add_paragraph().add_run(doc["title"]).bold = True
    for para in paragraphs:
        d.add_paragraph(para)
    d.add_paragraph("Nơi nhận:\n- Sở Nội vụ (b/c);\n- Lưu: VT, VP.")
    sign = d.add_paragraph()
    sign.add_run(f"{doc['signer_title']}\n\n\n{doc['signer']}").bold = True
    fixed = datetime.strptime(doc["date"], "%Y-%m-%d")
    d.core_properties.created = fixed
    d.core_properties.modified = fixed
    d.core_properties.last_modified_by = "VanThu"
    d.core_properties.author = doc["agency_upper"]
    d.core_properties.revision = 1
    raw = io.BytesIO()
    d.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed_info = zipfile.ZipInfo(info.filename, date_time=(fixed.year, fixed.month, fixed.day, 8, 0, 0))
            fixed_info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed_info, src.read(info.filename))
    return out.getvalue()
