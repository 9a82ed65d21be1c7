"""The chrome vocabulary (chrome.toml) compiled into line tests: chrome lines, body ends, titles."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scrapers.extract.text import fold as text_fold

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """``text.fold``, cached: chrome phrases and page lines are folded over and over."""
    return text_fold(text)

CHROME_PATH = Path(__file__).with_name("chrome.toml")
# Tokens left after removing chrome phrases that still carry no text: numbers, dates, times,
# single letters ("A+ A A-" folds to "a a a").
_NOISE_TOKEN = re.compile(r"^(\d[\d]*|[a-z])$")
_MAX_LINE = 400
_GLUED = re.compile(r"(?<=[^\W\d])(?=\d)|(?<=\d)(?=[^\W\d])")  # "Hôm nay224" -> "Hôm nay 224"  # longer lines are prose, never chrome; also bounds the regex work


def _alternation(phrases: list[str]) -> re.Pattern[str]:
    """A regex matching any folded phrase as whole words, longest first."""
    folded = sorted({fold(p) for p in phrases if fold(p)}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in folded) + r")(?!\w)")


def _words(phrases: list[str]) -> frozenset[str]:
    """Every folded word of ``phrases``: a line with a word outside this set cannot be all chrome."""
    return frozenset(word for p in phrases for word in fold(p).split())


@dataclass(frozen=True)
class PagePhrases:
    """One page's own chrome (breadcrumb, category, site name) as a pattern and its words."""

    pattern: re.Pattern[str]
    words: frozenset[str]


@dataclass(frozen=True)
class Vocabulary:
    """The compiled chrome vocabulary."""

    phrases: re.Pattern[str]
    words: frozenset[str]
    prefixes: tuple[str, ...]
    prefix_keys: re.Pattern[str]  # folded prefixes without punctuation, as whole leading words
    ends: frozenset[str]
    selectors: tuple[str, ...]
    titles: frozenset[str]
    soft404: tuple[str, ...]
    not_article: frozenset[str]
    aside: re.Pattern[str]  # any class or id word of a box beside the article, case ignored
    raw: dict


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Load and compile ``chrome.toml`` once."""
    data = tomllib.loads(CHROME_PATH.read_text(encoding="utf-8"))
    phrases = [p for group in data["phrases"].values() for p in group]
    prefixes = tuple(sorted({p.lower() for g in data["prefixes"].values() for p in g}))
    return Vocabulary(
        phrases=_alternation(phrases),
        words=_words(phrases),
        prefixes=prefixes,
        prefix_keys=re.compile("(?:" + "|".join(sorted({re.escape(fold(p)) for p in prefixes if ":" not in p and fold(p)},
                                                       key=len, reverse=True)) + ")(?: |$)"),
        ends=frozenset(fold(p) for g in data["ends"].values() for p in g),
        selectors=tuple(s for g in data["selectors"].values() for s in g),
        titles=frozenset(fold(p) for p in data["titles"]["generic"]),
        soft404=tuple(fold(p) for p in data["soft404"]["phrases"]),
        not_article=frozenset(fold(p) for p in data["not_article"]["headings"]),
        aside=re.compile("|".join(re.escape(w) for w in data["aside"]["words"]), re.I),
        raw=data,
    )


def page_phrases(phrases: list[str]) -> PagePhrases | None:
    """One page's own chrome (its breadcrumb, category, site name), or None."""
    return PagePhrases(_alternation(phrases), _words(phrases)) if any(fold(p) for p in phrases) else None


def residue(line: str, extra: PagePhrases | None = None) -> list[str]:
    """The folded words of ``line`` that are not chrome phrases, numbers or single letters."""
    vocab = vocabulary()
    stripped = vocab.phrases.sub(" ", fold(_GLUED.sub(" ", line[:_MAX_LINE])))
    if extra is not None:
        stripped = vocab.phrases.sub(" ", extra.pattern.sub(" ", stripped))
    return [t for t in stripped.split() if not _NOISE_TOKEN.match(t)]


def _has_plain_word(line: str, extra: PagePhrases | None) -> bool:
    """True when a word of ``line`` belongs to no chrome phrase (so the line is not all chrome)."""
    words = vocabulary().words
    for token in fold(_GLUED.sub(" ", line[:_MAX_LINE])).split():
        if token not in words and (extra is None or token not in extra.words) and not _NOISE_TOKEN.match(token):
            return True
    return False


def is_chrome_line(line: str, extra: PagePhrases | None = None) -> bool:
    """True when ``line`` is page chrome: only chrome words and numbers, or a chrome prefix."""
    if not line.strip():
        return True
    if len(line) > _MAX_LINE:
        return False
    folded = fold(line)
    lowered = line.strip().lower()
    vocab = vocabulary()
    if lowered.startswith(vocab.prefixes):
        return True
    # A prefix without punctuation also matches unaccented or differently cased text.
    if vocab.prefix_keys.match(folded):
        return True
    if not folded:
        # Only punctuation and symbols ("|", "»", "-"): nothing to keep.
        return True
    return not _has_plain_word(line, extra) and not residue(line, extra)


def is_chrome_phrase(line: str) -> bool:
    """True when the whole of ``line`` is one chrome phrase ("Email", "Chia sẻ", "Facebook")."""
    folded = fold(line).strip()
    return bool(folded) and vocabulary().phrases.fullmatch(folded) is not None


def is_end_marker(line: str) -> bool:
    """True when ``line`` is a related-list heading such as "Các tin khác" that ends the body."""
    if len(line) > 60:
        return False
    return fold(line) in vocabulary().ends


def is_generic_title(title: str) -> bool:
    """True for a title that names the page type or the site, never an article."""
    folded = fold(title)
    if not folded or folded in vocabulary().titles:
        return True
    return any(folded.startswith(t + " ") for t in ("chi tiet tin", "chi tiet tin tuc", "chi tiet bai viet"))


def is_aside(names: str) -> bool:
    """True when ``names`` (an element's class and id) holds a word of a box beside the article."""
    return vocabulary().aside.search(names) is not None


def chrome_selectors() -> tuple[str, ...]:
    """CSS selectors of blocks that are chrome on every site."""
    return vocabulary().selectors
