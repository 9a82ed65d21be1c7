"""URL shapes of each snapshot site: articles, listing pages, non-article pages, files."""

from __future__ import annotations

import base64
from urllib.parse import quote

from snapshot.textgen import ascii_slug, mangled_slug

PAGE_KEYS = ("intro", "org", "contact", "calendar", "tthc", "search", "login")

# Non-article pages by site (paths relative to the host; drupal's are /node/<id>).
PAGES: dict[str, dict[str, str]] = {
    "binhdinh_skhcn": {"intro": "/index.php/Home/GioiThieu", "org": "/index.php/Home/SoDoToChuc", "contact": "/index.php/Home/LienHe", "calendar": "/index.php/Home/LichCongTac", "tthc": "/index.php/Home/ThuTucHanhChinh", "search": "/index.php/Home/TimKiem/?tukhoa=", "login": "/index.php/Home/DangNhap"},
    "quangtri_sokhcn": {"intro": "/gioi-thieu", "org": "/so-do-to-chuc", "contact": "/lien-he", "calendar": "/lich-cong-tac", "tthc": "/thu-tuc-hanh-chinh", "search": "/tim-kiem", "login": "/c/portal/login"},
    "dongthap_skhcn": {"intro": "/web/skhcn/gioi-thieu", "org": "/web/skhcn/co-cau-to-chuc", "contact": "/web/skhcn/lien-he", "calendar": "/web/skhcn/lich-cong-tac", "tthc": "/web/skhcn/thu-tuc-hanh-chinh", "search": "/web/skhcn/tim-kiem", "login": "/c/portal/login"},
    "yenbai_sokhoahocvacongnghe": {"intro": "/noidung/gioithieu/Pages/gioi-thieu.aspx", "org": "/noidung/gioithieu/Pages/so-do-to-chuc.aspx", "contact": "/Pages/lien-he.aspx", "calendar": "/noidung/lichcongtac/Pages/default.aspx", "tthc": "/noidung/tthc/Pages/default.aspx", "search": "/Pages/tim-kiem.aspx?k=", "login": "/_layouts/15/Authenticate.aspx"},
    "hanam_skhcn": {"intro": "/Pages/gioi-thieu.aspx", "org": "/Pages/so-do-to-chuc.aspx", "contact": "/Pages/lien-he.aspx", "calendar": "/Pages/lich-cong-tac.aspx", "tthc": "/Pages/thu-tuc-hanh-chinh.aspx", "search": "/Pages/tim-kiem.aspx", "login": "/_layouts/15/Authenticate.aspx"},
    "tayninh_sokhcn": {"intro": "/about/gioi-thieu-chung.html", "org": "/about/so-do-to-chuc.html", "contact": "/contact/", "calendar": "/lich-cong-tac/", "tthc": "/thu-tuc-hanh-chinh/", "search": "/seek/?q=", "login": "/users/login/"},
    "nghean_hcc": {"intro": "/about/gioi-thieu.html", "org": "/about/co-cau-to-chuc.html", "contact": "/contact/", "calendar": "/lich-cong-tac/", "tthc": "/thu-tuc-hanh-chinh/", "search": "/seek/?q=", "login": "/users/login/"},
    "gialai_tttt": {"intro": "/index.php?option=com_content&view=article&id=2&Itemid=102", "org": "/index.php?option=com_content&view=article&id=5&Itemid=103", "contact": "/index.php?option=com_contact&view=contact&id=1&Itemid=108", "calendar": "/index.php?option=com_content&view=article&id=3&Itemid=110", "tthc": "/index.php?option=com_content&view=article&id=4&Itemid=111", "search": "/index.php?option=com_search&view=search&Itemid=101", "login": "/index.php?option=com_users&view=login&Itemid=112"},
    "cantho_sokhcn": {"intro": "/default.aspx?pid=2", "org": "/default.aspx?pid=3", "contact": "/default.aspx?pid=4", "calendar": "/default.aspx?pid=5", "tthc": "/default.aspx?pid=6", "search": "/default.aspx?pid=7&keyword=", "login": "/login.aspx"},
    "danang_dost": {"intro": "/gioi-thieu", "org": "/so-do-to-chuc", "contact": "/lien-he", "calendar": "/lich-cong-tac", "tthc": "/thu-tuc-hanh-chinh", "search": "/tim-kiem?q=", "login": "/dang-nhap"},
    "longan_skhcn": {"intro": "/gioi-thieu", "org": "/co-cau-to-chuc", "contact": "/lien-he", "calendar": "/lich-cong-tac-tuan", "tthc": "/thu-tuc-hanh-chinh", "search": "/tim-kiem", "login": "/dang-nhap"},
    "langson_sokhcn": {"intro": "/node/12", "org": "/node/13", "contact": "/node/15", "calendar": "/node/1188", "tthc": "/node/1503", "search": "/search/node?keys=", "login": "/user/login"},
    "khcnhungyen": {"intro": "/gioi-thieu", "org": "/so-do-to-chuc", "contact": "/lien-he", "calendar": "/lich-cong-tac", "tthc": "/thu-tuc-hanh-chinh", "search": "/tim-kiem?q=", "login": "/dang-nhap"},
}

# Disallowed paths in each host's robots.txt.
ROBOTS_DISALLOW: dict[str, list[str]] = {
    "binhdinh_skhcn": ["/index.php/Home/DangNhap", "/admin/"],
    "quangtri_sokhcn": ["/c/", "/group/", "/api/"],
    "dongthap_skhcn": ["/c/", "/group/", "/api/"],
    "yenbai_sokhoahocvacongnghe": ["/_layouts/", "/_vti_bin/", "/Lists/"],
    "hanam_skhcn": ["/_layouts/", "/_vti_bin/"],
    "tayninh_sokhcn": ["/admin/", "/users/", "/install/"],
    "nghean_hcc": ["/admin/", "/users/", "/install/"],
    "gialai_tttt": ["/administrator/", "/cache/", "/tmp/", "/index.php?option=com_users"],
    "cantho_sokhcn": ["/login.aspx", "/Admin/"],
    "danang_dost": ["/dang-nhap", "/Account/", "/quan-tri/"],
    "longan_skhcn": ["/dang-nhap", "/quan-tri/"],
    "langson_sokhcn": ["/admin/", "/user/login", "/user/register", "/node/add/", "/search/"],
    "khcnhungyen": ["/dang-nhap", "/admin/"],
}
CRAWL_DELAY = {"langson_sokhcn": 10}

LIFERAY_QT_INSTANCE = "k3Xw9TbqLm2a"
LIFERAY_DT_INSTANCE = "ZxQ9kLmP2rTa"
QT_CATS = ["1663228888354", "1648171260546"]
DT_PLID = ["4127", "4130"]
GL_CATS = [("95", "119"), ("87", "104")]


def b64_id(n: int) -> str:
    """Bình Định's article id: base64 of the decimal id, percent-encoded ('NDY1OA%3D%3D')."""
    return quote(base64.b64encode(str(n).encode()).decode(), safe="")


def article_url(slug: str, base: str, cat_index: int, cat_slug: str, item_id: int, title: str, epoch_ms: int) -> str:
    """The canonical URL of one article (as its listing links it)."""
    if slug == "binhdinh_skhcn":
        return f"{base}/index.php/Home/ChiTietTin/?tin={b64_id(item_id)}"
    if slug == "quangtri_sokhcn":
        return f"{base}/chi-tiet-tin/-/view-article/1/{QT_CATS[cat_index]}/{epoch_ms}"
    if slug == "dongthap_skhcn":
        return f"{base}/web/skhcn/chi-tiet-bai-viet/-/asset_publisher/{LIFERAY_DT_INSTANCE}/content/id/{item_id}?plidlayout={DT_PLID[cat_index]}"
    if slug == "yenbai_sokhoahocvacongnghe":
        return f"{base}/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID={item_id}&l={cat_slug}&lv=30"
    if slug == "hanam_skhcn":
        return f"{base}/Pages/{ascii_slug(title, keep_case=True, max_words=9)}{item_id}.aspx"
    if slug == "tayninh_sokhcn":
        return f"{base}/{cat_slug}/{mangled_slug(title)}-{item_id}.html"
    if slug == "nghean_hcc":
        return f"{base}/{cat_slug}/{ascii_slug(title, max_words=16)}-{item_id}.html"
    if slug == "gialai_tttt":
        catid, itemid = GL_CATS[cat_index]
        return f"{base}/index.php?option=com_content&view=article&id={item_id}:{ascii_slug(title, max_words=10)}&catid={catid}&Itemid={itemid}"
    if slug == "cantho_sokhcn":
        return f"{base}/default.aspx?pid=57&nid={item_id}"
    if slug == "danang_dost":
        return f"{base}/chi-tiet-tin-tuc?dinhdanh={item_id}&cat={cat_slug}"
    if slug == "longan_skhcn":
        return f"{base}/{cat_slug}/{ascii_slug(title, max_words=12)}-{item_id}"
    if slug == "langson_sokhcn":
        return f"{base}/node/{item_id}"
    if slug == "khcnhungyen":
        return f"{base}/{cat_slug}/{ascii_slug(title, max_words=14)}-{item_id}"
    raise KeyError(slug)


def listing_url(slug: str, first: str, page: int, size: int) -> str:
    """Page ``page`` (1-based) of the listing whose first page is ``first`` (the registry URL)."""
    if page == 1:
        return first
    if slug == "binhdinh_skhcn":
        return f"{first}&trang={page}"
    if slug == "quangtri_sokhcn":
        i = LIFERAY_QT_INSTANCE
        return (f"{first}?p_p_id=101_INSTANCE_{i}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
                f"&p_p_col_id=column-1&p_p_col_count=1&_101_INSTANCE_{i}_delta={size}&_101_INSTANCE_{i}_cur={page}")
    if slug == "dongthap_skhcn":
        p = f"com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_{LIFERAY_DT_INSTANCE}"
        return f"{first}?p_p_id={p}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&_{p}_cur={page}&_{p}_delta={size}"
    if slug == "yenbai_sokhoahocvacongnghe":
        return f"{first}&Page={page}"
    if slug == "hanam_skhcn":
        return f"{first}?Page={page}"
    if slug in ("tayninh_sokhcn", "nghean_hcc"):
        return f"{first}page-{page}"
    if slug == "gialai_tttt":
        return f"{first}&limitstart={(page - 1) * size}"
    if slug in ("cantho_sokhcn", "danang_dost"):
        return f"{first}&page={page}"
    if slug in ("longan_skhcn", "khcnhungyen"):
        return f"{first}?page={page}"
    if slug == "langson_sokhcn":
        return f"{first}?page={page - 1}"
    raise KeyError(slug)


def category_key(slug: str, first: str, index: int) -> str:
    """The token an article URL carries for its category (SharePoint l=, Đà Nẵng cat=, path slugs)."""
    if slug == "yenbai_sokhoahocvacongnghe":
        return first.split("l=")[1]
    if slug == "danang_dost":
        return first.split("cat=")[1]
    path = first.rstrip("/").rsplit("/", 1)[-1]
    return path


def file_url(slug: str, base: str, name: str, year: int, item_id: int) -> str:
    """Where a site keeps an attached document."""
    if slug == "binhdinh_skhcn":
        return f"{base}/upload/files/{year}/{name}"
    if slug in ("quangtri_sokhcn", "dongthap_skhcn"):
        return f"{base}/documents/10181/{item_id % 100000}/{name}"
    if slug in ("yenbai_sokhoahocvacongnghe", "hanam_skhcn"):
        return f"{base}/noidung/tintuc/Lists/TinTuc/Attachments/{item_id}/{name}"
    if slug == "gialai_tttt":
        return f"{base}/images/stories/vanban/{year}/{name}"
    if slug == "cantho_sokhcn":
        return f"{base}/Upload/files/{name}"
    if slug == "langson_sokhcn":
        return f"{base}/sites/default/files/{year}-12/{name}"
    return f"{base}/uploads/files/{name}"


def image_url(slug: str, base: str, year: int, month: int, item_id: int, k: int) -> str:
    """An image of an article body, in the site's media path style."""
    if slug == "binhdinh_skhcn":
        return f"/upload/images/{year}/{month}/tin{item_id}_{k}.jpg"
    if slug in ("quangtri_sokhcn", "dongthap_skhcn"):
        return f"/documents/10181/0/anh-{item_id}-{k}.jpg/{item_id:08x}-{k:04x}-4e7b-9c1d-{item_id * 7919:012x}"
    if slug in ("yenbai_sokhoahocvacongnghe", "hanam_skhcn"):
        return f"/PublishingImages/{year}/{month:02d}/anh{item_id}-{k}.jpg"
    if slug in ("tayninh_sokhcn", "nghean_hcc"):
        return f"/uploads/news/{year}_{month:02d}/anh-{item_id}-{k}.jpg"
    if slug == "gialai_tttt":
        return f"images/tintuc/{year}/anh{item_id}_{k}.jpg"
    if slug == "cantho_sokhcn":
        return f"/Upload/Images/{year}/{month}/{item_id}_{k}.jpg"
    if slug == "danang_dost":
        return f"/Uploads/tintuc/{year}/{item_id}-{k}.jpg"
    if slug == "longan_skhcn":
        return f"/Uploads/images/{year}/{month:02d}/{item_id}-{k}.jpg"
    if slug == "langson_sokhcn":
        return f"/sites/default/files/styles/large/public/{year}-{month:02d}/anh-{item_id}-{k}.jpg"
    return f"/uploads/{year}/{month:02d}/{item_id}_{k}.jpg"
