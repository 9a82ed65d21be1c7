"""CSS selectors, compiled once: simple ones (tag, .class, #id) matched in one pass over the tree."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

_SIMPLE = re.compile(r"^(?:(?P<tag>[a-z][a-z0-9]*)|\.(?P<cls>[\w-]+)|#(?P<id>[\w-]+))$")


@lru_cache(maxsize=1024)
def compiled(selector: str) -> CSSSelector | None:
    """The compiled form of ``selector``, or None when cssselect cannot read it."""
    try:
        return CSSSelector(selector, translator="html")
    except Exception:  # an unsupported selector in a profile is skipped, not fatal
        return None


def matches(el: lxml_html.HtmlElement, selector: str) -> list[lxml_html.HtmlElement]:
    """Elements under ``el`` matching ``selector`` (none when it cannot be read)."""
    sel = compiled(selector)
    return sel(el) if sel is not None else []


@dataclass(frozen=True)
class Matcher:
    """A group of selectors: tag, class and id sets for one pass, the rest compiled."""

    tags: frozenset[str]
    classes: frozenset[str]
    ids: frozenset[str]
    others: tuple[str, ...]


@lru_cache(maxsize=64)
def matcher(selectors: tuple[str, ...]) -> Matcher:
    """Sort ``selectors`` into the fast sets and the rest."""
    tags, classes, ids, others = set(), set(), set(), []
    for selector in selectors:
        found = _SIMPLE.match(selector.strip())
        if found and found.group("tag"):
            tags.add(found.group("tag"))
        elif found and found.group("cls"):
            classes.add(found.group("cls"))
        elif found and found.group("id"):
            ids.add(found.group("id"))
        else:
            others.append(selector)
    return Matcher(frozenset(tags), frozenset(classes), frozenset(ids), tuple(others))


def find_all(doc: lxml_html.HtmlElement, selectors: tuple[str, ...]) -> list[lxml_html.HtmlElement]:
    """Every element matching any of ``selectors``, in document order, each once."""
    group = matcher(selectors)
    found: list[lxml_html.HtmlElement] = []
    for el in doc.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        cls = el.get("class")
        if tag in group.tags or (cls and not group.classes.isdisjoint(cls.split())) or (
                group.ids and el.get("id") in group.ids):
            found.append(el)
    _add_others(found, doc, group.others)
    return found


def _add_others(found: list[lxml_html.HtmlElement], scope: lxml_html.HtmlElement, others: tuple[str, ...]) -> None:
    """Append to ``found`` the elements under ``scope`` matching ``others`` that it does not hold yet."""
    seen = set(found)
    for selector in others:
        for el in matches(scope, selector):
            if el not in seen:
                seen.add(el)
                found.append(el)


@dataclass
class DocIndex:
    """The elements of a document (or of an element's subtree) by tag, class and id, in document order (one pass)."""

    doc: lxml_html.HtmlElement
    tags: dict[str, list[lxml_html.HtmlElement]]
    classes: dict[str, list[lxml_html.HtmlElement]]
    ids: dict[str, list[lxml_html.HtmlElement]]

    @classmethod
    def build(cls, doc: lxml_html.HtmlElement) -> "DocIndex":
        """Index ``doc`` (a whole document, or any element and what is under it)."""
        tags: dict[str, list[lxml_html.HtmlElement]] = {}
        classes: dict[str, list[lxml_html.HtmlElement]] = {}
        ids: dict[str, list[lxml_html.HtmlElement]] = {}
        for el in doc.iter(etree.Element):
            tags.setdefault(el.tag, []).append(el)
            names = el.get("class")
            if names:
                for name in set(names.split()):
                    classes.setdefault(name, []).append(el)
            ident = el.get("id")
            if ident:
                ids.setdefault(ident, []).append(el)
        return cls(doc, tags, classes, ids)

    def lookup(self, simple: re.Match[str]) -> list[lxml_html.HtmlElement]:
        """The elements one simple selector (tag, .class or #id, matched by ``_SIMPLE``) matches, in document order."""
        if simple.group("tag"):
            return list(self.tags.get(simple.group("tag"), ()))
        if simple.group("cls"):
            return list(self.classes.get(simple.group("cls"), ()))
        return list(self.ids.get(simple.group("id"), ()))

    def find(self, group: Matcher) -> list[lxml_html.HtmlElement]:
        """The elements the simple selectors of ``group`` match, each once (its ``others`` are not
        looked at), by tag, then class, then id."""
        found: dict[lxml_html.HtmlElement, None] = {}
        for tag in group.tags:
            found.update(dict.fromkeys(self.tags.get(tag, ())))
        for name in group.classes:
            found.update(dict.fromkeys(self.classes.get(name, ())))
        for ident in group.ids:
            found.update(dict.fromkeys(self.ids.get(ident, ())))
        return list(found)


_INDEXES = threading.local()  # the document being read in this thread, indexed


def index_of(doc: lxml_html.HtmlElement) -> DocIndex:
    """The index of ``doc``, built on first use and kept until another document is asked for."""
    index = getattr(_INDEXES, "index", None)
    if index is None or index.doc is not doc:
        index = _INDEXES.index = DocIndex.build(doc)
    return index


def forget() -> None:
    """Drop the kept index (call before changing the document's tree)."""
    _INDEXES.index = None


def find_any(scope: lxml_html.HtmlElement, selectors: tuple[str, ...]) -> list[lxml_html.HtmlElement]:
    """Every element under ``scope`` matching any of ``selectors``, each once, in no set order.

    When ``scope`` is the body of the indexed document, simple selectors are looked up in the index
    (no pass over the tree); otherwise this is ``find_all``.
    """
    index = getattr(_INDEXES, "index", None)
    if index is None or scope.getparent() is not index.doc:
        return find_all(scope, selectors)
    group = matcher(selectors)
    inside = [el for el in index.find(group) if any(a is scope for a in el.iterancestors())]
    _add_others(inside, scope, group.others)
    return inside


def first_match(doc: lxml_html.HtmlElement, selectors: tuple[str, ...]) -> list[lxml_html.HtmlElement]:
    """Elements matching the first of ``selectors`` that matches anything, in document order.

    Simple selectors are looked up in an index: on a whole document (what every caller passes), the
    thread's kept index of it; under an element, an index of that element built for this call only.
    """
    if not selectors:
        return []
    index = index_of(doc) if doc.getparent() is None else DocIndex.build(doc)
    for selector in selectors:
        simple = _SIMPLE.match(selector.strip())
        found = index.lookup(simple) if simple else matches(doc, selector)
        if found:
            return found
    return []
