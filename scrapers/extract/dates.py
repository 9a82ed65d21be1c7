"""Vietnamese dates: a regex set for the formats government sites print, dateparser as fallback."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7))
MIN_YEAR = 1995  # no Vietnamese provincial site published earlier; 1/1/0001 is a placeholder
_MAX_TEXT = 2000  # date search never looks at more than this many characters at once

_TIME = r"(?P<{p}h>[01]?\d|2[0-3])\s*[:hg]\s*(?P<{p}mi>[0-5]\d)(?:\s*:\s*(?P<{p}s>[0-5]\d))?(?:\s*(?P<{p}ampm>AM|PM|SA|CH)\b)?"
_DMY = r"(?<![\d/.-])(?P<d>[0-3]?\d)\s*(?P<sep>[/.-])\s*(?P<m>[01]?\d)\s*(?P=sep)\s*(?P<y>(?:19|20)\d\d|-?000\d)(?![\d/])"
_YMD = r"(?<![\d/.-])(?P<y>(?:19|20)\d\d|-000\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:[T ]" + _TIME.format(p="") + r")?"
_LONG = r"ngày\s+(?P<d>[0-3]?\d)\s+tháng\s+(?P<m>[01]?\d)\s+năm\s+(?P<y>(?:19|20)\d\d)"
# A time just after the date ("14/07/2022 14:39", "24/09/2020, 01:43 AM", "11/05/2018 | 07:58").
_TIME_AFTER = re.compile(r"^\s*(?:[,|\-–]\s*|lúc\s+|\s)\s*(?:lúc\s+)?" + _TIME.format(p=""), re.I)
# A time just before it ("10:20, Thứ Năm, 23-2-2023", "16:07,29-09-2017", "(09:19 | 23/12/2016)").
_TIME_BEFORE = re.compile(
    _TIME.format(p="") + r"\s*(?:[,|\-–]\s*)?(?:(?:thứ\s+\w+|chủ\s+nhật)\s*[,\-–]?\s*)?(?:ngày\s*)?$", re.I
)
_PATTERNS = [re.compile(p, re.I) for p in (_YMD, _DMY, _LONG)]


@dataclass(frozen=True)
class FoundDate:
    """A date found in text, where it starts, and whether it carried a time."""

    value: datetime
    has_time: bool
    start: int
    end: int

    def iso(self) -> str:
        """ISO 8601 in +07:00, or just the date when the page gave no time."""
        return self.value.isoformat() if self.has_time else self.value.date().isoformat()


def _hour(groups: dict[str, str | None], prefix: str = "") -> tuple[int, int, int] | None:
    """Hour, minute, second from regex groups, applying AM/PM."""
    if not groups.get(prefix + "h"):
        return None
    hour, minute = int(groups[prefix + "h"]), int(groups[prefix + "mi"])
    second = int(groups.get(prefix + "s") or 0)
    ampm = (groups.get(prefix + "ampm") or "").upper()
    if ampm in ("PM", "CH") and hour < 12:
        hour += 12
    elif ampm in ("AM", "SA") and hour == 12:
        hour = 0
    return hour, minute, second


def _build(y: int, m: int, d: int, hms: tuple[int, int, int] | None) -> datetime | None:
    """A datetime in Vietnam time, or None when impossible or a placeholder."""
    if y < MIN_YEAR or y > datetime.now().year + 1:
        return None
    try:
        h, mi, s = hms or (0, 0, 0)
        return datetime(y, m, d, h, mi, s, tzinfo=VN_TZ)
    except ValueError:
        return None


def find_dates(text: str) -> list[FoundDate]:
    """Every plausible date in ``text``, in order, with its time when one stands beside it."""
    text = text[:_MAX_TEXT]
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            g = match.groupdict()
            hms = _hour(g)
            end, start = match.end(), match.start()
            if hms is None:
                after = _TIME_AFTER.match(text[end : end + 20])
                if after:
                    hms, end = _hour(after.groupdict()), end + after.end()
                else:
                    before = _TIME_BEFORE.search(text[max(0, start - 40) : start])
                    if before:
                        hms = _hour(before.groupdict())
                        start = max(0, start - 40) + before.start()
            value = _build(int(g["y"]), int(g["m"]), int(g["d"]), hms)
            if value is not None:
                found.append(FoundDate(value, hms is not None, start, end))
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def parse_date(text: str) -> FoundDate | None:
    """The first date in ``text`` by the regex set, else by dateparser (Vietnamese, DMY)."""
    found = find_dates(text)
    if found:
        return found[0]
    return _dateparser(text)


def parse_iso(value: str) -> FoundDate | None:
    """A machine date (meta article:published_time, <time datetime>) as a FoundDate."""
    value = value.strip()[:40]
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_date(value)
    has_time = "T" in value or " " in value.strip()
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    parsed = parsed.astimezone(VN_TZ)
    if parsed.year < MIN_YEAR:
        return None
    return FoundDate(parsed, has_time, 0, len(value))


def _dateparser(text: str) -> FoundDate | None:
    """dateparser on a short text, Vietnamese and day-first; None when it finds nothing."""
    snippet = text.strip()[:80]
    if not snippet or not re.search(r"\d", snippet):
        return None
    try:
        import dateparser

        parsed = dateparser.parse(
            snippet, languages=["vi"],
            settings={"DATE_ORDER": "DMY", "TIMEZONE": "Asia/Ho_Chi_Minh", "RETURN_AS_TIMEZONE_AWARE": True,
                      "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]},
        )
    except Exception:  # dateparser raises assorted errors on odd input; a miss is not an error
        return None
    if parsed is None or parsed.year < MIN_YEAR or parsed.year > datetime.now().year + 1:
        return None
    parsed = parsed.astimezone(VN_TZ)
    has_time = bool(re.search(r"\d\s*[:hg]\s*\d\d", snippet))
    return FoundDate(parsed, has_time, 0, len(snippet))


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]?([01]\d)[/-]?([0-3]\d)(?:[/._-]|$)")


def date_from_url(url: str) -> FoundDate | None:
    """A date written in a URL path (/2022/07/14/ or /20220714-), or None."""
    match = _URL_DATE.search(url)
    if not match:
        return None
    value = _build(int(match.group(1)), int(match.group(2)), int(match.group(3)), None)
    return FoundDate(value, False, 0, 0) if value else None
