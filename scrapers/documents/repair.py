"""Text repair for extracted documents: paragraphs rejoined, page furniture dropped, NFC."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from scrapers.extract.text import clean_line, fold

_COMBINING_AFTER_SPACE = re.compile(r"[ \t]+([\u0300-\u036f])")
PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:(?:trang|page|tr\.)\s*)?\d{1,4}(?:\s*(?:/|của|of|trên)\s*\d{1,4})?(?:\s*[-–—])?$",
    re.IGNORECASE,
)
LIST_START = re.compile(r"^(?:[-+•●▪■◦*–—]\s*\S|[a-zđ]\)\s|\(?\d{1,2}[.)]\s|\d{1,2}(?:\.\d{1,2})+\.?\s)")
HEADING = re.compile(
    r"^(?:(?:[IVXLC]{1,6})[.)]\s|(?:Điều|Chương|Mục|Phần|Phụ lục)\s+[\dIVXLC]+\b)", re.IGNORECASE)
TERMINAL = re.compile(r"(?:[.!?:;…]|\./\.|[.!?]\s*[\"”’)]|[.!?]\)|\.\))$")
_SPACE_BEFORE = re.compile(r"\s+([,;!?)\]])")
_SPACE_AFTER = re.compile(r"([(\[])\s+")


@dataclass
class Line:
    """One line of extracted text, with what the layout said about it."""

    text: str
    indent: bool = False
    blank_before: bool = False
    page_start: bool = False


def tidy(text: str) -> str:
    """One line: combining marks reattached, NFC, odd spaces plain, runs of space folded."""
    return clean_line(unicodedata.normalize("NFC", _COMBINING_AFTER_SPACE.sub(r"\1", text)))


def is_caps(text: str) -> bool:
    """Whether a line is written in capitals (a heading, an agency, a signer's position)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def starts_lower(text: str) -> bool:
    """Whether the first letter-or-digit of ``text`` is a lower-case letter."""
    for char in text:
        if char.isalnum():
            return char.islower()
    return False


def _edge_key(text: str) -> str:
    return re.sub(r"\d+", "#", fold(text))


def drop_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Pages without page numbers and running headers/footers (lines at the top or bottom of
    most pages that say the same thing, digits aside)."""
    edges = 3
    counts: dict[str, int] = {}
    for page in pages:
        lines = [l for l in page if l.strip()]
        keys = {_edge_key(l) for l in lines[:edges] + lines[-edges:]}
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    needed = max(2, math.ceil(0.5 * len(pages)))
    running = {k for k, n in counts.items() if n >= needed and k and len(pages) >= 2}
    cleaned = []
    for page in pages:
        lines = [l for l in page]
        nonblank = [i for i, l in enumerate(lines) if l.strip()]
        edge = set(nonblank[:edges] + nonblank[-edges:])
        cleaned.append([
            l for i, l in enumerate(lines)
            if not (i in edge and (PAGE_NUMBER.match(tidy(l)) or _edge_key(l) in running))
        ])
    return cleaned


def page_lines(pages: list[list[str]]) -> list[Line]:
    """Every non-blank line of the pages, tidied, remembering indents, blank lines and page starts."""
    out: list[Line] = []
    for page in pages:
        blank, first = False, True
        for raw in page:
            text = tidy(raw)
            if not text:
                blank = True
                continue
            indent = raw[:1] in (" ", "\t", "\u00a0")
            out.append(Line(text, indent=indent, blank_before=blank and not first, page_start=first))
            blank, first = False, False
    return out


def _typical_length(lines: list[Line]) -> float:
    lengths = sorted(len(l.text) for l in lines if len(l.text) >= 20)
    return float(lengths[int(0.9 * (len(lengths) - 1))]) if lengths else 60.0


def continues(text: str) -> bool:
    """Whether ``text`` reads as the rest of a sentence (lower case, a digit, not a capital)."""
    return starts_lower(text) or not text[:1].isupper()


def breaks_between(a: Line, b: Line, typical: float, use_indent: bool) -> bool:
    """Whether a new paragraph starts at ``b`` (otherwise ``b`` continues ``a``'s paragraph)."""
    if LIST_START.match(b.text) or HEADING.match(b.text) or is_caps(b.text) or is_caps(a.text):
        return True
    terminal = bool(TERMINAL.search(a.text))
    short = len(a.text) < 0.75 * typical
    if HEADING.match(a.text) and short:
        return True
    if b.blank_before:
        return terminal or not continues(b.text)
    if use_indent and b.indent:
        return terminal or not starts_lower(b.text)
    if terminal:
        return short or (b.page_start and not continues(b.text))
    return short and not continues(b.text) and not b.page_start


def join(a: str, b: str) -> str:
    """Join two pieces of one paragraph (a word hyphenated at the line end is rejoined)."""
    if re.search(r"\w-$", a) and starts_lower(b):
        return a[:-1] + b
    return f"{a} {b}"


def tidy_paragraph(text: str) -> str:
    """No space before closing punctuation or after an opening bracket."""
    return _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", text)).strip()


def paragraphs(lines: list[Line]) -> list[str]:
    """Lines joined back into paragraphs (also across page breaks)."""
    if not lines:
        return []
    typical = _typical_length(lines)
    share = sum(l.indent for l in lines) / len(lines)
    use_indent = 0.03 <= share <= 0.7
    out = [lines[0].text]
    for a, b in zip(lines, lines[1:]):
        if breaks_between(a, b, typical, use_indent):
            out.append(b.text)
        else:
            out[-1] = join(out[-1], b.text)
    return [tidy_paragraph(p) for p in out if p.strip()]


def repair_pages(pages: list[list[str]]) -> str:
    """Raw page lines to clean text, one paragraph per line."""
    return "\n".join(paragraphs(page_lines(drop_furniture(pages))))


def repair_paragraphs(items: list[str]) -> str:
    """Paragraphs that are already paragraphs (DOCX, DOC): tidied, empty ones dropped."""
    cleaned = (tidy_paragraph(tidy(p)) for item in items for p in item.split("\n"))
    return "\n".join(p for p in cleaned if p)
