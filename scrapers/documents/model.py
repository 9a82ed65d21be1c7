"""The Document record: what the attachments room extracts from one PDF, DOCX or DOC file."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Statuses: "ok" (text extracted), "needs_ocr" (a scan without a text layer), "failed" (broken,
# encrypted, oversized, not a document), "not_parsed" (recognised, e.g. a spreadsheet, not read).
STATUSES = ("ok", "needs_ocr", "failed", "not_parsed")

FIELD_NAMES = (
    "agency", "number", "place", "date", "doc_type", "title",
    "signer", "signer_position", "recipients",
)


def empty_fields() -> dict[str, Any]:
    """The official-document fields, none found yet (recipients is a list)."""
    return {name: ([] if name == "recipients" else None) for name in FIELD_NAMES}


@dataclass
class Document:
    """Text and official-document fields of one attached file; ``status`` says how it went."""

    text: str = ""
    pages: int | None = None
    type: str = ""  # "pdf", "docx", "doc", "xls", "xlsx", "" when unknown
    fields: dict[str, Any] = field(default_factory=empty_fields)
    status: str = "ok"
    reason: str = ""
    extractor: str = ""  # "pypdf", "pdftotext", "tesseract", "python-docx", "antiword"
    size: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of every field."""
        return asdict(self)

    @classmethod
    def failed(cls, reason: str, *, type: str = "", size: int = 0, status: str = "failed") -> "Document":
        """A document that could not be read, with a reason a person understands."""
        return cls(type=type, status=status, reason=reason, size=size)
