"""extract_article: one HTML page to one Article, never raising."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from scrapers.extract import budget
from scrapers.extract.blocks import Block, walk
from scrapers.extract.body import assemble
from scrapers.extract.byline import labelled_author, labelled_source
from scrapers.extract.chrome import chrome_selectors
from scrapers.extract.decode import decode_html
from scrapers.extract.generic import (MAX_TRAFILATURA_CHARS, MIN_COVERAGE, MainText, continuations,
                                      locate_container, trafilatura_lines)
from scrapers.extract.metadata import absolute, read_meta, select, text_of
from scrapers.extract.selectors import find_any, forget
from scrapers.extract.platforms import GENERIC, Profile, detect, profile_for
from scrapers.extract.text import word_count
from scrapers.items import Article, Attachment

MAX_BYTES = 5 * 1024 * 1024  # bigger responses are not article pages
MIN_BODY_WORDS = 15
ATTACHMENT_TYPES = ("pdf", "doc", "docx", "xls", "xlsx", "zip", "rar", "ppt", "pptx", "odt", "ods")
_ATTACHMENT_URL = re.compile(r"\.(" + "|".join(ATTACHMENT_TYPES) + r")(?:$|[?#])", re.I)
_MAYBE_ATTACHMENT = re.compile(r"\.(?:" + "|".join(ATTACHMENT_TYPES) + r")\b", re.I)
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\xd0\xcf\x11\xe0", b"\x1f\x8b",
                 b"Rar!", b"7z\xbc\xaf")


# Words of author and source labels; a page without any of them needs no label search.
_LABEL_WORDS = ("ác giả", "ÁC GIẢ", "gười viết", "GƯỜI VIẾT", "guồn", "GUỒN")


def _has_labels(doc: lxml_html.HtmlElement) -> bool:
    """Whether the page's text holds an author or source label at all (asked only when no byline was found)."""
    text = doc.text_content()
    return any(word in text for word in _LABEL_WORDS)


class PageLines:
    """The text lines of the whole page, walked only when first asked for."""

    def __init__(self, body: lxml_html.HtmlElement) -> None:
        self.body = body
        self.lines: list[str] | None = None

    def __call__(self) -> list[str]:
        """The lines (walked on the first call, from the tree as it then is)."""
        if self.lines is None:
            self.lines = [b.text for b in walk(self.body)]
        return self.lines


def _refuse(html: bytes | str) -> str:
    """Why ``html`` cannot be an article page, or an empty string."""
    if html is None or len(html) == 0:
        return "empty page"
    if len(html) > MAX_BYTES:
        return f"page too large ({len(html)} bytes, limit {MAX_BYTES})"
    if isinstance(html, bytes):
        head = html[:4096]
        if head.startswith(_BINARY_MAGIC) or head.count(b"\x00") > len(head) // 100 + 1 and not (
                head.startswith((b"\xff\xfe", b"\xfe\xff"))):
            return "not an HTML page (binary content)"
    return ""


_NEVER_READ = ("script", "style", "noscript", "template", "svg")
_PARSERS = threading.local()  # lxml parsers must not be shared between threads


def _parser() -> etree.HTMLParser:
    """This thread's HTML parser, giving lxml.html elements through a class lookup done in C.

    lxml.html's own parser picks each element's class in a Python callback (form, input, label...);
    extraction needs none of those classes, and every element the code or trafilatura touches
    would otherwise pay that callback (measured: the generic path 10-15% faster).
    """
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=False)
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment, pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity))
        _PARSERS.parser = parser
    return parser


def _parse(text: str) -> lxml_html.HtmlElement | None:
    """An lxml tree of ``text``, or None when there is nothing to parse."""
    text = text.replace("\x00", "")
    if not text.strip():
        return None
    try:
        doc = lxml_html.document_fromstring(text, parser=_parser())
    except (etree.ParserError, ValueError):
        return None
    # Nothing reads scripts, styles or drawings (the family is detected on the raw text): dropping them
    # here spares every later pass, and trafilatura's copy of the tree, their nodes.
    etree.strip_elements(doc, *_NEVER_READ, with_tail=False)
    return doc


def _contains(outer: lxml_html.HtmlElement, inner: lxml_html.HtmlElement) -> bool:
    """True when ``outer`` is ``inner`` or one of its ancestors."""
    return outer is inner or any(a is outer for a in inner.iterancestors())


def _strip_chrome(scope: lxml_html.HtmlElement, profile: Profile) -> None:
    """Remove chrome blocks inside ``scope`` (the container, or the whole page on the generic path)."""
    budget.check()
    found = find_any(scope, chrome_selectors() + profile.chrome)
    forget()  # the document's selector index no longer holds once blocks are dropped
    whole_page = scope.tag == "body"
    for el in found:
        if el is scope or el.getparent() is None:
            continue
        # A form may wrap the article or the whole page (ASP.NET): on the whole page a form is never
        # dropped (its inputs and buttons are chrome of their own); inside the article's container,
        # only a form without much text is.
        if el.tag == "form" and (whole_page or len(text_of(el)) > 2000):
            continue
        el.drop_tree()


def _attachments(doc: lxml_html.HtmlElement, container: lxml_html.HtmlElement | None, profile: Profile,
                 url: str) -> list[Attachment]:
    """Linked documents of the body and of the profile's attachment blocks."""
    scopes = ([container] if container is not None else []) + select(doc, profile.attachments)
    out: list[Attachment] = []
    for scope in scopes:
        for a in scope.iter("a"):
            raw = a.get("href") or ""
            if not _MAYBE_ATTACHMENT.search(raw):  # most links name no document: skip the URL work
                continue
            href = absolute(url, raw)
            match = _ATTACHMENT_URL.search(urlsplit(href).path + ("?" if urlsplit(href).query else ""))
            if not href or not match or any(x.url == href for x in out):
                continue
            name = text_of(a) or href.rsplit("/", 1)[-1]
            out.append(Attachment(url=href, name=name, type=match.group(1).lower()))
    return out


def _container(doc: lxml_html.HtmlElement, profile: Profile) -> lxml_html.HtmlElement | None:
    """The profile's body element with the most text."""
    found = select(doc, profile.body)
    found = [el for el in found if len(text_of(el)) > 0 or el.find(".//img") is not None]
    return max(found, key=lambda el: len(text_of(el)), default=None)


def _with_continuations(doc: lxml_html.HtmlElement, container: lxml_html.HtmlElement,
                        blocks: list[Block], main_lines: list[str]) -> tuple[list[Block], list[str]]:
    """The container's blocks with those of the other parts of a split body, whose lines count as main text."""
    parts = continuations(doc, container)
    if len(parts) == 1:
        return blocks, main_lines
    out: list[Block] = []
    for part in parts:
        if part is container:
            out.extend(blocks)
            continue
        more = walk(part)  # (chrome already stripped from the whole page)
        out.extend(more)
        main_lines = main_lines + [b.text for b in more if b.text]
    return out, main_lines


def _extract(html: bytes | str, url: str, family: str | None, headers: Mapping[str, str] | None) -> Article:
    """The extraction proper; may raise on pathological input (the caller catches)."""
    reason = _refuse(html)
    if reason:
        return Article.failed(url, reason)
    text = decode_html(html, headers)
    doc = _parse(text)
    if doc is None or doc.find("body") is None:
        return Article.failed(url, "no HTML document in the response")
    profile = GENERIC if family == "generic" else (profile_for(family) or detect(text) or GENERIC)
    budget.check()
    page_lines = PageLines(doc.find("body"))
    meta = read_meta(doc, url, profile, page_lines)
    budget.check()
    container = _container(doc, profile)
    budget.check()
    method = profile.name if container is not None else "generic"
    main_lines: list[str] = []
    page_stripped = container is None
    if page_stripped:
        # Chrome out of the whole page before trafilatura copies and reads it: less to copy, prune
        # and search, and nothing the vocabulary names can be taken for the article.
        _strip_chrome(doc.find("body"), profile)
        main_lines = trafilatura_lines(doc if len(text) <= MAX_TRAFILATURA_CHARS else "", url)
        located = locate_container(doc, main_lines)
        container = located.element if located.coverage >= MIN_COVERAGE else None
        budget.check()
    attachments = _attachments(doc, container, profile, url)
    if container is not None:
        # After the page's chrome is gone: a summary inside a dropped box is no lead.
        lead = select(doc, GENERIC.lead if page_stripped else profile.lead)
        if not page_stripped:
            _strip_chrome(container, profile)
        blocks = walk(container)
        if main_lines:
            blocks, main_lines = _with_continuations(doc, container, blocks, main_lines)
        if lead and not _contains(container, lead[0]) and not _contains(lead[0], container):
            if not page_stripped:
                _strip_chrome(lead[0], profile)
            blocks = walk(lead[0]) + blocks
    else:
        blocks = [Block("p", line) for line in main_lines]
    page_chrome = meta.breadcrumb + [" ".join(meta.breadcrumb)]
    main_text = MainText.of(main_lines) if main_lines else None
    body = assemble(blocks, url=url, title=meta.title, page_chrome=page_chrome, main_text=main_text)
    body_text = body.text
    if not meta.title and not body_text:
        return Article.failed(url, "no title and no text found", method=method)
    if not body_text:
        return Article.failed(url, "no article text found", method=method)
    author, source = meta.author or body.author, meta.source or body.source
    if (not author or not source) and _has_labels(doc):
        author = author or labelled_author(page_lines())
        source = source or labelled_source(page_lines())
    return Article(
        url=url,
        canonical_url=meta.canonical_url or url,
        title=meta.title,
        body=body_text,
        published_at=meta.published.iso() if meta.published else None,
        updated_at=meta.updated.iso() if meta.updated else None,
        author=author,
        source=source,
        category=meta.breadcrumb[-1] if meta.breadcrumb else "",
        breadcrumb=meta.breadcrumb,
        body_html=body.html(),
        images=body.images,
        attachments=attachments,
        language="vi",
        word_count=word_count(body_text),
        method=method,
    )


def extract_article(html: bytes | str, url: str, *, family: str | None = None, site: str | None = None,
                    headers: Mapping[str, str] | None = None) -> Article:
    """One page to one Article; a page that cannot be read gives ``Article.failed`` (never raises)."""
    try:
        budget.start()
        return _extract(html, url, family, headers)
    except budget.OutOfTime:
        return Article.failed(url, f"page took longer than {budget.PAGE_SECONDS:.0f} s to read")
    except RecursionError:
        return Article.failed(url, "page nested too deeply to read")
    except MemoryError:
        return Article.failed(url, "page too large to read")
    except Exception as exc:  # the contract: extraction never raises
        return Article.failed(url, f"extraction error: {type(exc).__name__}: {exc}"[:300])
    finally:
        forget()  # the thread's selector index would otherwise keep this page's tree alive until the next page
