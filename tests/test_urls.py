"""URL canonicalisation: each rule, table-driven, plus idempotence."""

from __future__ import annotations

import pytest

from scrapers.urls import canonical_url, identity_url, is_print_url

SAME = [
    # scheme, www, host case, default ports, fragment
    ("http://www.SKHCN.BinhDinh.gov.vn:80/a/b#top", "https://skhcn.binhdinh.gov.vn/a/b"),
    ("https://skhcn.binhdinh.gov.vn:443/a/b", "https://skhcn.binhdinh.gov.vn/a/b"),
    ("https://x.gov.vn:8080/a", "https://x.gov.vn:8080/a"),
    # trailing slash, dot segments, doubled slashes; the root keeps its slash
    ("https://x.gov.vn/tin-tuc/", "https://x.gov.vn/tin-tuc"),
    ("https://x.gov.vn/a/./b/../c//d/", "https://x.gov.vn/a/c/d"),
    ("https://x.gov.vn", "https://x.gov.vn/"),
    # parameter order
    ("https://x.gov.vn/p.aspx?b=2&a=1", "https://x.gov.vn/p.aspx?a=1&b=2"),
    # tracking and sessions
    ("https://x.gov.vn/a?utm_source=zalo&utm_medium=s&id=5&fbclid=Iw&gclid=1&zarsrc=30", "https://x.gov.vn/a?id=5"),
    ("https://x.gov.vn/a;jsessionid=0A1B2C?id=5", "https://x.gov.vn/a?id=5"),
    ("https://x.gov.vn/a?id=5&PHPSESSID=abc&JSESSIONID=z&ASP.NET_SessionId=q", "https://x.gov.vn/a?id=5"),
    ("https://x.gov.vn/(S(lit3py55t21z5v55vlm25s55))/default.aspx?pid=57&nid=3",
     "https://x.gov.vn/default.aspx?nid=3&pid=57"),
    # Liferay portlet state and back links; p_p_id stays
    ("https://q.gov.vn/chi-tiet-tin/-/view-article/1/16/1234?p_p_id=101_INSTANCE_k3&p_p_lifecycle=0"
     "&p_p_state=maximized&p_p_mode=view&p_p_col_id=column-1&p_p_col_count=1&p_p_auth=Xy12"
     "&_101_INSTANCE_k3_redirect=https%3A%2F%2Fq.gov.vn%2Ftin",
     "https://q.gov.vn/chi-tiet-tin/-/view-article/1/16/1234?p_p_id=101_INSTANCE_k3"),
    ("https://q.gov.vn/a/-/view/9?redirect=%2Fweb%2Fguest", "https://q.gov.vn/a/-/view/9"),
    # SharePoint list-view depth on a Pages/*.aspx article
    ("https://yb.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=12&l=TinTuc&lv=30",
     "https://yb.gov.vn/noidung/tintuc/Pages/chi-tiet-tin-tuc.aspx?ItemID=12&l=TinTuc"),
    # Joomla: Itemid beside an article id; print view
    ("https://gl.gov.vn/index.php?option=com_content&view=article&id=5:ke-hoach&catid=95&Itemid=119",
     "https://gl.gov.vn/index.php?catid=95&id=5:ke-hoach&option=com_content&view=article"),
    ("https://gl.gov.vn/index.php?option=com_content&view=article&id=5:ke-hoach&catid=95&Itemid=119"
     "&tmpl=component&print=1&layout=default&page=",
     "https://gl.gov.vn/index.php?catid=95&id=5:ke-hoach&option=com_content&view=article"),
    # printer-friendly pages
    ("https://x.gov.vn/vi/news/print/cai-cach/tieu-de-123.html", "https://x.gov.vn/vi/news/cai-cach/tieu-de-123.html"),
    ("https://x.gov.vn/vi/news/savefile/cai-cach/tieu-de-123.html", "https://x.gov.vn/vi/news/cai-cach/tieu-de-123.html"),
    ("https://x.gov.vn/tin/123?print=1", "https://x.gov.vn/tin/123"),
    ("https://ls.gov.vn/print/123", "https://ls.gov.vn/node/123"),
    # one percent-encoding of Vietnamese: raw, lower-case hex, decomposed (NFD) all agree
    ("https://x.gov.vn/tin-tức/cải-cách", "https://x.gov.vn/tin-t%E1%BB%A9c/c%E1%BA%A3i-c%C3%A1ch"),
    ("https://x.gov.vn/tin-t%e1%bb%a9c/c%E1%BA%A3i-c%c3%a1ch", "https://x.gov.vn/tin-t%E1%BB%A9c/c%E1%BA%A3i-c%C3%A1ch"),
    ("https://x.gov.vn/ho\u0300a", "https://x.gov.vn/h%C3%B2a"),
    ("https://x.gov.vn/tim?q=cải+cách", "https://x.gov.vn/tim?q=c%E1%BA%A3i+c%C3%A1ch"),
    ("https://x.gov.vn/%7Euser/%41", "https://x.gov.vn/~user/A"),
    ("https://skhcn.binhdinh.gov.vn/ChiTietTin/?tin=NDY1OA==", "https://skhcn.binhdinh.gov.vn/ChiTietTin?tin=NDY1OA%3D%3D"),
    # IDN hosts in one (ASCII) form
    ("http://sởkhcn.việtnam.vn/a", "https://xn--skhcn-5c2b.xn--vitnam-jk8b.vn/a"),
]

KEPT = [
    # parameters that select content stay, with their meaning
    "https://gl.gov.vn/index.php?Itemid=119",  # a menu item alone is the page
    "https://q.gov.vn/web/guest/tin?p_p_id=x&p_p_lifecycle=2&p_p_resource_id=dl",  # a download
    "https://x.gov.vn/a%2Fb",  # an escaped slash is not a path separator
    "https://x.gov.vn/s?q=a%26b&r=c%2Bd",  # escaped & and + keep their meaning
    "https://x.gov.vn/list.aspx?lv=2",  # lv outside SharePoint Pages/ may select content
    "https://x.gov.vn/?page=2",  # a non-empty page selects a listing page
    "https://x.gov.vn/?a=1&a=0",  # repeated names keep their order
    "mailto:cchc@x.gov.vn",
]


@pytest.mark.parametrize(("url", "expected"), SAME)
def test_rule(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize("url", [u for u, _ in SAME] + KEPT)
def test_idempotent(url):
    once = canonical_url(url)
    assert canonical_url(once) == once


@pytest.mark.parametrize("url", KEPT[:7])
def test_content_selecting_parameters_are_kept(url):
    parts = url.split("?", 1)
    if len(parts) == 2:
        for pair in parts[1].split("&"):
            assert pair in canonical_url(url)
    assert canonical_url(url).startswith("https://")


def test_identity_prefers_a_same_host_canonical_only():
    page = "https://x.gov.vn/tin/123?utm_source=fb"
    assert identity_url(page, "https://www.x.gov.vn/tin/123/") == "https://x.gov.vn/tin/123"
    assert identity_url(page, "https://other.gov.vn/tin/9") == "https://x.gov.vn/tin/123"  # a republisher's credit
    assert identity_url(page, "https://x.gov.vn/") == "https://x.gov.vn/tin/123"  # a template's blanket canonical
    assert identity_url(page, "") == "https://x.gov.vn/tin/123"


@pytest.mark.parametrize("url", ["https://x.gov.vn/vi/news/print/a-1.html", "https://x.gov.vn/Pages/PrintItem.aspx?ItemID=4",
                                 "https://x.gov.vn/a?tmpl=component&print=1"])
def test_print_variants_are_recognised(url):
    assert is_print_url(url)
    assert not is_print_url("https://x.gov.vn/vi/news/a-1.html")


def test_never_raises():
    for junk in ["", "   ", "http://", "https://[::1", "not a url", "https://x.gov.vn/%zz%"]:
        assert isinstance(canonical_url(junk), str)
