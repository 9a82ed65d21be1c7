"""Which kind of document some bytes are: magic bytes first, then the file name, then the MIME type."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote, urlsplit

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
KNOWN = ("pdf", "docx", "doc", "xlsx", "xls", "odt", "ods", "rtf", "zip", "rar")
_MIME = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
}


def extension(name: str) -> str:
    """Lower-case extension of a file name or URL path, without the dot ("" when none)."""
    path = unquote(urlsplit(name).path if "://" in name else name)
    tail = path.rsplit("/", 1)[-1]
    return tail.rsplit(".", 1)[-1].lower() if "." in tail else ""


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "odt"
    return "zip"


def _ole_kind(data: bytes, hint: str) -> str:
    if hint in ("doc", "xls"):
        return hint
    if "WordDocument".encode("utf-16-le") in data[:1 << 20]:
        return "doc"
    if "Workbook".encode("utf-16-le") in data[:1 << 20] or "Book".encode("utf-16-le") in data[:1 << 20]:
        return "xls"
    return "doc"


def sniff(data: bytes, filename: str = "", content_type: str = "") -> str:
    """The document type ("pdf", "docx", "doc", "xlsx", "xls", ..., "html", or "")."""
    hint = extension(filename) or _MIME.get(content_type.split(";")[0].strip().lower(), "")
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        return hint if kind == "zip" and hint in ("docx", "xlsx") else kind
    if data.startswith(OLE2):
        return _ole_kind(data, hint)
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"Rar!"):
        return "rar"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered[:200]:
        return "html"
    return hint if hint in KNOWN else ""
