"""The generic path: trafilatura finds the main text, we find the element that holds it."""

from __future__ import annotations

from collections import Counter

import trafilatura
from lxml import html as lxml_html

from scrapers.extract import budget
from scrapers.extract.chrome import is_chrome_line
from scrapers.extract.chrome import fold
from scrapers.extract.text import clean_line

UNMATCHED_PENALTY = 0.25
MAX_CANDIDATES = 20_000
FAST_ABOVE_CHARS = 400_000
MAX_TRAFILATURA_CHARS = 2_500_000
MAX_SUBSTRING_TEXT = 100_000  # above this, only whole-line matches (substring search is quadratic)

_BLOCKISH = ("p", "div", "td", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "span", "font", "section",
             "article", "dd", "pre")
# Measured on the fixtures and the snapshot: recall mode keeps short pages whole; the Vietnamese
# chrome rules applied afterwards give back the precision.
TRAFILATURA_OPTIONS = {"favor_recall": True, "include_comments": False, "include_tables": True,
                       "include_images": False, "deduplicate": False}


def trafilatura_lines(html: str, url: str) -> list[str]:
    """The lines of main text trafilatura finds, or an empty list."""
    if len(html) > MAX_TRAFILATURA_CHARS:
        return []
    # On big pages the fallback extractors (readability, jusText) cost more than they add.
    options = dict(TRAFILATURA_OPTIONS, fast=len(html) > FAST_ABOVE_CHARS)
    try:
        text = trafilatura.extract(html, url=url, output_format="txt", **options)
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


def _own_text(el: lxml_html.HtmlElement) -> str:
    """Text of ``el`` without nested block elements' text (approximately)."""
    return clean_line(" ".join(el.itertext()))


def locate_container(doc: lxml_html.HtmlElement, lines: list[str]) -> lxml_html.HtmlElement | None:
    """The element holding most of ``lines`` (the main text trafilatura kept) and little else."""
    # Spaces are ignored: trafilatura and the page may split words differently ("T hời" / "Thời").
    keys = {fold(line).replace(" ", "") for line in lines if len(line) >= 25 and not is_chrome_line(line)}
    kept = "\n".join(keys) if sum(map(len, keys)) < MAX_SUBSTRING_TEXT else ""
    if not keys:
        return None
    matched: list[tuple[lxml_html.HtmlElement, int]] = []
    for count, el in enumerate(doc.iter(*_BLOCKISH)):
        if count > MAX_CANDIDATES:
            break
        if count % 1000 == 0:
            budget.check()
        text = fold(_own_text(el)).replace(" ", "")
        # An element whose whole text trafilatura kept (trafilatura merges table cells' paragraphs).
        if len(text) >= 20 and len(el) < 40 and (text in keys or (kept and text in kept)):
            matched.append((el, len(text)))
    if not matched:
        return None
    # Keep only the deepest match per text (a <p> inside a <div> matching the same line).
    matched_set = {id(el) for el, _ in matched}
    leaves = [el for el, _ in matched if not any(id(d) in matched_set for d in el.iterdescendants())]
    weight: Counter[int] = Counter()
    elements: dict[int, lxml_html.HtmlElement] = {}
    for el in leaves:
        w = len(_own_text(el))
        for anc in [el, *el.iterancestors()]:
            weight[id(anc)] += w
            elements[id(anc)] = anc
    # Matched text counts for an element, text trafilatura did not keep counts against it.
    def score(key: int) -> float:
        return weight[key] - UNMATCHED_PENALTY * (len(_own_text(elements[key])) - weight[key])
    best = max(weight, key=score)
    return elements[best]


