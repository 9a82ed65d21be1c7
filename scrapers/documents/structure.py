"""The outline of a Vietnamese official document: Phần, Chương, Mục, Điều, khoản, điểm; and the
I. / 1. / 1.1. / a) sections of plans and reports.

Pure: :func:`legal_structure` reads repaired text (one paragraph per line) and returns nested
:class:`Part` objects with character offsets into that text. A heading counts only at the start
of a line and only when its number follows the one before it (Điều 4 after Điều 3, b) after a)),
so "theo quy định tại Điều 5 của Luật" inside a sentence, a date or an amount never starts a part.
Tolerates OCR/PDF noise: "Điều 1 ." or "Điều 1:", "ĐIỀU 1", "Ðiều" (Icelandic eth), missing
tone marks ("Dieu", "Chuong"), a missing title, a chapter title on the line after "Chương II".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from scrapers.documents.repair import is_caps

# Ranks: a part contains the parts of higher rank that follow it, up to the next part of its rank
# or lower. A plan's roman section is a peer of an article (Điều): a decision that approves a plan
# often carries the plan after its articles.
RANKS = {"phan": 0, "chuong": 1, "muc": 2, "dieu": 3, "roman": 3, "khoan": 4, "numbered": 4, "diem": 8}
KINDS = tuple(RANKS)
MAX_PARTS = 3000
TITLE_CHARS = 160
POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"  # the Vietnamese order of điểm a), b), ... (no f, j, w, z)

_KEYWORD = re.compile(r"^(phan|chuong|muc|dieu)\s*(\d{1,3}[a-z]?|[ivxlc]{1,7})(?![\w])\s*([.:)\-–—]?)\s*")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?:\s*([.)])\s*|\s+)(?=[^\W\d_]|[\"“(])")
_ROMAN = re.compile(r"^([IVXLC]{1,7})\s*[.)\-–—:]\s*(?=\S|$)")
_POINT = re.compile(r"^([a-zđ])\s*(?:\)\s*|\.\s+)(?=\S)")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _rank(kind: str, number: str) -> int:
    """Nesting level of a part (lower contains higher): a "1.2" numbered item or clause sits below "1"."""
    return RANKS[kind] + (number.count(".") if kind in ("numbered", "khoan") else 0)


@dataclass
class Part:
    """One part of the outline: ``text[start:end]`` is the part with its heading and children."""

    kind: str  # one of KINDS
    number: str  # "II", "5", "1.2", "a" (as written, spaces dropped)
    title: str  # the heading's title; for clauses and points the first words of their text
    start: int
    end: int
    children: list["Part"] = field(default_factory=list)

    @property
    def rank(self) -> int:
        """Nesting level of the kind (lower contains higher)."""
        return _rank(self.kind, self.number)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict, children included."""
        return {"kind": self.kind, "number": self.number, "title": self.title, "start": self.start,
                "end": self.end, "children": [c.to_dict() for c in self.children]}


def _base(char: str) -> str:
    if char in "đĐÐð":
        return "d"
    return unicodedata.normalize("NFD", char)[0].lower()


def fold_same_length(text: str) -> str:
    """Lower case without tone marks, đ→d, one character for one (positions stay valid)."""
    return "".join(_base(c) for c in text)


def roman_value(numeral: str) -> int:
    """The value of a roman numeral (0 when it is not one)."""
    values = [_ROMAN_VALUES.get(c, 0) for c in numeral.lower()]
    if not values or 0 in values:
        return 0
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if total > 0 else 0


def _number_value(kind: str, number: str) -> int:
    if kind == "diem":
        return POINT_LETTERS.index(number) + 1 if number in POINT_LETTERS else 0
    last = number.rsplit(".", 1)[-1]
    digits = re.match(r"\d+", last)
    if digits:
        return int(digits.group())
    return roman_value(last)


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS - 1].rstrip() + "…"


@dataclass
class _Candidate:
    kind: str
    number: str
    title: str
    loose: bool = False  # "Điều 5 Luật..." with no "." or ":": needs the very next number
    title_on_next_line: bool = False


def _keyword_heading(line: str, folded: str) -> _Candidate | None:
    match = _KEYWORD.match(folded)
    if not match:
        return None
    kind, number, mark = match.groups()  # the folded keyword is the kind's name
    raw_number = line[match.start(2):match.end(2)]
    rest = line[match.end():].strip()
    if number[0].isdigit():
        number = raw_number.lower()
    elif kind == "dieu" or not raw_number.isupper() or not roman_value(number):
        return None  # "Mục vi phạm", "Điều lệ": a word, not a number
    else:
        number = raw_number
    if kind == "dieu" and not mark and rest:
        if not rest[:1].isupper():
            return None  # "Điều 5 của Luật ..." is a sentence
        return _Candidate(kind, number, _short(rest), loose=True)
    if kind != "dieu" and not mark and rest and not is_caps(rest) and not rest[:1].isupper():
        return None  # "Chương 2 của Quy chế ..."
    return _Candidate(kind, number, _short(rest.lstrip(".:-–— ")), title_on_next_line=not rest)


def _candidate(line: str) -> _Candidate | None:
    """What heading ``line`` would start, before the numbering is checked."""
    folded = fold_same_length(line)
    found = _keyword_heading(line, folded)
    if found is not None or _KEYWORD.match(folded):
        return found
    match = _ROMAN.match(line)
    if match and roman_value(match.group(1)):
        return _Candidate("roman", match.group(1), _short(line[match.end():]))
    match = _POINT.match(line)
    if match:
        return _Candidate("diem", match.group(1), _short(line[match.end():]))
    match = _NUMBERED.match(line)
    if match:
        number, mark = match.groups()
        if not mark and "." not in number:
            return None  # "2 đồng chí ..." is a sentence, "2. Nội dung" a clause, "1.1 Nội dung" a section
        return _Candidate("numbered", number, _short(line[match.end():]))
    return None


class _Outline:
    """The parts accepted so far and the chain of open parts."""

    def __init__(self) -> None:
        self.roots: list[Part] = []
        self.open: list[Part] = []
        self.last_dieu = 0
        self.count = 0

    def parent_for(self, rank: int) -> Part | None:
        for part in reversed(self.open):
            if part.rank < rank:
                return part
        return None

    def accepts(self, candidate: _Candidate, kind: str, rank: int) -> bool:
        value = _number_value(kind, candidate.number)
        if value <= 0:
            return False
        if kind == "dieu":
            if candidate.loose:
                return value == self.last_dieu + 1
            # the first article may have any number (a document's first page lost, an excerpt)
            return value == 1 or self.last_dieu == 0 or self.last_dieu < value <= self.last_dieu + 3
        parent = self.parent_for(rank)
        siblings = parent.children if parent is not None else self.roots
        previous = next((p for p in reversed(siblings) if p.kind == kind and p.rank == rank), None)
        if kind in ("numbered", "khoan") and "." in candidate.number:
            prefix = candidate.number.rsplit(".", 1)[0]
            if parent is None or parent.kind not in ("numbered", "khoan") or parent.number != prefix:
                return False
        if previous is None:
            return value <= 2
        return _number_value(kind, previous.number) < value <= _number_value(kind, previous.number) + 2

    def close(self, rank: int, at: int) -> None:
        while self.open and self.open[-1].rank >= rank:
            self.open.pop().end = at

    def add(self, part: Part) -> None:
        self.close(part.rank, part.start)
        parent = self.open[-1] if self.open else None
        (parent.children if parent is not None else self.roots).append(part)
        self.open.append(part)
        self.count += 1
        if part.kind == "dieu":
            self.last_dieu = _number_value("dieu", part.number)


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, stripped line) of every non-blank line."""
    out = []
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.lstrip()
        if stripped.strip():
            out.append((offset + len(raw) - len(stripped), stripped.rstrip()))
        offset += len(raw) + 1
    return out


def legal_structure(text: str) -> list[Part]:
    """The nested outline of a document's text (empty when it has no numbered headings)."""
    outline = _Outline()
    lines = _lines(text or "")
    for index, (offset, line) in enumerate(lines):
        if outline.count >= MAX_PARTS:
            break
        candidate = _candidate(line)
        if candidate is not None:
            kind = candidate.kind
            if kind == "numbered" and any(p.kind == "dieu" for p in outline.open) and \
                    not any(p.kind == "roman" for p in outline.open):
                kind = "khoan"
            if outline.accepts(candidate, kind, _rank(kind, candidate.number)):
                title = candidate.title
                if candidate.title_on_next_line and index + 1 < len(lines):
                    following = lines[index + 1][1]
                    if is_caps(following) and _candidate(following) is None:
                        title = _short(following)
                outline.add(Part(kind, candidate.number, title, offset, len(text)))
        if line.endswith("./."):  # the end of the body: signature and recipients follow
            outline.close(-1, offset + len(line))
    outline.close(-1, len(text))
    return outline.roots


def outline_dicts(text: str) -> list[dict[str, Any]]:
    """:func:`legal_structure` as JSON-ready dicts (what ``Document.fields["structure"]`` holds)."""
    try:
        return [part.to_dict() for part in legal_structure(text)]
    except Exception:  # noqa: BLE001 - the outline is a bonus: never lose the text over it
        return []


def part_text(text: str, part: Part | dict[str, Any]) -> str:
    """The text of one part (its heading, body and children) from the document's text."""
    start, end = (part["start"], part["end"]) if isinstance(part, dict) else (part.start, part.end)
    return text[start:end].strip()
