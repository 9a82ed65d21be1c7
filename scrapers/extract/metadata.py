"""Page metadata: canonical URL, title, breadcrumb, publication and update dates."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import html as lxml_html

from scrapers.extract.blocks import walk
from scrapers.extract.chrome import is_chrome_line, is_end_marker, is_generic_title
from scrapers.extract.dates import FoundDate, date_from_url, find_dates, parse_date, parse_iso
from scrapers.extract.platforms import Profile
from scrapers.extract.selectors import first_match
from scrapers.extract.chrome import fold
from scrapers.extract.text import clean_line

_NULL_PREFIX = re.compile(r"^\s*null\s+", re.I)
_TITLE_SPLIT = re.compile(r"\s+[-|–»:]\s+")
_UPDATED_LABEL = re.compile(r"cập nhật|update|sửa đổi|chỉnh sửa", re.I)
_PUBLISHED_LABEL = re.compile(r"ngày đăng|đăng ngày|đăng lúc|xuất bản|publish|ngày\s+\d|thời gian", re.I)
_META_PUBLISHED = ("article:published_time", "og:published_time", "datePublished", "pubdate",
                   "publishdate", "dc.date", "dc.date.issued", "date", "created")
_META_UPDATED = ("article:modified_time", "og:updated_time", "dateModified", "last-modified")
TITLE_REGION_CHARS = 3000  # the text around a title heading where its date line stands
TITLE_REGION_LINES = 80  # lines of that region read (the date line is within a few lines of the title)


@dataclass
class Meta:
    """What the page says about the article besides its body."""

    title: str = ""
    canonical_url: str = ""
    breadcrumb: list[str] = field(default_factory=list)
    published: FoundDate | None = None
    updated: FoundDate | None = None
    author: str = ""
    source: str = ""


def text_of(el: lxml_html.HtmlElement) -> str:
    """Clean text of an element, its parts joined by spaces."""
    return clean_line(" ".join(el.itertext()))


def select(doc: lxml_html.HtmlElement, selectors: tuple[str, ...]) -> list[lxml_html.HtmlElement]:
    """Elements matching the first selector that matches anything."""
    return first_match(doc, selectors)


def _meta(doc: lxml_html.HtmlElement, names: tuple[str, ...]) -> str:
    """The content of the first <meta> whose property/name/itemprop is in ``names``."""
    wanted = {n.lower() for n in names}
    for el in doc.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in wanted and (el.get("content") or "").strip():
            return clean_line(el.get("content"))
    return ""


def clean_title(title: str) -> str:
    """A title without a leading Liferay "null" and surrounding quotes or spaces."""
    title = _NULL_PREFIX.sub("", clean_line(title)).strip()
    # Quotes around the whole title are decoration; a quote closing a name inside it is not.
    if len(title) > 2 and title[0] in "\"“" and title[-1] in "\"”" and title.count('"') + title.count("“") <= 2:
        title = title[1:-1].strip()
    return title


def canonical_url(doc: lxml_html.HtmlElement, url: str) -> str:
    """rel=canonical, else og:url, else the page URL (made absolute)."""
    for el in doc.iter("link"):
        if "canonical" in (el.get("rel") or "").lower() and (el.get("href") or "").strip():
            return urljoin(url, el.get("href").strip())
    og = _meta(doc, ("og:url",))
    return urljoin(url, og) if og else url


def find_title(doc: lxml_html.HtmlElement, profile: Profile) -> str:
    """The article title: profile selector, h1/og:title/<title> agreeing, never a generic title."""
    candidates: list[str] = [clean_title(text_of(el)) for el in select(doc, profile.title)]
    og = clean_title(_meta(doc, ("og:title", "twitter:title", "dc.title")))
    head = doc.find(".//title")
    head_text = clean_title(text_of(head)) if head is not None else ""
    head_parts = [clean_title(p) for p in _TITLE_SPLIT.split(head_text)] if head_text else []
    h1s = [clean_title(text_of(el)) for el in doc.iter("h1")]
    for title in candidates:
        if title and not is_generic_title(title):
            return title
    known = {fold(t) for t in [og, head_text, *head_parts] if t and not is_generic_title(t)}
    for title in h1s:
        if title and fold(title) in known:
            return title
    if og and not is_generic_title(og):
        return og
    for title in h1s + [h for h in (text_of(e) for e in doc.iter("h2")) if len(h.split()) >= 5][:1]:
        if title and not is_generic_title(title) and not is_chrome_line(title) and len(title.split()) >= 3:
            return title
    if head_text and not is_generic_title(head_text):
        parts = [p for p in head_parts if not is_generic_title(p)]
        return max(parts, key=len) if parts else head_text
    return ""


def find_breadcrumb(doc: lxml_html.HtmlElement, profile: Profile) -> list[str]:
    """Breadcrumb items (without "Trang chủ"), from the profile or common breadcrumb markup."""
    found: list[lxml_html.HtmlElement] = []
    for selector in profile.category + (".breadcrumb", ".breadcrumbs", "[itemtype*=BreadcrumbList]"):
        found = [el for el in select(doc, (selector,)) if text_of(el)]
        if found:
            break
    if not found:
        return []
    el = found[0]
    links = [text_of(a) for a in el.iter("a", "span", "li") if not len(a)]
    items = links or re.split(r"\s*(?:»|›|>>|>|/|:)\s*", text_of(el))
    if len(items) <= 1:
        items = re.split(r"\s*(?:»|›|>>|>|:)\s+", text_of(el))
    out: list[str] = []
    for item in items:
        item = clean_line(item).strip("»›>/: ")
        if item and fold(item) not in ("trang chu", "home", "null") and item not in out and len(item) < 80:
            out.append(item)
    return out


def _date_lines(lines: list[str], title: str) -> list[str]:
    """Short text lines around the title, where article date lines stand."""
    key = fold(title)
    start = next((i for i, line in enumerate(lines) if key and fold(line) == key), None)
    if start is None:
        start = next((i for i, line in enumerate(lines) if key and key in fold(line)), None)
    if start is None:
        return []
    out = []
    for index in range(max(0, start - 6), min(len(lines), start + 14)):
        line = lines[index]
        if index == start:
            continue  # a date inside the title ("Ngày KH&CN 18-5-2022") is not the publication date
        if index > start and is_end_marker(line):
            break
        # Before the title only a labelled date counts: a bare one there is the header's "today".
        if index < start and (not _PUBLISHED_LABEL.search(line) or "hôm nay" in line.lower()):
            continue
        # A date line holds nothing but a date, labels, counters: prose mentioning a date is not one.
        if len(line) <= 120 and is_chrome_line(line):
            out.append(line)
    return out


def _title_region(doc: lxml_html.HtmlElement, title: str) -> lxml_html.HtmlElement | None:
    """The nearest ancestor of the heading spelling ``title`` that holds a few thousand characters.

    Its lines are where the date line stands; walking it instead of the whole page saves the
    walk of menus and footers. None when no heading spells the title.
    """
    key = fold(title)
    if not key:
        return None
    heading = next((el for el in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")
                    if len(el.text_content()) >= len(title) // 2  # cheap test before folding the text
                    and fold(text_of(el)).removeprefix("null ") == key), None)
    if heading is None:
        return None
    region = heading
    while region.getparent() is not None and region.tag != "body" and len(region.text_content()) < TITLE_REGION_CHARS:
        region = region.getparent()
    return region


def _with_machine_time(el: lxml_html.HtmlElement, found: FoundDate, names: tuple[str, ...] = ()) -> FoundDate:
    """The same day with its time, when a datetime/content attribute of ``el`` gives one."""
    for node in el.xpath("descendant-or-self::*[@datetime or @content]"):
        if node.tag == "meta" and names and (node.get("property") or node.get("name") or node.get("itemprop")
                                             or "").lower() not in {n.lower() for n in names}:
            continue
        value = node.get("datetime") or node.get("content") or ""
        machine = parse_iso(value) if value[:4].isdigit() else None
        if machine is not None and machine.has_time and machine.value.date() == found.value.date():
            return machine
    return found


def find_dates_of(doc: lxml_html.HtmlElement, url: str, title: str, profile: Profile,
                  page_lines: Callable[[], list[str]]) -> tuple[FoundDate | None, FoundDate | None]:
    """(published, updated): profile selectors, labelled lines, machine metadata, then the URL."""
    published = updated = None
    for el in select(doc, profile.date):
        text = text_of(el)
        for found in find_dates(text):
            prefix = text[max(0, found.start - 25) : found.start]
            if _UPDATED_LABEL.search(prefix) and published is not None:
                updated = updated or found
            else:
                published = published or found
        if published is not None and not published.has_time:
            published = _with_machine_time(el, published)
        if published:
            break
    if published is None:
        meta = _meta(doc, _META_PUBLISHED)
        published = parse_iso(meta) if meta else None
    if published is None:
        times = [t.get("datetime") for t in doc.iter("time") if t.get("datetime")]
        published = parse_iso(times[0]) if times else None
    if published is None:
        labelled, plain = [], []
        region = _title_region(doc, title)
        lines = [b.text for b in walk(region, TITLE_REGION_LINES)] if region is not None and region.tag != "body" else page_lines()
        for line in _date_lines(lines, title):
            found = find_dates(line)
            if not found:
                continue
            if _UPDATED_LABEL.search(line):
                updated = updated or found[0]
            (labelled if _PUBLISHED_LABEL.search(line) else plain).append(found[0])
        published = (labelled or plain or [updated] or [None])[0]
    if published is not None and not published.has_time:
        published = _with_machine_time(doc, published, _META_PUBLISHED)
    if updated is None:
        meta = _meta(doc, _META_UPDATED)
        updated = parse_iso(meta) if meta else None
    if published is None:
        published = date_from_url(url)
    if updated is not None and published is not None and updated.value <= published.value:
        updated = None if updated.value == published.value else updated
    return published, updated


def read_meta(doc: lxml_html.HtmlElement, url: str, profile: Profile, page_lines: Callable[[], list[str]]) -> Meta:
    """Everything but the body, read from the page before chrome is removed."""
    title = find_title(doc, profile)
    published, updated = find_dates_of(doc, url, title, profile, page_lines)
    author = ""
    for el in select(doc, profile.author):
        author = re.sub(r"^(?:tác giả|người viết|người đăng(?: tin)?|bài)\s*:?\s*", "", text_of(el), flags=re.I)
        if author:
            break
    source = ""
    for el in select(doc, profile.source):
        source = re.sub(r"^(?:nguồn(?: tin)?)\s*:?\s*", "", text_of(el), flags=re.I)
        if source:
            break
    crumbs = [c for c in find_breadcrumb(doc, profile) if fold(c) != fold(title)]
    return Meta(title=title, canonical_url=canonical_url(doc, url), breadcrumb=crumbs,
                published=published, updated=updated, author=author, source=source)


def absolute(url: str, href: str) -> str:
    """``href`` made absolute against ``url`` (empty stays empty)."""
    return urljoin(url, href.strip()) if href and href.strip() else ""


__all__ = ["Meta", "read_meta", "select", "text_of", "absolute", "clean_title", "parse_date"]
