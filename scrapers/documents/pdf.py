"""PDF text: pypdf first, poppler's pdftotext when pypdf yields little, tesseract OCR on request."""

from __future__ import annotations

import io
import logging
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from scrapers.documents.fields import parse_fields
from scrapers.documents.model import Document
from scrapers.documents.repair import repair_pages
from scrapers.documents.tools import have, run, tesseract_languages

# Below this many non-space characters per page, a PDF is taken for a scan without text.
MIN_CHARS_PER_PAGE = 40


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _chars(pages: list[str]) -> int:
    return sum(len("".join(p.split())) for p in pages)


def _pdftotext(data: bytes, *, layout: bool = False, first: int = 1, last: int | None = None) -> list[str] | None:
    """Pages of pdftotext's output, or None when it cannot read the file."""
    args = ["pdftotext", "-enc", "UTF-8", "-q", "-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    if layout:
        args.append("-layout")
    code, out, _ = run([*args, "-", "-"], data=data)
    if code != 0:
        return None
    pages = out.decode("utf-8", "replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _ocr(data: bytes, pages: int) -> list[str] | None:
    """Page texts by tesseract (Vietnamese) from 300 dpi renderings, or None without the tools."""
    if not (have("pdftoppm") and "vie" in tesseract_languages()):
        return None
    with tempfile.TemporaryDirectory(prefix="reformnews-ocr-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(data)
        code, _, _ = run(["pdftoppm", "-r", "300", "-gray", "-png", "-l", str(pages), str(source),
                          str(Path(tmp) / "p")], timeout=600)
        if code != 0:
            return None
        texts = []
        for image in sorted(Path(tmp).glob("p-*.png")):
            code, out, _ = run(["tesseract", str(image), "-", "-l", "vie"], timeout=300)
            texts.append(out.decode("utf-8", "replace") if code == 0 else "")
        return texts


def _open(data: bytes) -> tuple[object | None, str]:
    """(pypdf reader, "") or (None, why it could not be opened)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    return None, "encrypted PDF: a password is needed to open it"
            except Exception as exc:  # noqa: BLE001 - unsupported encryption, missing crypto library
                return None, f"encrypted PDF that cannot be decrypted ({type(exc).__name__}: {exc})"
        len(reader.pages)
        return reader, ""
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on broken files
        return None, f"{type(exc).__name__}: {exc}"


def read_pdf(data: bytes, *, max_pages: int = 500, ocr: bool = False, ocr_pages: int = 50) -> Document:
    """A Document from PDF bytes (never raises)."""
    truncated = b"%%EOF" not in data[-2048:]
    with _quiet_pypdf():
        reader, why = _open(data)
        if reader is None and why.startswith("encrypted"):
            return Document.failed(why, type="pdf", size=len(data))
        plain: list[str] = []
        head: list[str] = []
        tail: list[str] = []
        total = 0
        extractor = "pypdf"
        if reader is not None:
            pages = reader.pages  # type: ignore[attr-defined]
            total = len(pages)
            for page in list(pages)[:max_pages]:
                try:
                    plain.append(page.extract_text() or "")
                except Exception:  # noqa: BLE001 - one bad page must not lose the others
                    plain.append("")
            head, tail = _layout_edges(pages, min(total, max_pages))
    if _chars(plain) < MIN_CHARS_PER_PAGE * max(1, len(plain)):
        poppler = _pdftotext(data, last=max_pages)
        if poppler is not None and _chars(poppler) > _chars(plain):
            plain, extractor = poppler, "pdftotext"
            total = total or len(poppler)
            layout = _pdftotext(data, layout=True, last=max_pages) or poppler
            head, tail = layout[0].splitlines(), layout[-1].splitlines()
    if reader is None and not plain:
        reason = "damaged PDF that no reader could open" + (" (the file is truncated)" if truncated else "")
        return Document.failed(f"{reason}: {why}", type="pdf", size=len(data))
    status, reason = "ok", ""
    if _chars(plain) < MIN_CHARS_PER_PAGE * max(1, len(plain)):
        texts = _ocr(data, min(total or 1, ocr_pages)) if ocr else None
        if texts is not None and _chars(texts) >= MIN_CHARS_PER_PAGE:
            plain, extractor = texts, "tesseract"
            head, tail = texts[0].splitlines(), texts[-1].splitlines()
            reason = "text recognised by OCR (tesseract, vie)"
        else:
            status = "needs_ocr"
            reason = ("no text layer (a scanned document?): OCR is needed"
                      + ("" if not ocr else "; OCR is not available here (scripts/install-system-deps.sh)"))
    if status == "ok" and truncated:
        reason = "the file is truncated: text of the pages that could be read"
    if status == "ok" and total > max_pages:
        reason = f"only the first {max_pages} of {total} pages were read"
    text = repair_pages([p.splitlines() for p in plain])
    fields = parse_fields(head, tail if len(plain) > 1 else head) if text else parse_fields([])
    return Document(text=text, pages=total or len(plain), type="pdf", fields=fields, status=status,
                    reason=reason, extractor=extractor, size=len(data))


def _layout_edges(pages: object, count: int) -> tuple[list[str], list[str]]:
    """Layout-mode lines of the first and last page (columns kept apart), for the fields."""
    if count == 0:
        return [], []
    edges = []
    for index in (0, count - 1):
        page = pages[index]  # type: ignore[index]
        try:
            text = page.extract_text(extraction_mode="layout") or ""
        except Exception:  # noqa: BLE001
            try:
                text = page.extract_text() or ""
            except Exception:  # noqa: BLE001
                text = ""
        edges.append(text.splitlines())
    return edges[0], edges[1]
