"""Spreadsheet cells as a Vietnamese reader sees them, and a sheet's rows as lines of text.

Numbers follow the cell's number format the way Vietnamese Excel shows it: decimal comma,
"." between thousands only when the format groups digits, a percent format times 100
(0.9092 with "0.00%" is "90,92%"); a "General" number has no exponent and no ".0"
(100000.0 is "100000", 12.0 is "12"). Dates are dd/mm/yyyy (with HH:MM when there is a time).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from scrapers.documents.repair import tidy

SEPARATOR = " | "
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


@dataclass
class Sheet:
    """One sheet as read: its name, rows of cell texts, the merged ranges, whether it was cut short."""

    name: str
    rows: list[list[str]] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based rlo, rhi, clo, chi (excl.)
    truncated: bool = False


def _plain(number_format: str | None) -> str:
    """The first section of a number format, without quoted text, escapes and [colour] tags."""
    return _QUOTED.sub("", (number_format or "General").split(";")[0])


def _vietnamese(digits: str) -> str:
    """``1,234.5`` (Python's grouping) written the Vietnamese way: ``1.234,5``."""
    return digits.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _general(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10g}"
    if "e" in text:
        text = format(Decimal(text), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _vietnamese(text)


def format_number(value: float | int, number_format: str | None = None) -> str:
    """A number as the cell shows it (see the module docstring); never an exponent."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    plain = _plain(number_format)
    if "%" in plain:
        value = value * 100
    if "0" not in plain and "#" not in plain:
        text = _general(float(value))
        return text + ("%" if "%" in plain else "")
    decimals = len(re.sub(r"[^0#?]", "", plain.split(".", 1)[1])) if "." in plain else 0
    grouped = "," in plain.split(".", 1)[0]
    text = f"{value:{',' if grouped else ''}.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    return _vietnamese(text) + ("%" if "%" in plain else "")


def format_date(value: date | datetime | time | timedelta) -> str:
    """dd/mm/yyyy, with HH:MM (and :SS when there are seconds) for a date with a time."""
    if isinstance(value, timedelta):
        minutes, seconds = divmod(int(value.total_seconds()), 60)
        return f"{minutes // 60}:{minutes % 60:02d}" + (f":{seconds:02d}" if seconds else "")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    day = f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, datetime) and (value.hour, value.minute, value.second) != (0, 0, 0):
        return day + " " + value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return day


def cell_text(value: object, number_format: str | None = None) -> str:
    """One cell's value as text (empty for an empty cell); whitespace and line breaks folded."""
    if value is None:
        return ""
    if isinstance(value, (datetime, date, time, timedelta)):
        return format_date(value)
    if isinstance(value, (int, float)):
        return format_number(value, number_format)
    return tidy(str(value).replace("\n", " "))


def fill_merged(rows: list[list[str]], merged: Iterable[tuple[int, int, int, int]]) -> None:
    """Repeat a vertically merged cell's value down its rows (a row label belongs to every row it
    spans); a horizontally merged heading is said once, at its first column."""
    for rlo, rhi, clo, _ in merged:
        if rhi - rlo < 2 or rlo >= len(rows) or clo >= len(rows[rlo]):
            continue
        value = rows[rlo][clo]
        for r in range(rlo + 1, min(rhi, len(rows))):
            row = rows[r]
            if len(row) <= clo:
                row.extend([""] * (clo + 1 - len(row)))
            if not row[clo]:
                row[clo] = value


def sheet_lines(sheet: Sheet) -> list[str]:
    """The sheet's name as a "[name]" line, then each non-empty row, columns with no value dropped."""
    rows = [list(r) for r in sheet.rows]
    fill_merged(rows, sheet.merged)
    used = sorted({i for row in rows for i, text in enumerate(row) if text})
    lines = []
    for row in rows:
        cells = [row[i] if i < len(row) else "" for i in used]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            lines.append(SEPARATOR.join(cells).strip())
    return [f"[{tidy(sheet.name) or 'Sheet'}]", *lines] if lines else []


def workbook_text(sheets: Sequence[Sheet]) -> str:
    """Every sheet with a value, one after another, one row per line."""
    return "\n".join(line for sheet in sheets for line in sheet_lines(sheet))
