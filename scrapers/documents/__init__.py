"""The attachments room: PDF, DOCX and DOC files to repaired text, official-document fields and
the outline of their parts; XLSX and XLS spreadsheets to rows of text.

Pure functions, no network, no Scrapy engine: :func:`extract_document` never raises.
"""

from __future__ import annotations

from scrapers.documents.model import FIELD_NAMES, STATUSES, Document
from scrapers.documents.sheets import MAX_CELLS
from scrapers.documents.sniff import encrypted_office, sniff
from scrapers.documents.structure import outline_dicts

MAX_BYTES = 25 * 1024 * 1024
SPREADSHEETS = ("xls", "xlsx", "ods")  # ODS is recorded, not parsed (no well-kept reader)
READ_SPREADSHEETS = ("xls", "xlsx")  # the spreadsheets extract_document reads (once stored as not_parsed)
DOCUMENT_TYPES = ("pdf", "doc", "docx", *SPREADSHEETS)

__all__ = ["DOCUMENT_TYPES", "Document", "FIELD_NAMES", "MAX_BYTES", "MAX_CELLS", "READ_SPREADSHEETS", "STATUSES",
           "extract_document", "sniff"]


def extract_document(data: bytes, *, filename: str = "", content_type: str = "", ocr: bool = False,
                     max_bytes: int = MAX_BYTES, max_pages: int = 500, max_cells: int = MAX_CELLS) -> Document:
    """Text, page count, type and fields of one attached file; a failure is a status with a reason.

    For a PDF, DOCX or DOC with text, ``fields["structure"]`` is the outline of its parts
    (scrapers.documents.structure); a spreadsheet reads at most ``max_cells`` cells.
    """
    try:
        document = _extract(data, filename, content_type, ocr, max_bytes, max_pages, max_cells)
    except Exception as exc:  # noqa: BLE001 - the contract: never raise
        return Document.failed(f"unexpected error: {type(exc).__name__}: {exc}", size=len(data or b""))
    if document.text and document.type in ("pdf", "docx", "doc"):
        document.fields["structure"] = outline_dicts(document.text)
    return document


def _extract(data: bytes, filename: str, content_type: str, ocr: bool, max_bytes: int, max_pages: int,
             max_cells: int) -> Document:
    size = len(data)
    kind = sniff(data, filename, content_type)
    if size == 0:
        return Document.failed("empty file", type=kind)
    if size > max_bytes:
        return Document.failed(f"file of {size / 1048576:.1f} MB is over the {max_bytes / 1048576:.0f} MB limit",
                               type=kind, size=size)
    if encrypted_office(data):
        return Document.failed(f"encrypted {(kind or 'Office').upper()} file: a password is needed to open it",
                               type=kind, size=size)
    if kind == "pdf":
        from scrapers.documents.pdf import read_pdf

        return read_pdf(data, max_pages=max_pages, ocr=ocr)
    if kind == "docx":
        from scrapers.documents.word import read_docx

        return read_docx(data)
    if kind == "doc":
        from scrapers.documents.word import read_doc

        return read_doc(data)
    if kind == "xlsx":
        from scrapers.documents.sheets import read_xlsx

        return read_xlsx(data, max_cells=max_cells)
    if kind == "xls":
        from scrapers.documents.sheets import read_xls

        return read_xls(data, max_cells=max_cells)
    if kind == "html":
        return Document.failed("the server sent an HTML page, not a document", type=kind, size=size)
    if kind:
        return Document.failed(f"{kind.upper()} files are recorded but not parsed", type=kind, size=size,
                               status="not_parsed")
    return Document.failed("not a PDF, DOC, DOCX, XLSX or XLS file (unrecognised content)", size=size)
