"""Is a candidate really a copy? Shingle-set similarity, then where and how the texts differ.

A republished copy adds or cuts lines at its edges (an intro, a byline, a credit, a trimmed last
paragraph) and keeps every figure and name; two articles written from one template ("Kế hoạch
cải cách hành chính năm 2022" of two provinces) substitute a lead, sentences, a year, a count or
a district. Thresholds were chosen on the labelled set of ``bench/dedupe.py``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from archive.neardup import MIN_SHINGLES, shingles
from scrapers.extract.text import fold

JACCARD_MIN = 0.5  # a copy: shingle-set Jaccard at least this ...
CONTAINMENT_MIN = 0.9  # ... or the smaller body almost wholly inside the larger (a trimmed copy)
SIZE_RATIO_MIN = 0.4  # ... when the smaller has at least this share of the larger's shingles
GAP_RATE_MAX = 2.5  # ... and its differences gathered in few places (not a template's many slots)
INNER_WORDS_MAX = 24  # ... and no more unmatched text inside it than a caption or two (words) ...
INNER_SHARE_MAX = 0.03  # ... or this share of the shorter body ...
EDGE_LINE_WORDS = 12  # ... and no lead or closing paragraph (this long) replaced by another
MARKS_TOLERANCE = 0.1  # ... and no figures or names substituted (beyond this share: a respelled date)

_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")
_SENTENCE = re.compile(r"[.!?:;\n]+")


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two shingle sets."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


def gap_rate(sequence: np.ndarray, other: np.ndarray) -> float:
    """Runs of shingles missing from ``other`` per 100 shingles of ``sequence``.

    A republished copy differs in a few places (an intro, a byline, a trimmed paragraph); two
    articles written from one template differ in a name or a figure in nearly every sentence.
    """
    if not len(sequence):
        return 0.0
    shared = np.isin(sequence, other, assume_unique=False)
    starts = int(np.count_nonzero(~shared[1:] & shared[:-1])) + int(not shared[0])
    return 100.0 * starts / len(sequence)


def numbers(body: str) -> frozenset[str]:
    """The figures and names a body states: numbers (years, counts, percentages, document
    numbers) and runs of capitalised syllables (Bình Định, Nguyễn Văn Hùng)."""
    text = unicodedata.normalize("NFC", body)
    names: set[str] = set()
    for sentence in _SENTENCE.split(text):
        run: list[str] = []
        for word in _WORD.findall(sentence)[1:] + [""]:  # a sentence's first word is capitalised anyway
            if word[:1].isupper():
                run.append(word)
                continue
            if len(run) >= 2:
                names.add("~" + fold(" ".join(run)))
            run = []
    return frozenset(_NUMBER.findall(text)) | names


def figures_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two bodies' matching lines state the same figures and names.

    Two articles from one template substitute a year, a count or a district in lines that
    otherwise match, so each has figures the other lacks; a copy's matching lines agree.
    """
    only_a, only_b = a - b, b - a
    return not (only_a and only_b) or len(only_a | only_b) <= MARKS_TOLERANCE * len(a | b)


@dataclass
class Alignment:
    """How one body's lines reappear in another: the matched lines, and the words of unmatched
    lines inside the matched span, before it and after it (long lines only at the edges)."""

    lines: list[str]
    inner: int
    lead: int
    trail: int


def align(body: str, other: np.ndarray) -> Alignment:
    """Which lines of ``body`` mostly reappear in the shingle set ``other``."""
    lines = [line for line in body.splitlines() if line.strip()]
    matched = []
    for line in lines:
        line_shingles = shingles(line)
        matched.append(bool(len(line_shingles)) and float(np.isin(line_shingles, other).mean()) >= 0.5)
    kept = [line for line, ok in zip(lines, matched) if ok]
    anchors = [i for i, ok in enumerate(matched) if ok and len(lines[i].split()) >= 8]  # not a byline
    if not anchors:
        return Alignment(kept, 0, 0, 0)
    first, last = anchors[0], anchors[-1]

    def long_words(indexes: range) -> int:
        sizes = (len(lines[i].split()) for i in indexes if not matched[i])
        return sum(n for n in sizes if n >= EDGE_LINE_WORDS)

    inner = sum(len(lines[i].split()) for i in range(first, last + 1) if not matched[i])
    return Alignment(kept, inner, long_words(range(first)), long_words(range(last + 1, len(lines))))


def matched_marks(body: str, other: np.ndarray) -> frozenset[str]:
    """The figures and names of the lines of ``body`` that mostly reappear in ``other``
    (an added intro, a changed byline or a trimmed paragraph has no matching line)."""
    return numbers("\n".join(align(body, other).lines))


def same_facts(body_a: str, body_b: str, set_a: np.ndarray, set_b: np.ndarray) -> bool:
    """Whether two bodies differ only by lines added or cut at their edges (an intro, a byline,
    a trimmed end) or a caption's worth of words inside, and their matching lines state the same
    figures and names. Two articles on one theme substitute a lead, a paragraph or a figure."""
    a, b = align(body_a, set_b), align(body_b, set_a)
    words = min(len(body_a.split()), len(body_b.split()))
    if max(a.inner, b.inner) > max(INNER_WORDS_MAX, INNER_SHARE_MAX * words):
        return False  # whole sentences differ inside the text
    if min(a.lead, b.lead) or min(a.trail, b.trail):
        return False  # each has its own lead (or closing paragraph): rewritten, not republished
    return figures_agree(numbers("\n".join(a.lines)), numbers("\n".join(b.lines)))


def is_copy(a: np.ndarray, b: np.ndarray, seq_a: np.ndarray | None = None,
            seq_b: np.ndarray | None = None) -> tuple[bool, float]:
    """Whether two shingle sets (with their sequences) are one text with small edits; and Jaccard."""
    if min(len(a), len(b)) < MIN_SHINGLES:
        return False, 0.0
    jaccard, containment = similarity(a, b)
    ratio = min(len(a), len(b)) / max(len(a), len(b))
    if not (jaccard >= JACCARD_MIN or (containment >= CONTAINMENT_MIN and ratio >= SIZE_RATIO_MIN)):
        return False, jaccard
    if seq_a is not None and seq_b is not None:
        smaller, larger = (seq_a, b) if len(a) <= len(b) else (seq_b, a)
        if gap_rate(smaller, larger) > GAP_RATE_MAX:
            return False, jaccard
    return True, jaccard
