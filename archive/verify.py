"""Is a candidate really a copy? Shingle-set similarity, then where and how the texts differ.

A republished copy adds or cuts lines at its edges (an intro, a byline, a credit, a trimmed last
paragraph) and keeps every figure and name; two articles written from one template ("Kế hoạch
cải cách hành chính năm 2022" of two provinces) substitute a lead, sentences, a year, a count or
a district. Thresholds were chosen on the labelled set of ``bench/dedupe.py``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from archive.neardup import MIN_SHINGLES, member, shingle_sequence, syllable_array, unique
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
    common = int(np.count_nonzero(member(a, b)))
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


def gap_rate(sequence: np.ndarray, other: np.ndarray) -> float:
    """Runs of shingles missing from ``other`` per 100 shingles of ``sequence``.

    A republished copy differs in a few places (an intro, a byline, a trimmed paragraph); two
    articles written from one template differ in a name or a figure in nearly every sentence.
    """
    if not len(sequence):
        return 0.0
    shared = member(sequence, other)
    starts = int(np.count_nonzero(~shared[1:] & shared[:-1])) + int(not shared[0])
    return 100.0 * starts / len(sequence)


def numbers(body: str) -> frozenset[str]:
    """The figures and names a body states: numbers (years, counts, percentages, document
    numbers) and runs of capitalised syllables (Bình Định, Nguyễn Văn Hùng): two or more
    capitalised words in a row within a sentence, not counting its first word (capitalised anyway)."""
    text = unicodedata.normalize("NFC", body)
    runs = _runs()[0 if _ASTRAL.search(text) else 1]
    names = {"~" + _fold_name(" ".join(_WORD.findall(run.group())))
             for sentence in _SENTENCE.split(text)
             for run in runs.finditer(sentence, _start(sentence))}
    return frozenset(_NUMBER.findall(text)) | names


_FIRST_WORD = re.compile(r"\W*\w+")
_RUNS: list[re.Pattern[str]] = []
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _start(sentence: str) -> int:
    first = _FIRST_WORD.match(sentence)
    return first.end() if first else len(sentence)


def _runs() -> list[re.Pattern[str]]:
    """Two or more words in a row (within one sentence) whose first character is upper case: the
    pattern for any text, and the same for a text without characters beyond U+FFFF (faster:
    ``re`` tests a class of such characters range by range)."""
    if not _RUNS:
        for top in (0x110000, 0x10000):
            upper, ranges = (c for c in range(top) if chr(c).isupper()), []
            for code in upper:
                if ranges and code == ranges[-1][1] + 1:
                    ranges[-1][1] = code
                else:
                    ranges.append([code, code])
            cls = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
            word = f"(?<!\\w)[{cls}]\\w*"
            _RUNS.append(re.compile(f"{word}(?:\\W+{word})+"))
    return _RUNS


@lru_cache(maxsize=100_000)
def _fold_name(name: str) -> str:
    return fold(name)


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
    marks: frozenset[str] = frozenset()  # the figures and names of the matched lines


@lru_cache(maxsize=8192)
def _line(line: str) -> tuple[np.ndarray, int, frozenset[str], np.ndarray]:
    """One line's syllable ids, word count, figures and shingle set (``shingles(line)``); cached:
    a copy repeats its original's lines, verified right after them."""
    ids = syllable_array(line)
    return ids, len(line.split()), numbers(line), unique(shingle_sequence("", ids))


@dataclass
class Lines:
    """A body's non-empty lines with their shingle sets laid end to end (``bounds``: offsets)."""

    text: list[str]
    shingles: np.ndarray
    bounds: np.ndarray
    words: np.ndarray
    marks: list[frozenset[str]]
    sequence: np.ndarray  # the whole body's shingles in text order (``shingle_sequence(body)``)


_LINES: "OrderedDict[str, Lines]" = OrderedDict()
_EMPTY = np.zeros(0, dtype=np.uint64)


def lines_of(body: str) -> Lines:
    """The :class:`Lines` of a body (the last few hundred bodies are kept)."""
    found = _LINES.get(body)
    if found is not None:
        _LINES.move_to_end(body)
        return found
    text = [line for line in body.splitlines() if line.strip()]
    parts = [_line(line) for line in text]
    # Each line's shingle set (cached with the line), end to end; the whole body's sequence
    # from its syllables end to end (= syllable_ids(body): a line break is a space).
    sets = [p[3] for p in parts]
    bounds = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in sets], out=bounds[1:])
    found = Lines(text, np.concatenate(sets) if parts else _EMPTY, bounds,
                  np.array([p[1] for p in parts], dtype=np.int64), [p[2] for p in parts],
                  shingle_sequence("", np.concatenate([p[0] for p in parts]) if parts else _EMPTY))
    _LINES[body] = found
    if len(_LINES) > 512:
        _LINES.popitem(last=False)
    return found


def align(body: str, other: np.ndarray) -> Alignment:
    """Which lines of ``body`` mostly reappear in the shingle set ``other`` (half their shingles)."""
    lines = lines_of(body)
    hits = np.concatenate([[0], np.cumsum(member(lines.shingles, other), dtype=np.int64)])
    counts = np.diff(lines.bounds)
    shared = hits[lines.bounds[1:]] - hits[lines.bounds[:-1]]
    matched = (counts > 0) & (2 * shared >= counts)  # mean of the line's shingles found >= 0.5
    marks = frozenset().union(*(m for m, ok in zip(lines.marks, matched) if ok))
    kept = [line for line, ok in zip(lines.text, matched) if ok]
    anchors = np.flatnonzero(matched & (lines.words >= 8))  # not a byline
    if not len(anchors):
        return Alignment(kept, 0, 0, 0, marks)
    first, last = int(anchors[0]), int(anchors[-1])
    unmatched = np.where(matched, 0, lines.words)
    edge = np.where(unmatched >= EDGE_LINE_WORDS, unmatched, 0)
    return Alignment(kept, int(unmatched[first:last + 1].sum()), int(edge[:first].sum()),
                     int(edge[last + 1:].sum()), marks)


def matched_marks(body: str, other: np.ndarray) -> frozenset[str]:
    """The figures and names of the lines of ``body`` that mostly reappear in ``other``
    (an added intro, a changed byline or a trimmed paragraph has no matching line)."""
    return align(body, other).marks


def same_facts(body_a: str, body_b: str, set_a: np.ndarray, set_b: np.ndarray) -> bool:
    """Whether two bodies differ only by lines added or cut at their edges (an intro, a byline,
    a trimmed end) or a caption's worth of words inside, and their matching lines state the same
    figures and names. Two articles on one theme substitute a lead, a paragraph or a figure.

    The figures of the matching lines are the union of each line's figures: a line is its own
    sentence (``numbers`` splits at line ends), so this equals ``numbers`` of the joined lines."""
    a, b = align(body_a, set_b), align(body_b, set_a)
    words = min(int(lines_of(body_a).words.sum()), int(lines_of(body_b).words.sum()))  # len(body.split())
    if max(a.inner, b.inner) > max(INNER_WORDS_MAX, INNER_SHARE_MAX * words):
        return False  # whole sentences differ inside the text
    if min(a.lead, b.lead) or min(a.trail, b.trail):
        return False  # each has its own lead (or closing paragraph): rewritten, not republished
    return figures_agree(a.marks, b.marks)


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


Candidate = tuple[str, "np.ndarray | None", "np.ndarray | None"]  # body, shingle set, sequence (None: from the body)
# body, its shingle set and sequence, candidates, and each candidate's story when known (None: not yet)
Job = tuple[str, np.ndarray, np.ndarray, list[Candidate], list["int | None"]]


def copies_of(job: Job) -> list[tuple[int, float]]:
    """Which candidates the body copies: ``(index, Jaccard)`` of each that passes :func:`is_copy`
    then :func:`same_facts`, most similar first (then in the given order). Once a candidate of a
    known story holds, the other candidates of that story are not checked: what matters is which
    stories the body joins (more than one: the body bridges them). The cheap checks run on every
    candidate, the line and figure checks only on those that pass. A pure function of its job, so
    it can run in a worker process."""
    body, shingle_set, sequence, candidates, stories = job
    passed = []
    for order, (other_body, other_set, other_sequence) in enumerate(candidates):
        if other_sequence is None or other_set is None:
            other_sequence = lines_of(other_body).sequence
            other_set = unique(other_sequence)
        copy, jaccard = is_copy(shingle_set, other_set, sequence, other_sequence)
        if copy:
            passed.append((-jaccard, order, other_body, other_set))
    held: list[tuple[int, float]] = []
    joined: set[int] = set()
    for negative, order, other_body, other_set in sorted(passed, key=lambda p: p[:2]):
        story = stories[order]
        if story is not None and story in joined:
            continue
        if same_facts(body, other_body, shingle_set, other_set):
            held.append((order, -negative))
            if story is not None:
                joined.add(story)
    return held
