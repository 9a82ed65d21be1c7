"""The generic path: trafilatura finds the main text, we find the element that holds it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from scrapers.extract import budget
from scrapers.extract.chrome import is_aside, is_chrome_line
from scrapers.extract.text import clean_line

UNMATCHED_PENALTY = 0.25
MIN_COVERAGE = 0.75  # the container must hold this share of the matched text, else trafilatura's lines are used
WANT_COVERAGE = 0.95  # climb to the ancestor holding this share of it
MAX_CANDIDATES = 20_000
MAX_TRAFILATURA_CHARS = 2_500_000
MAX_SUBSTRING_TEXT = 100_000  # above this, only whole-line matches (substring search is quadratic)

_BLOCKISH = frozenset(("p", "div", "td", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "span", "font",
                       "section", "article", "dd", "pre"))
_SILENT = frozenset(("script", "style", "noscript", "template"))
# Measured on the benchmark, the fixtures and the snapshot: recall mode without the fallback
# extractors is both the most complete and the fastest; the chrome rules applied afterwards give
# back the precision.
TRAFILATURA_OPTIONS = {"favor_recall": True, "include_comments": False, "include_tables": True,
                       "include_images": False, "deduplicate": False, "fast": True}


def trafilatura_lines(html: str | lxml_html.HtmlElement, url: str) -> list[str]:
    """The lines of main text trafilatura finds in a page or a parsed tree (left intact), or []."""
    if isinstance(html, str) and (not html or len(html) > MAX_TRAFILATURA_CHARS):
        return []
    try:
        text = trafilatura.extract(html, url=url, output_format="txt", **TRAFILATURA_OPTIONS)
    except Exception:  # trafilatura may fail on odd markup; the caller falls back
        return []
    lines: list[str] = []
    for raw in (text or "").splitlines():
        # Layout tables come out as markdown rows ("| cell | cell |"): one line per cell.
        cells = raw.replace("\\|", "\u0000").split("|") if raw.lstrip().startswith("|") else [raw]
        for cell in cells:
            line = clean_line(cell.replace("\u0000", "|"))
            if line:
                lines.append(line)
    return lines


_NON_WORD = re.compile(r"[\W_]+")


def match_key(text: str) -> str:
    """Matching key of a line against trafilatura's text: lower case, letters and digits only.

    Spaces go too: trafilatura and the page may split words differently ("T hời" / "Thời").
    """
    return _NON_WORD.sub("", text).lower()


SHORT_KEY = 25  # a line shorter than this (as a key) is kept only when trafilatura kept it as a line


@dataclass(frozen=True)
class MainText:
    """What trafilatura kept of a page, as keys: one string for long lines, a set for short ones.

    A short line ("Saúde", "Protocolo" in a menu) is found inside almost any long text, so it
    counts as kept only when trafilatura kept it as a line of its own.
    """

    joined: str
    lines: frozenset[str]

    @classmethod
    def of(cls, lines: list[str]) -> "MainText":
        """The main text of trafilatura's ``lines``."""
        keys = [match_key(line) for line in lines]
        return cls("".join(keys), frozenset(keys))

    def holds(self, line: str) -> bool:
        """Whether trafilatura kept ``line`` (a long line may be part of a longer one)."""
        key = match_key(line)
        if not key:
            return True
        return key in self.lines if len(key) < SHORT_KEY else key in self.joined


@dataclass
class Located:
    """The element holding the main text, and the share of the matched text it holds."""

    element: lxml_html.HtmlElement | None = None
    coverage: float = 0.0
    keys: set[str] = field(default_factory=set)


def _text_lengths(doc: lxml_html.HtmlElement) -> dict[lxml_html.HtmlElement, int]:
    """Visible text length (stripped) of every element's subtree, in one bottom-up pass.

    The dict lists children before their parents (reverse document order).
    """
    elements = list(doc.iter(etree.Element))
    lengths: dict[lxml_html.HtmlElement, int] = {}
    get = lengths.get
    for el in reversed(elements):
        if el.tag in _SILENT:
            lengths[el] = 0
            continue
        text = el.text
        total = len(text.strip()) if text else 0
        for child in el:
            tail = child.tail
            total += get(child, 0) + (len(tail.strip()) if tail else 0)
        lengths[el] = total
    return lengths


def _br_lines(el: lxml_html.HtmlElement) -> list[str]:
    """The text of ``el`` cut at its <br> elements, and only there.

    Not ``blocks.walk``: that also cuts at block elements and cleans each line into a Block (other
    lines than trafilatura's cut at <br>), and it costs far more, while this runs on many candidates.
    """
    lines = [el.text or ""]

    def add(node: lxml_html.HtmlElement) -> None:
        if node.tag == "br":
            lines.append("")
        elif node.tag not in _SILENT:
            lines[-1] += node.text or ""
            for child in node:
                add(child)
        lines[-1] += node.tail or ""

    for child in el:
        add(child)
    return lines


def _kept_by_lines(el: lxml_html.HtmlElement, keys: set[str], kept: str) -> bool:
    """Whether every line of a paragraph broken by <br> is one trafilatura kept."""
    if el.find(".//br") is None:
        return False
    parts = [match_key(line) for line in _br_lines(el)]
    parts = [p for p in parts if p]
    return len(parts) > 1 and all(p in keys or (kept and len(p) >= 20 and p in kept) for p in parts)


def locate_container(doc: lxml_html.HtmlElement, lines: list[str]) -> Located:
    """The element holding most of ``lines`` (the main text trafilatura kept) and little else."""
    line_keys = [match_key(line) for line in lines]
    keys = {key for line, key in zip(lines, line_keys) if len(line) >= 25 and not is_chrome_line(line)}
    out = Located(keys=set(line_keys))
    if not keys:
        return out
    kept = "\n".join(keys) if sum(map(len, keys)) < MAX_SUBSTRING_TEXT else ""
    longest = max(map(len, keys)) * 1.3 + 40
    whole = sum(map(len, keys)) * 1.3 + 40  # a paragraph cut by <br> may hold several lines
    lengths = _text_lengths(doc)
    matched: list[lxml_html.HtmlElement] = []
    seen: dict[lxml_html.HtmlElement, str] = {}  # candidates' keys, reused by a wrapper of one child
    for count, el in enumerate(e for e in lengths if e.tag in _BLOCKISH and 20 <= lengths[e] <= whole):
        if count > MAX_CANDIDATES:
            break
        if count % 1000 == 0:
            budget.check()
        children = len(el)
        if children >= 40:
            continue
        if lengths[el] > longest:
            # Longer than any line: only a paragraph whose lines are cut by <br> can still match.
            if el.find("br") is not None and _kept_by_lines(el, keys, kept):
                matched.append(el)
            continue
        only = el[0] if children == 1 else None
        if only is not None and only in seen and lengths[only] == lengths[el]:
            text = seen[only]  # <div><p>same text</p></div>: the same key
        else:
            text = match_key(" ".join(el.itertext()))
        seen[el] = text
        # An element whose whole text trafilatura kept (trafilatura merges table cells' paragraphs),
        # or each of its <br>-separated lines (trafilatura splits a paragraph at its line breaks).
        if len(text) >= 20 and (text in keys or (kept and text in kept) or _kept_by_lines(el, keys, kept)):
            matched.append(el)
    if not matched:
        return out
    # Keep only the deepest match per text (a <p> inside a <div> matching the same line).
    outer = {a for el in matched for a in el.iterancestors()}
    leaves = [el for el in matched if el not in outer]
    weight: Counter[lxml_html.HtmlElement] = Counter()
    for el in leaves:
        for anc in [el, *el.iterancestors()]:
            weight[anc] += lengths[el]

    def score(el: lxml_html.HtmlElement) -> float:
        """Matched text counts for an element, text trafilatura did not keep counts against it."""
        return weight[el] - UNMATCHED_PENALTY * (lengths.get(el, 0) - weight[el])

    best = max(weight, key=score)
    total = sum(lengths[el] for el in leaves)
    # Climb while the container misses part of the main text (the body split in sibling blocks):
    # lines trafilatura did not keep are filtered out later, so a wider container costs little.
    while weight[best] < WANT_COVERAGE * total and best.getparent() is not None and best.tag != "body":
        best = best.getparent()
    out.element, out.coverage = best, weight[best] / total if total else 0.0
    return out


# Class words of an article body; a container whose class names none of them is not followed.
_BODY_CLASS = re.compile(r"body|content|article|story|text|entry|post|detail|noi-?dung|chi-?tiet", re.I)
MIN_CONTINUATION_CHARS = 200
MAX_CONTINUATION_LINK_SHARE = 0.3


def _is_continuation(el: lxml_html.HtmlElement, container: lxml_html.HtmlElement) -> bool:
    """Whether ``el`` reads as more of the article: prose, few links, not inside a side box."""
    text = el.text_content().strip()
    if len(text) < MIN_CONTINUATION_CHARS:
        return False
    linked = sum(len(a.text_content().strip()) for a in el.iter("a"))
    if linked > MAX_CONTINUATION_LINK_SHARE * len(text):
        return False
    shared = set(container.iterancestors())
    return not any(is_aside(f"{a.get('class') or ''} {a.get('id') or ''}")
                   for a in el.iterancestors() if a not in shared)


def continuations(doc: lxml_html.HtmlElement, container: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    """The parts of a body split by ads or widgets, the container first, in document order.

    A part is an element after the container, of its tag and exact class, at its depth, holding
    prose with few links and not inside a side box; trafilatura keeps only the first part of
    such pages.
    """
    cls = container.get("class")
    if not cls or not _BODY_CLASS.search(cls):
        return [container]
    depth = sum(1 for _ in container.iterancestors())
    parts: list[lxml_html.HtmlElement] = []
    for el in doc.iter(container.tag):
        if el is container:
            parts.append(el)
        elif (parts and el.get("class") == cls and sum(1 for _ in el.iterancestors()) == depth
              and _is_continuation(el, container)):
            parts.append(el)
    return parts
