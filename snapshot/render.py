"""Jinja2 rendering of the family templates, and the template contexts of each page kind."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from snapshot import dates, urls
from snapshot.model import Art, SiteSpec

TEMPLATES = Path(__file__).with_name("templates")
LINKS = [
    ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn/"),
    ("Bộ Khoa học và Công nghệ", "https://www.most.gov.vn/"),
    ("Hệ thống thông tin giải quyết TTHC", "https://dichvucong.{domain}.gov.vn/"),
]
WEBSITES = [
    ("Chính phủ", "https://chinhphu.vn/"),
    ("Bộ Nội vụ", "https://moha.gov.vn/"),
    ("Cục Sở hữu trí tuệ", "https://ipvietnam.gov.vn/"),
    ("Tổng cục Tiêu chuẩn Đo lường Chất lượng", "https://tcvn.gov.vn/"),
    ("Cổng thông tin điện tử tỉnh", "https://{domain}.gov.vn/"),
]
DOMAINS = {"Bình Định": "binhdinh", "Quảng Trị": "quangtri", "Đồng Tháp": "dongthap", "Yên Bái": "yenbai", "Hà Nam": "hanam",
           "Tây Ninh": "tayninh", "Nghệ An": "nghean", "Gia Lai": "gialai", "Cần Thơ": "cantho", "Đà Nẵng": "danang",
           "Long An": "longan", "Lạng Sơn": "langson", "Hưng Yên": "hungyen"}
SLOGAN = "Khoa học, Công nghệ và Đổi mới sáng tạo – Khơi dậy khát vọng kiến tạo tương lai"


def _token(seed: str, n: int) -> str:
    raw = b""
    i = 0
    while len(raw) < n:
        raw += hashlib.sha256(f"{seed}-{i}".encode()).digest()
        i += 1
    return base64.b64encode(raw[:n]).decode()


def site_context(site: SiteSpec) -> dict:
    """The `site` variable every template of ``site`` gets."""
    d = site.data
    domain = DOMAINS.get(site.province, "gov")
    pages = {k: site.base + v for k, v in urls.PAGES[site.slug].items()}
    cats = [{"label": label, "url": url, "reform": reform} for url, label, reform in site.listings]
    reform_cat = next(c for c in cats if c["reform"])
    other_cat = next(c for c in cats if not c["reform"])
    menu = [("Trang chủ", site.base_url), ("Giới thiệu", pages["intro"]), ("Tin tức - Sự kiện", other_cat["url"]),
            ("Cải cách hành chính", reform_cat["url"]), ("Thủ tục hành chính", pages["tthc"]), ("Sơ đồ tổ chức", pages["org"]),
            ("Lịch công tác tuần", pages["calendar"]), ("Liên hệ", pages["contact"])]
    from snapshot.pages import CALENDAR

    return {
        "slug": site.slug, "name": site.name, "agency": site.agency, "province": site.province,
        "tinh": f"thành phố {site.province}" if d.get("city") else f"tỉnh {site.province}",
        "base": site.base, "home": site.base_url, "host": site.host,
        "name_upper": d["name_upper"], "portal_title": d["portal_title"], "slogan": SLOGAN,
        "address": d["address"], "phone": d["phone"], "email": d["email"], "responsible": d["responsible"],
        "licence": d["licence"], "designer": d["designer"], "copyright": d["copyright"], "city": bool(d.get("city")),
        "today": dates.today(site.family), "today_plain": dates.TODAY.strftime("%d %b %Y"),
        "menu": menu, "links": [(a, b.format(domain=domain)) for a, b in LINKS],
        "websites": [(a, b.format(domain=domain)) for a, b in WEBSITES], "calendar": CALENDAR,
        "stats": d["stats"], "categories": cats, "pages": pages, "sidebar_title": d.get("sidebar_title", "LIÊN KẾT"),
        "theme": site.slug.split("_")[0], "instance": urls.LIFERAY_QT_INSTANCE if site.slug == "quangtri_sokhcn" else urls.LIFERAY_DT_INSTANCE,
        "logo_id": 20417 + len(site.slug), "viewstate": _token(site.slug + "vs", 900), "eventvalidation": _token(site.slug + "ev", 120),
        "digest": hashlib.sha1(site.slug.encode()).hexdigest().upper() * 2, "list_guid": "6f1c2e7a-3b4d-4c8e-9a51-" + hashlib.md5(site.slug.encode()).hexdigest()[:12],
        "wp_guid": hashlib.md5(site.slug.encode()).hexdigest()[:8] + "_" + hashlib.md5(site.slug.encode()).hexdigest()[8:12],
        "theme_token": _token(site.slug + "tt", 32).rstrip("=").replace("+", "-").replace("/", "_"),
        "rss_url": site.feeds[0] if site.feeds else site.base + "/rss/",
    }


class Renderer:
    """Renders family templates with autoescaping; undefined variables are errors."""

    def __init__(self) -> None:
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                               undefined=StrictUndefined, keep_trailing_newline=True)

    def render(self, family: str, name: str, **ctx: object) -> str:
        """Render ``family/name``."""
        return self.env.get_template(f"{family}/{name}").render(**ctx)

    def extras(self, site: SiteSpec, url: str, kind: str) -> dict:
        """Per-family odds and ends: form actions, Joomla base href, NukeViet function names."""
        parts = urlsplit(url)
        action = parts.path + (f"?{parts.query}" if parts.query else "")
        return {"form_action": action or "/", "base_href": url, "view": "article" if kind == "article" else "category",
                "itemid": 119, "nv_func": "detail" if kind == "article" else "viewcat"}

    def _item(self, site: SiteSpec, a: Art, *, alt: bool = True) -> dict:
        alt_url = ""
        if alt and site.slug in ("tayninh_sokhcn", "langson_sokhcn"):
            alt_url = a.url + "#comments"
        thumb = urls.image_url(site.slug, site.base, a.dt.year, a.dt.month, a.item_id, 1)
        return {"title": a.title, "url": a.url, "date": dates.listing_date(site.slug, a.dt), "lead": a.draft.lead,
                "image": thumb, "alt_url": alt_url, "views": a.views, "date_iso": a.dt.strftime("%Y-%m-%dT%H:%M:00+07:00")}

    def listing_ctx(self, site: SiteSpec, label: str, url: str, chunk: list[Art], page_urls: list[str], n: int, total: int, size: int,
                    postback: str = "") -> SimpleNamespace:
        """Context of one listing page (a namespace: `listing.items` must not be dict.items); ``postback``: the pager
        control whose ``__doPostBack`` turns the pages (ASP.NET), else pages are links."""
        return SimpleNamespace(**{"title": label, "url": url, "items": [self._item(site, a) for a in chunk], "postback": postback,
                "pages": [{"n": i, "url": u, "current": i == n} for i, u in enumerate(page_urls, 1)],
                "prev_url": page_urls[n - 2] if n > 1 else "", "next_url": page_urls[n] if n < len(page_urls) else "",
                "last_url": page_urls[-1], "page_no": n, "total": total, "first": (n - 1) * size + 1,
                "last": min(n * size, total), "is_home": False})

    def home_ctx(self, site: SiteSpec, items: list[Art], redirect_from: str) -> SimpleNamespace:
        """Context of the home page: the newest articles of every category."""
        out = [self._item(site, a, alt=False) for a in items]
        if site.slug == "dongthap_skhcn":
            for it, a in zip(out, items):
                it["url"] = a.aliases[0]
        if redirect_from:
            out[2]["url"] = redirect_from
        return SimpleNamespace(title="Tin mới nhất", url=site.base_url, items=out, pages=[], prev_url="", next_url="", postback="",
                               last_url="", page_no=1, total=len(out), first=1, last=len(out), is_home=True)

    def article_ctx(self, site: SiteSpec, a: Art, body_html: str, attachments: list[dict], related: list[Art], latest: list[Art]) -> dict:
        """Context of one article page."""
        first_url, label, _ = site.listings[a.cat]
        rel = [{"title": r.title, "url": r.aliases[0] if site.slug == "yenbai_sokhoahocvacongnghe" else r.url,
                "date": dates.listing_date(site.slug, r.dt)} for r in related]
        lat = [{"title": r.title, "url": r.url, "date": dates.listing_date(site.slug, r.dt)} for r in latest]
        path = urlsplit(a.url).path
        image = urls.image_url(site.slug, site.base, a.dt.year, a.dt.month, a.item_id, 1)
        return {
            "title": a.title, "url": a.url, "category": label, "category_url": first_url,
            "date_text": dates.article_date(site.slug, a.dt, a.views), "date_iso": a.dt.strftime("%Y-%m-%dT%H:%M:00+07:00"),
            "views": a.views, "comments": 0, "body_html": body_html, "lead": a.draft.lead,
            "author": a.author_raw, "source": a.source_line.removeprefix("Nguồn: "), "attachments": attachments,
            "related": rel, "latest": lat, "print_url": a.url + "&tmpl=component&print=1&layout=default",
            "pdf_url": a.url + "&format=pdf", "save_url": site.base + "/savefile" + path, "image": image if a.draft.captions else "",
            "item_id": a.item_id, "poster": a.author_raw or "Quản trị viên", "mailto_token": _token(a.url, 30).rstrip("="),
            "prev": rel[0] if rel else None, "next": lat[0] if lat else None,
        }
