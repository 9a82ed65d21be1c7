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
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names and "mimetype" in names:
            return "ods" if b"spreadsheet" in archive.read("mimetype")[:200] else "odt"
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, RuntimeError):
        return "zip"
    return "zip"


def _ole_kind(data: bytes, hint: str) -> str:
    if hint in ("doc", "xls"):
        return hint
    if "WordDocument".encode("utf-16-le") in data[:1 << 20]:
        return "doc"
    if "Workbook".encode("utf-16-le") in data[:1 << 20] or "Book".encode("utf-16-le") in data[:1 << 20]:
        return "xls"
    return "doc"


def encrypted_office(data: bytes) -> bool:
    """Whether the bytes are a password-protected DOCX/XLSX (an OLE2 file holding an EncryptedPackage)."""
    return data.startswith(OLE2) and "EncryptedPackage".encode("utf-16-le") in data[:1 << 20]


def _encrypted_kind(hint: str) -> str:
    return hint if hint in ("docx", "xlsx", "doc", "xls") else ""


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
        return _encrypted_kind(hint) if encrypted_office(data) else _ole_kind(data, hint)
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"Rar!"):
        return "rar"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered[:200]:
        return "html"
    return hint if hint in KNOWN else ""
