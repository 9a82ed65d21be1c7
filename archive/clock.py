"""Time in the archive: ISO 8601 in Vietnam time (UTC+07:00, no daylight saving)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

VN = timezone(timedelta(hours=7))
_BARE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def now_iso() -> str:
    """The current time as ``2024-05-01T09:30:00+07:00``."""
    return datetime.now(VN).isoformat(timespec="seconds")


def to_vn_iso(value: object) -> str | None:
    """An ISO 8601 string in +07:00 (naive times are taken as Vietnam time); bare dates stay bare.

    Returns None for empty or unparseable input.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if not text:
            return None
        if _BARE_DATE.match(text):
            return text
        try:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
        except ValueError:
            return None
    moment = moment.replace(tzinfo=VN) if moment.tzinfo is None else moment.astimezone(VN)
    return moment.isoformat(timespec="seconds")
