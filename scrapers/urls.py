"""URL canonicalisation: one spelling per page, so one article row per canonical URL."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from urllib.parse import quote, unquote, urlsplit, urlunsplit

# Query parameters that never select content: tracking, sessions, CMS rendering state.
DROP_PARAMS = frozenset({
    # tracking
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "zarsrc", "gidzl", "fb_action_ids", "fb_action_types",
    "fb_source", "fb_ref",
    # sessions
    "jsessionid", "phpsessid", "asp.net_sessionid", "cfid", "cftoken", "sessionid",
    # Liferay portlet state (p_p_id, which names the portlet reading the other parameters, stays)
    "p_p_auth", "p_p_state", "p_p_col_id", "p_p_col_pos", "p_p_col_count", "p_l_reset",
    # printer-friendly switches
    "print", "printable", "printpreview",
})
DROP_PREFIXES = ("utm_", "__utm", "aspsessionid")
# Dropped only with one of these values: another value selects other content.
DROP_IF_VALUE = {
    "p_p_lifecycle": {"0"},  # 0 = render; 1 = action, 2 = resource (a download)
    "p_p_mode": {"view"},
    "tmpl": {"component"},  # Joomla: the bare component, the same article
    "layout": {"default"},
    "format": {"print"},
    "page": {""},  # Joomla print links carry an empty page=
}
# SharePoint portals (…/Pages/chi-tiet-tin-tuc.aspx?ItemID=..&l=..&lv=30): lv only sizes the
# "related news" box.
_SHAREPOINT_PAGE = re.compile(r"/pages/[^/]+\.aspx$", re.I)
_ASPNET_COOKIELESS = re.compile(r"/\((?:[A-Za-z]\([^)/]*\))+\)(?=/)")
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid)=[^/?#]*", re.I)
_PRINT_SEGMENTS = frozenset({"print", "savefile", "printable"})
_PRINT_PAGE = re.compile(r"/print(?:item|article|view)?\.(?:aspx|php|html?)$", re.I)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_PATH_HELD = frozenset(b for b in range(0x80) if chr(b) not in _UNRESERVED)
_QUERY_HELD = frozenset(b"%&+#")  # these change a query's meaning when decoded
_QUERY_SAFE = "!$'()*+,;:@/?"


def _component(text: str, safe: str, held: frozenset[int]) -> str:
    """One percent-encoding: UTF-8, NFC, upper-case hex, unreserved characters bare.

    Escapes of the ``held`` ASCII bytes (a path's %2F, a query's %26) keep their meaning and stay
    escaped; everything else is decoded and encoded again the same way.
    """
    out: list[str] = []
    start = 0
    for match in _ESCAPE.finditer(text):
        byte = int(match.group(1), 16)
        if byte in held:
            out.append(_encode(text[start:match.start()], safe))
            out.append(f"%{byte:02X}")
            start = match.end()
    out.append(_encode(text[start:], safe))
    return "".join(out)


def _encode(text: str, safe: str) -> str:
    text = unicodedata.normalize("NFC", unquote(text, encoding="utf-8", errors="surrogateescape"))
    return quote(text, safe=safe, encoding="utf-8", errors="surrogateescape")


def _host(netloc: str, scheme: str) -> str:
    host_port = netloc.rsplit("@", 1)[-1]
    if host_port.startswith("["):  # IPv6 literal
        host, _, port = host_port.partition("]:")
        host = host if host.endswith("]") else host + "]"
    else:
        host, _, port = host_port.partition(":")
    host = unicodedata.normalize("NFC", unquote(host)).strip(".").lower()
    host = host[4:] if host.startswith("www.") else host
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = quote(host, safe=".-")
    if port.isdigit() and int(port) != _DEFAULT_PORTS.get(scheme):
        return f"{host}:{int(port)}"
    return host


def _path(path: str) -> str:
    path = _ASPNET_COOKIELESS.sub("", _PATH_SESSION.sub("", path))
    path = posixpath.normpath("/" + path.lstrip("/")) if path.strip("/") else "/"
    segments = path.split("/")
    if len(segments) > 2 and segments[1].lower() == "print" and segments[2].isdigit():
        segments[1] = "node"  # Drupal's print module: /print/123 shows /node/123
    else:
        segments = [s for s in segments if s.lower() not in _PRINT_SEGMENTS]
    path = _component("/".join(segments), "/:@!$&'()*+,;=", _PATH_HELD)
    return path.rstrip("/") or "/"


def _keep(name: str, value: str, names: set[str], path: str) -> bool:
    low = name.lower()
    if low in DROP_PARAMS or low.startswith(DROP_PREFIXES):
        return False
    if low in DROP_IF_VALUE and value.lower() in DROP_IF_VALUE[low]:
        return False
    if low == "lv":
        return not _SHAREPOINT_PAGE.search(path)
    if low.endswith("_redirect") or (low == "redirect" and ("p_p_id" in names or "/-/" in path)):
        return False  # Liferay's back-to-the-listing link
    if low == "itemid" and {"view", "id"} <= names:
        return False  # Joomla: the menu item only picks the modules around the article
    return True


def _query(query: str, path: str) -> str:
    pairs = [p.partition("=") for p in query.split("&") if p]
    names = {unquote(n).lower() for n, _, _ in pairs}
    kept = [(_component(n, _QUERY_SAFE, _QUERY_HELD), sep, _component(v, _QUERY_SAFE, _QUERY_HELD))
            for n, sep, v in pairs if _keep(unquote(n), unquote(v), names, path)]
    kept.sort(key=lambda pair: pair[0])  # stable: repeated names keep their order
    return "&".join(n + sep + v for n, sep, v in kept)


def is_print_url(url: str) -> bool:
    """Whether ``url`` looks like a printer-friendly page (a crawler need not follow it)."""
    parts = urlsplit(url)
    segments = {s.lower() for s in parts.path.split("/")}
    params = {p.partition("=")[0].lower() for p in parts.query.split("&")}
    return bool(segments & _PRINT_SEGMENTS or _PRINT_PAGE.search(parts.path)
                or params & {"print", "printable", "printpreview"} or "format=print" in parts.query.lower())


def canonical_url(url: str) -> str:
    """The one spelling of ``url`` that every spelling of the same page shares (pure, never raises)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.netloc:
            return url
        path = _path(parts.path)
        return urlunsplit(("https", _host(parts.netloc, scheme), path, _query(parts.query, path), ""))
    except ValueError:
        return url


def identity_url(page_url: str, declared: str = "") -> str:
    """The canonical URL an article is keyed by: the page's rel=canonical when it stays on the
    page's host and names a page (not the home page), else the page URL, canonicalised."""
    page = canonical_url(page_url)
    if not declared:
        return page
    claimed = canonical_url(declared)
    page_parts, claimed_parts = urlsplit(page), urlsplit(claimed)
    if claimed_parts.netloc != page_parts.netloc or (claimed_parts.path == "/" and not claimed_parts.query):
        return page  # a republisher pointing at the original, or a template's blanket canonical
    return claimed
