"""CSS selectors, compiled once: simple ones (tag, .class, #id) matched in one pass over the tree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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
    seen = set(found)
    for selector in group.others:
        for el in matches(doc, selector):
            if el not in seen:
                seen.add(el)
                found.append(el)
    return found


def first_match(doc: lxml_html.HtmlElement, selectors: tuple[str, ...]) -> list[lxml_html.HtmlElement]:
    """Elements matching the first of ``selectors`` that matches anything (simple ones in one pass)."""
    simple = {sel: _SIMPLE.match(sel.strip()) for sel in selectors}
    if sum(1 for m in simple.values() if m) < 3:
        for selector in selectors:
            found = matches(doc, selector)
            if found:
                return found
        return []
    group = matcher(tuple(sel for sel, m in simple.items() if m))
    hits: dict[str, list[lxml_html.HtmlElement]] = {}
    for el in find_all(doc, group_selectors(group)):
        cls = (el.get("class") or "").split()
        for name in [el.tag, *(f".{c}" for c in cls), f"#{el.get('id')}"]:
            hits.setdefault(name, []).append(el)
    for selector in selectors:
        found = hits.get(selector.strip(), []) if simple[selector] else matches(doc, selector)
        if found:
            return found
    return []


@lru_cache(maxsize=64)
def group_selectors(group: Matcher) -> tuple[str, ...]:
    """The simple selectors of ``group`` written back as selectors."""
    return tuple(sorted(group.tags)) + tuple(f".{c}" for c in sorted(group.classes)) + tuple(
        f"#{i}" for i in sorted(group.ids))
