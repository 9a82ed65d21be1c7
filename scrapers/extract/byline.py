"""Author and source lines at the end of an article ("Thanh Minh", "Tin ảnh Lê Tuấn", "Nguồn: ...")."""

from __future__ import annotations

import re

from scrapers.extract.chrome import is_chrome_phrase

_SOURCE = re.compile(r"^\(?\s*(?:nguồn(?:\s+tin)?|theo|trích nguồn)\s*[:\-]?\s*(.{2,120}?)\s*\)?\.?$", re.I)
_URL_LINE = re.compile(r"^\(?\s*(https?://\S+|www\.\S+)\s*\)?$", re.I)
_LABELLED = re.compile(
    r"^\(?\s*(?:tác giả(?: bài viết| bài)?|người viết|người đăng(?: tin)?|bài(?: và| và ảnh|, ảnh)?(?: ảnh)?|tin(?: và ảnh|, ảnh| ảnh)?|"
    r"ảnh|bài, ảnh|tin và ảnh|thực hiện|nhóm phóng viên|pv)\s*[:\-]?\s+(.{2,60}?)\s*\)?\.?$",
    re.I,
)
# A bare name: 1-5 capitalised syllables or initials ("Thanh Minh", "H.T", "T.Nga", "BBT").
_NAME_WORD = r"(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]+|[A-ZĐ]\.(?:[A-ZĐ]\.?)*[a-zđà-ỹ]*|[A-ZĐ]{2,5})"
_BARE_NAME = re.compile(rf"^{_NAME_WORD}(?:[ .]+{_NAME_WORD}){{0,4}}\.?(?:\s*\((?:tổng hợp|TH|st|sưu tầm)\))?$")
# An office as author ("Văn phòng Sở", "Phòng Quản lý khoa học", "Trung tâm TT&ƯD KH&CN").
_ORG = re.compile(r"^(?:Văn phòng|Phòng|Trung tâm|Chi cục|Thanh tra|Ban|Bộ phận|Tổ|Đoàn|Sở|Nhóm)\s"
                  r"[\w&.\- ]{1,50}$")
_SUFFIX = re.compile(r"\s*\((?:tổng hợp|TH|st|sưu tầm)\)\s*$", re.I)


def split_source(line: str) -> str | None:
    """The source named by a "Nguồn: ..." / "Theo ..." line or a bare URL line, else None."""
    if len(line) > 140:
        return None
    url = _URL_LINE.match(line)
    if url:
        return url.group(1)
    match = _SOURCE.match(line)
    if match and (line.lower().startswith(("nguồn", "(nguồn", "trích")) or len(match.group(1).split()) <= 6):
        return match.group(1).strip()
    return None


def split_author(line: str) -> str | None:
    """The author named by a byline line, else None (share/print words are never a name)."""
    line = line.strip()
    if len(line) > 70 or re.search(r"\d{3,}", line) or is_chrome_phrase(line):
        return None
    match = _LABELLED.match(line)
    if match:
        name = _SUFFIX.sub("", match.group(1)).strip(" .")
        return name if _BARE_NAME.match(name) or len(name.split()) <= 5 else None
    if _BARE_NAME.match(line) and len(line.split()) <= 5:
        return _SUFFIX.sub("", line).strip(" .")
    if _ORG.match(line) and len(line.split()) <= 7:
        return line.strip(" .")
    return None


_LABELLED_LINE = re.compile(r"^(?:tác giả(?: bài viết)?|người viết|tác giả bài)\s*:\s*(.{2,60})$", re.I)
_SOURCE_LINE = re.compile(r"^(?:nguồn tin|nguồn)\s*:\s*(.{2,120})$", re.I)


def labelled_author(lines: list[str]) -> str:
    """The author a "Tác giả bài viết: X" line of the page names, or an empty string."""
    for line in lines:
        match = _LABELLED_LINE.match(line.strip())
        if match:
            return match.group(1).strip(" .")
    return ""


def labelled_source(lines: list[str]) -> str:
    """The source a "Nguồn tin: X" line of the page names, or an empty string."""
    for line in lines:
        match = _SOURCE_LINE.match(line.strip())
        if match:
            return match.group(1).strip(" .")
    return ""


def take_byline(lines: list[str]) -> tuple[list[str], str, str]:
    """Remove author and source lines from the end of ``lines``; returns (lines, author, source)."""
    author = source = ""
    lines = list(lines)
    for _ in range(3):
        if len(lines) < 2:
            break
        last = lines[-1]
        if not source and (found := split_source(last)) is not None:
            source = found
            lines.pop()
            continue
        if not author and (found := split_author(last)) is not None:
            author = found
            lines.pop()
            continue
        break
    return lines, author, source
