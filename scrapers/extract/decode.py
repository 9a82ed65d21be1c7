"""Bytes to text: HTTP charset, then <meta> charset, then detection; always NFC."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

from charset_normalizer import from_bytes

from scrapers.extract.text import nfc

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]{0,200}encoding\s*=\s*[\"']([\w.:-]+)", re.I)
# Labels pages use that Python spells otherwise, or that browsers treat as a superset.
_ALIASES = {"iso-8859-1": "windows-1252", "latin1": "windows-1252", "latin-1": "windows-1252",
            "us-ascii": "windows-1252", "ascii": "windows-1252", "x-user-defined": "windows-1252",
            "utf8": "utf-8", "unicode": "utf-8", "vn": "windows-1258"}


def _codec(label: str | None) -> str | None:
    """A Python codec name for a charset label, or None when unknown."""
    if not label:
        return None
    label = _ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _header(headers: Mapping[str, str] | None, name: str) -> str:
    """Case-insensitive header value (Scrapy headers hold bytes or lists)."""
    if not headers:
        return ""
    for key, value in headers.items():
        k = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if k.lower() == name:
            if isinstance(value, (list, tuple)):
                value = value[0] if value else ""
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return ""


def sniff_charset(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """The codec to decode ``body`` with: BOM, HTTP header, meta/XML declaration, then detection."""
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    match = _HEADER_CHARSET.search(_header(headers, "content-type"))
    codec = _codec(match.group(1)) if match else None
    if codec == "utf-8" and not body[:500_000].isascii() and not _is_utf8_text(body):
        codec = None  # the header says UTF-8 but the bytes are not: ask the page and the bytes instead
    if codec is None:
        head = body[:4096]
        found = _META_CHARSET.search(head) or _XML_DECL.search(head)
        codec = _codec(found.group(1).decode("ascii", "ignore")) if found else None
    if codec is not None:
        # A page declaring a single-byte charset that is valid UTF-8 with multibyte text is UTF-8.
        if codec != "utf-8" and _is_utf8_text(body):
            return "utf-8"
        return codec
    if _is_utf8_text(body):
        return "utf-8"
    best = from_bytes(body[:200_000], cp_isolation=["utf_8", "cp1258", "cp1252"]).best()
    return _codec(best.encoding) if best is not None else "utf-8"


def _is_utf8_text(body: bytes) -> bool:
    """True when ``body`` decodes as UTF-8 and has at least one multibyte sequence."""
    sample = body[:500_000]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut in the middle of a character at the end of the sample is still UTF-8.
        if exc.start < len(sample) - 4:
            return False
    return any(b >= 0x80 for b in sample)


def decode_html(body: bytes | str, headers: Mapping[str, str] | None = None) -> str:
    """Text of an HTML response, decoded by header, meta charset or detection, in NFC."""
    if isinstance(body, str):
        return nfc(body)
    codec = sniff_charset(body, headers) or "utf-8"
    try:
        text = body.decode(codec, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    return nfc(text.lstrip("\ufeff"))
