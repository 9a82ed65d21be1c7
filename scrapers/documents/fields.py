"""The header and footer of a Vietnamese official document (văn bản hành chính) as fields."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from scrapers.documents.model import empty_fields
from scrapers.documents.repair import HEADING, LIST_START, is_caps, tidy
from scrapers.extract.text import fold

_MOTTO = [
    re.compile(r"C[ỘO]NG\s*H(?:ÒA|OÀ|OA)\s*X[ÃA]\s*H[ỘO]I\s*CH[ỦU]\s*NGH[ĨI]A\s*VI[ỆE]T\s*NAM", re.I),
    re.compile(r"Đ[ộo]c\s*l[ậa]p\s*[-–—]\s*T[ựu]\s*do\s*[-–—]\s*H[ạa]nh\s*ph[úu]c", re.I),
]
_COLUMNS = re.compile(r"\s{3,}|\t+|\s*\|\s*")
_NUMBER = re.compile(r"\bSố\s*[:.]?\s*(\d*\s*/\s*[\w/.&-]+|\d+[\w/.&-]*)", re.I)
_PLACE_DATE = re.compile(
    r"((?:TP\.\s*|Tp\.\s*)?(?:[^\W\d_][\w]*\s+){0,4}?[^\W\d_][\w]*)\s*,\s*ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})",
    re.I,
)
_BARE_DATE = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.I)
_VV = re.compile(r"^(?:V/v|V/V|Về việc)\s*[:.]?\s*(.+)$")
DOC_TYPES = (
    "BÁO CÁO", "KẾ HOẠCH", "QUYẾT ĐỊNH", "CÔNG VĂN", "THÔNG BÁO", "TỜ TRÌNH", "CHỈ THỊ",
    "NGHỊ QUYẾT", "HƯỚNG DẪN", "CHƯƠNG TRÌNH", "ĐỀ ÁN", "QUY CHẾ", "QUY ĐỊNH", "GIẤY MỜI",
    "BIÊN BẢN", "THÔNG TƯ", "NGHỊ ĐỊNH", "CÔNG ĐIỆN", "PHƯƠNG ÁN", "DỰ ÁN", "LUẬT", "THÔNG CÁO",
)
_TYPE_KEYS = sorted(((fold(t), t) for t in DOC_TYPES), key=lambda kv: -len(kv[0]))
_BODY_OPENERS = tuple(fold(w) + " " for w in (
    "Căn cứ", "Kính gửi", "Thực hiện", "Theo", "Trong", "Để", "Nhằm", "Trên cơ sở", "Xét đề nghị",
    "Qua", "Ngày", "Triển khai", "Nay", "Tiếp tục", "Sau khi", "Hôm nay", "Vừa qua",
))
_POSITION_WORDS = tuple(fold(w) for w in (
    "GIÁM ĐỐC", "CHỦ TỊCH", "TRƯỞNG", "PHÓ", "CHÁNH", "BÍ THƯ", "ỦY BAN", "UBND", "SỞ", "BAN",
    "HỘI ĐỒNG", "CỤC", "VĂN PHÒNG", "THƯ KÝ", "KT.", "TM.", "TL.", "TUQ.", "Q.", "ĐẠI DIỆN",
    "THỦ TRƯỞNG", "BỘ", "TỔ", "NGƯỜI KÝ", "CHỈ HUY",
))
_AUTHORITY = re.compile(r"^(?:KT|TM|TL|TUQ|Q)\s*\.", re.I)
_SKIP_FOOTER = tuple(fold(w) for w in (
    "Ký bởi", "Thời gian ký", "Email", "Cơ quan:", "Ngày ký", "Người ký", "Chức vụ",
))


def fragments(line: str) -> list[str]:
    """The pieces of one line: columns split apart, the national motto removed, each tidied."""
    out = []
    for piece in _COLUMNS.split(line):
        for motto in _MOTTO:
            piece = motto.sub("   ", piece)
        for part in re.split(r"\s{3,}", piece):
            part = re.sub(r"^(?:[\s_=*~]|[-–—]{2,})+|(?:[\s_=*~]|[-–—]{2,})+$", "", tidy(part))
            if part and any(c.isalnum() for c in part):
                out.append(part)
    return out


def iso_date(day: str, month: str, year: str) -> str | None:
    """``YYYY-MM-DD`` of a day, month and year, or None when they make no date."""
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def doc_type_of(text: str) -> tuple[str, str] | None:
    """(type, rest) when ``text`` starts with a document type written in capitals."""
    key = fold(text)
    for folded, name in _TYPE_KEYS:
        if key == folded or key.startswith(folded + " "):
            words = len(name.split())
            head = " ".join(text.split()[:words])
            rest = " ".join(text.split()[words:])
            if is_caps(head) and (not rest or not is_caps(rest)):
                return name, rest
    return None


def _title_stop(text: str, count: int) -> bool:
    key = fold(text) + " "
    return (
        count >= 3 or len(text) > 200 or key.startswith(_BODY_OPENERS) or is_caps(text)
        or bool(LIST_START.match(text)) or bool(HEADING.match(text))
        or (count > 0 and text.rstrip().endswith((".", ";", ":")))
    )


def parse_header(lines: list[str], fields: dict[str, Any]) -> None:
    """Agency, number, place, date, document type and title from the first lines."""
    agency: list[str] = []
    seen_type = False
    title: list[str] = []
    vv: list[str] = []
    pieces = [p for line in [l for l in lines if l.strip()][:40] for p in fragments(line)]
    for i, piece in enumerate(pieces):
        if seen_type:
            if _title_stop(piece, len(title)):
                break
            title.append(piece)
            continue
        number = _NUMBER.search(piece)
        if number and fields["number"] is None and i < 25:
            fields["number"] = re.sub(r"\s+", "", number.group(1))
            piece = (piece[:number.start()] + "   " + piece[number.end():]).strip()
        place = _PLACE_DATE.search(piece)
        if place and fields["date"] is None:
            fields["place"] = tidy(place.group(1))
            fields["date"] = iso_date(place.group(2), place.group(3), place.group(4))
            piece = piece[:place.start()].strip()
        if not piece:
            continue
        found = doc_type_of(piece)
        if found and (fields["number"] or agency or i < 12):
            fields["doc_type"], rest = found
            seen_type = True
            if rest:
                title.append(rest)
            continue
        match = _VV.match(piece)
        if match and fields["number"] is not None:
            vv.append(match.group(1))
            continue
        if vv and not is_caps(piece) and piece[:1].islower():
            vv.append(piece)
            continue
        if is_caps(piece) and fields["number"] is None and fields["date"] is None and len(agency) < 4:
            if agency and re.search(r"\b(?:VÀ|CỦA)$", agency[-1]):
                agency[-1] = f"{agency[-1]} {piece}"
            else:
                agency.append(piece)
    if agency:
        fields["agency"] = " / ".join(agency)
    if title:
        fields["title"] = tidy(" ".join(title))
    elif vv:
        fields["title"] = tidy(" ".join(vv))
        fields["doc_type"] = fields["doc_type"] or "CÔNG VĂN"
    if fields["date"] is None:
        for piece in pieces[:30]:
            bare = _BARE_DATE.search(piece)
            if bare:
                fields["date"] = iso_date(*bare.groups())
                break


def _is_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 6 or len(text) > 45 or any(c.isdigit() for c in text):
        return False
    if any(c in text for c in ":;,()/"):
        return False
    titled = all(w[:1].isupper() and (w[1:].islower() or not w[1:]) for w in words)
    return titled or (is_caps(text) and not fold(text).startswith(_POSITION_WORDS))


def _footer_start(lines: list[str]) -> int:
    start = max(0, len(lines) - 40)
    marker = None
    for i in range(len(lines) - 1, start - 1, -1):
        key = fold(lines[i])
        if "noi nhan" in key and marker is None:
            marker = i
        if lines[i].rstrip().endswith("./."):
            return i + 1 if marker is None or marker > i else i
    if marker is not None:
        back = marker
        while back > start and back > marker - 4 and is_caps(" ".join(fragments(lines[back - 1])) or "x"):
            back -= 1
        return back
    return max(0, len(lines) - 12)


def parse_footer(lines: list[str], fields: dict[str, Any]) -> None:
    """Signer, signer's position and recipients ("Nơi nhận") from the last lines."""
    recipients: list[str] = []
    position: list[str] = []
    names: list[str] = []
    in_recipients = False
    lines = [line for line in lines if line.strip()]
    for line in lines[_footer_start(lines):]:
        for piece in fragments(line):
            key = fold(piece)
            if key.startswith("noi nhan"):
                in_recipients = True
                piece = tidy(re.sub(r"^\W*Nơi\s*nhận\s*:?", "", piece, flags=re.I))
                if not piece:
                    continue
                key = fold(piece)
            if key.startswith(_SKIP_FOOTER) or (piece.startswith("(") and piece.endswith(")")):
                continue
            if re.match(r"^[-+•●▪*–]\s*", piece) or key.startswith("nhu tren"):
                in_recipients = True
                recipients.append(re.sub(r"^[-+•●▪*–]\s*", "", piece).rstrip(" ;.,"))
                continue
            caps = is_caps(piece)
            if caps and (_AUTHORITY.match(piece) or key.startswith(_POSITION_WORDS)):
                position.append(piece)
                in_recipients = False
            elif _is_name(piece) and (position or not in_recipients):
                names.append(piece)
            elif in_recipients and recipients and not caps and piece[:1].islower():
                recipients[-1] = f"{recipients[-1]} {piece}".rstrip(" ;.,")
    fields["recipients"] = [r for r in recipients if r]
    if position:
        fields["signer_position"] = " / ".join(position)
    if names:
        fields["signer"] = names[-1]


def parse_fields(head: list[str], tail: list[str] | None = None) -> dict[str, Any]:
    """The fields of an official document from its first lines and its last lines."""
    fields = empty_fields()
    try:
        parse_header(head, fields)
        parse_footer(tail if tail is not None else head, fields)
    except Exception:  # noqa: BLE001 - fields are a bonus: never lose the text over them
        pass
    return fields
