"""`reformnews extract`: saved HTML pages to Article JSON (documents: PDF, DOC, DOCX, XLSX, XLS to
Document JSON), one file or a manifest of many."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO


def page_article(html: bytes, url: str) -> dict[str, Any]:
    """Extract one page (with the registry site's profile when the URL is on a known site)."""
    from scrapers.extract import extract_article
    from scrapers.registry import load_registry, site_for_url

    site = site_for_url(url, load_registry())
    if site is not None:
        article = extract_article(html, url, family=site.family, site=site.slug)
        article.site = site.slug
    else:
        article = extract_article(html, url)
    return article.to_dict()


def document_kind(data: bytes, path: Path) -> str:
    """"pdf", "docx", "doc", "xls", "xlsx"... when the file is an attached document, else ""."""
    from scrapers.documents import DOCUMENT_TYPES, sniff

    kind = sniff(data, path.name)
    return kind if kind in DOCUMENT_TYPES else ""


def file_result(data: bytes, path: Path, url: str, *, ocr: bool = False) -> dict[str, Any]:
    """The article of an HTML page, or the document of an attached file: text, fields and outline
    ("structure") of a PDF, DOCX or DOC; the sheets of an XLSX or XLS as rows of text.

    ``ocr`` (or REFORMNEWS_OCR=1) runs tesseract on a scanned PDF without a text layer.
    """
    if not document_kind(data, path):
        return page_article(data, url)
    import os

    from scrapers.documents import extract_document

    ocr = ocr or os.environ.get("REFORMNEWS_OCR") == "1"
    return {"url": url, "file": path.name, **extract_document(data, filename=path.name, ocr=ocr).to_dict()}


def extract_file(path: Path, url: str | None, out: TextIO, *, ocr: bool = False) -> None:
    """Print the article (or document) of one file as one indented JSON object."""
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    result = file_result(path.read_bytes(), path, url or path.resolve().as_uri(), ocr=ocr)
    out.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


def _resolve(raw: str, manifest_dir: Path) -> Path:
    path = Path(raw)
    if path.is_absolute():
        return path
    beside = manifest_dir / path
    return beside if beside.exists() or not path.exists() else path


def batch_line(line: str, manifest_dir: Path) -> dict[str, Any]:
    """The output object of one manifest line: the article with its "path", or an "error"."""
    try:
        entry = json.loads(line)
    except ValueError as exc:
        return {"path": None, "error": f"not a JSON line: {exc}"}
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or not entry["path"]:
        return {"path": None, "error": 'each line must be an object with a "path"'}
    raw = entry["path"]
    path = _resolve(raw, manifest_dir)
    if not path.is_file():
        return {"path": raw, "error": f"no such file: {path}"}
    url = entry.get("url") if isinstance(entry.get("url"), str) and entry.get("url") else path.resolve().as_uri()
    try:
        return {"path": raw, **file_result(path.read_bytes(), path, url)}
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the batch
        return {"path": raw, "url": url, "error": f"{type(exc).__name__}: {exc}"}


def extract_batch(manifest: Path, out: TextIO) -> int:
    """Write one JSON line per manifest line (blank lines skipped), in order."""
    if not manifest.is_file():
        raise FileNotFoundError(f"no such manifest: {manifest}")
    count = 0
    with manifest.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            out.write(json.dumps(batch_line(line, manifest.parent), ensure_ascii=False) + "\n")
            out.flush()
            count += 1
    return count
