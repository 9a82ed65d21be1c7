"""The Document record: what the attachments room extracts from one PDF, DOCX, DOC, XLSX or XLS file."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Statuses: "ok" (text extracted), "truncated" (the text of a spreadsheet's first rows: the cell
# cap was reached), "needs_ocr" (a scan without a text layer), "failed" (broken, encrypted,
# oversized, not a document), "not_parsed" (recognised, e.g. an ODS or RTF file, not read).
STATUSES = ("ok", "truncated", "needs_ocr", "failed", "not_parsed")

FIELD_NAMES = (
    "agency", "number", "place", "date", "doc_type", "title",
    "signer", "signer_position", "recipients", "structure",
)
# Fields that are lists: the recipients, and the outline of chapters, articles, clauses, points
# (scrapers.documents.structure: one dict per part, with its children).
LIST_FIELDS = ("recipients", "structure")


def empty_fields() -> dict[str, Any]:
    """The official-document fields, none found yet (recipients and structure are lists)."""
    return {name: ([] if name in LIST_FIELDS else None) for name in FIELD_NAMES}


@dataclass
class Document:
    """Text and official-document fields of one attached file; ``status`` says how it went."""

    text: str = ""
    pages: int | None = None
    type: str = ""  # "pdf", "docx", "doc", "xlsx", "xls", "ods"... "" when unknown
    fields: dict[str, Any] = field(default_factory=empty_fields)
    status: str = "ok"
    reason: str = ""
    extractor: str = ""  # "pypdf", "pdftotext", "tesseract", "python-docx", "antiword", "openpyxl", "xlrd"
    size: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of every field."""
        return asdict(self)

    @classmethod
    def failed(cls, reason: str, *, type: str = "", size: int = 0, status: str = "failed") -> "Document":
        """A document that could not be read, with a reason a person understands."""
        return cls(type=type, status=status, reason=reason, size=size)
