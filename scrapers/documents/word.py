"""Word documents: DOCX by python-docx (paragraphs and tables in document order), DOC by antiword."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from scrapers.documents.fields import parse_fields
from scrapers.documents.model import Document
from scrapers.documents.repair import repair_paragraphs, tidy
from scrapers.documents.tools import run

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CELL_GAP = "     "  # cells of one table row, kept apart like columns of a page


def _paragraph_text(element: Any) -> str:
    """Text of a w:p element: runs, tabs and line breaks (hyperlinks and fields included)."""
    parts: list[str] = []
    for node in element.iter():
        tag = node.tag
        if tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif tag in (f"{_W}tab",):
            parts.append(" ")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


def _cells(row: Any) -> Iterator[Any]:
    seen: set[int] = set()
    for cell in row.iterchildren(f"{_W}tc"):
        if id(cell) not in seen:
            seen.add(id(cell))
            yield cell


def _block_lines(parent: Any) -> Iterator[tuple[str, list[str]]]:
    """("p", [text]) for paragraphs and ("row", [cell texts]) for table rows, in document order."""
    for child in parent.iterchildren():
        if child.tag == f"{_W}p":
            yield "p", [_paragraph_text(child)]
        elif child.tag == f"{_W}tbl":
            for row in child.iterchildren(f"{_W}tr"):
                texts = []
                for cell in _cells(row):
                    inner = [t for _, parts in _block_lines(cell) for t in parts]
                    texts.append("\n".join(inner))
                yield "row", texts
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _block_lines(content)


def docx_lines(data: bytes) -> tuple[list[str], list[str]]:
    """(paragraphs for the text, lines for the fields) of a DOCX: every table cell read in order."""
    from docx import Document as load_docx

    body = load_docx(io.BytesIO(data)).element.body
    paragraphs: list[str] = []
    field_lines: list[str] = []
    for kind, parts in _block_lines(body):
        if kind == "p":
            paragraphs.extend(parts)
            field_lines.extend(parts[0].split("\n"))
            continue
        for cell in parts:
            paragraphs.extend(cell.split("\n"))
        columns = [cell.split("\n") for cell in parts]
        depth = max((len(c) for c in columns), default=0)
        for i in range(depth):
            field_lines.append(CELL_GAP.join(c[i] if i < len(c) else "" for c in columns))
    return paragraphs, field_lines


def read_docx(data: bytes) -> Document:
    """A Document from DOCX bytes (never raises)."""
    try:
        paragraphs, field_lines = docx_lines(data)
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on broken files
        return Document.failed(f"damaged DOCX: {type(exc).__name__}: {exc}", type="docx", size=len(data))
    return _finish(paragraphs, field_lines, "docx", "python-docx", len(data))


def read_doc(data: bytes) -> Document:
    """A Document from Word 97-2003 bytes through antiword (never raises)."""
    code, out, err = run(["antiword", "-m", "UTF-8.txt", "-w", "0", "-"], data=data)
    if code != 0:
        return Document.failed(f"antiword could not read the DOC file: {err or 'exit ' + str(code)}",
                               type="doc", size=len(data))
    paragraphs: list[str] = []
    field_lines: list[str] = []
    for raw in out.decode("utf-8", "replace").splitlines():
        if raw.strip().startswith("|") and raw.strip().endswith("|"):
            cells = [c.strip() for c in raw.strip().strip("|").split("|")]
            paragraphs.extend(c for c in cells if c)
            field_lines.append(CELL_GAP.join(cells))
        else:
            paragraphs.append(raw)
            field_lines.append(raw)
    return _finish(paragraphs, field_lines, "doc", "antiword", len(data))


def _finish(paragraphs: list[str], field_lines: list[str], kind: str, extractor: str, size: int) -> Document:
    text = repair_paragraphs(paragraphs)
    if not text:
        return Document(type=kind, status="failed", reason="the document contains no text",
                        extractor=extractor, size=size)
    lines = [l for l in (re.sub(r"[ \t]+$", "", x) for x in field_lines) if tidy(l)]
    return Document(text=text, pages=None, type=kind, fields=parse_fields(lines, lines), status="ok",
                    extractor=extractor, size=size)
