"""Each site's own way of printing dates (and the fixed 'today' its header shows)."""

from __future__ import annotations

from datetime import datetime

TODAY = datetime(2026, 2, 13, 8, 30)
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
WEEKDAYS_CAP = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]

# Sites whose article page shows a time (or carries article:published_time with one).
SHOWS_TIME = {"binhdinh_skhcn", "dongthap_skhcn", "hanam_skhcn", "tayninh_sokhcn", "nghean_hcc", "gialai_tttt", "danang_dost", "langson_sokhcn", "khcnhungyen"}


def article_date(slug: str, dt: datetime, views: int) -> str:
    """The date line of an article page, in the site's format."""
    wd, wdc = WEEKDAYS[dt.weekday()], WEEKDAYS_CAP[dt.weekday()]
    if slug == "binhdinh_skhcn":
        return f"Ngày đăng : {dt:%d/%m/%Y}, {dt:%I:%M %p} | Lượt xem : {views}"
    if slug == "quangtri_sokhcn":
        return f"Ngày đăng: {dt:%d-%m-%Y}"
    if slug == "dongthap_skhcn":
        return f"{dt:%d/%m/%Y} | {dt:%H:%M}"
    if slug == "yenbai_sokhoahocvacongnghe":
        return f"Cập nhật: {wdc}, ngày {dt:%d/%m/%Y}"
    if slug == "hanam_skhcn":
        return f"Ngày đăng: {dt:%d/%m/%Y %H:%M}"
    if slug == "tayninh_sokhcn":
        return f"{wd} - {dt:%d/%m/%Y %H:%M}"
    if slug == "nghean_hcc":
        return f"{wd}, {dt:%d/%m/%Y} - {dt:%H:%M}"
    if slug == "gialai_tttt":
        return f"{dt:%H:%M:%S} , {dt:%d/%m/%Y}"
    if slug == "cantho_sokhcn":
        return f"({dt:%d/%m/%Y})"
    if slug == "danang_dost":
        return f"{dt:%d/%m/%Y}"
    if slug == "longan_skhcn":
        return f"Ngày đăng: {wd}, {dt:%d/%m/%Y}"
    if slug == "langson_sokhcn":
        return f"{wdc}, {dt:%d/%m/%Y} - {dt:%H:%M}"
    if slug == "khcnhungyen":
        return f"Cập nhật lúc {dt:%H:%M}, {wd}, {dt:%d/%m/%Y}"
    return f"{dt:%d/%m/%Y}"


def listing_date(slug: str, dt: datetime) -> str:
    """The date printed beside a title in listings and related lists."""
    if slug == "tayninh_sokhcn":
        return f"{dt:%d/%m/%Y %H:%M}"
    if slug == "quangtri_sokhcn":
        return f"{dt:%d-%m-%Y}"
    return f"{dt:%d/%m/%Y}"


def today(family: str) -> str:
    """The header date (a trap: it is not the publication date)."""
    t = TODAY
    wd, wdc = WEEKDAYS[t.weekday()], WEEKDAYS_CAP[t.weekday()]
    return {
        "custom_php": f"{wd}, ngày {t:%d/%m/%Y}",
        "liferay": f"{wdc}, {t:%d/%m/%Y}",
        "sharepoint": f"{wd}, ngày {t.day:02d} tháng {t.month:02d} năm {t.year}",
        "nukeviet": f"{wd}, {t:%d/%m/%Y %H:%M}",
        "joomla": f"Hôm nay, {wd} {t:%d-%m-%Y}",
        "aspnet": f"{wdc}, ngày {t:%d/%m/%Y}",
        "slug_id_portal": f"{wd}, {t:%d/%m/%Y}",
        "drupal": f"{wdc}, {t:%d/%m/%Y}",
        "custom": f"{wd} Ngày {t.day}/{t.month}/{t.year}",
    }[family]


def iso(slug: str, dt: datetime) -> str:
    """The manifest's published_at: with time and +07:00 when the page shows one."""
    if slug in SHOWS_TIME:
        return dt.strftime("%Y-%m-%dT%H:%M:00+07:00")
    return dt.strftime("%Y-%m-%d")
