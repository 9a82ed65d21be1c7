"""Rule-based administrative-reform relevance: a 0–1 score from the CCHC vocabulary in relevance.toml."""

from __future__ import annotations

import math
import re
import tomllib
from functools import lru_cache
from pathlib import Path

from scrapers.extract.text import fold

VOCABULARY_PATH = Path(__file__).with_name("relevance.toml")
TITLE_WEIGHT = 2.0
MAX_MENTIONS = 3  # a term repeated more often adds nothing


@lru_cache(maxsize=4)
def vocabulary(path: Path = VOCABULARY_PATH) -> tuple[float, tuple[tuple[re.Pattern[str], float], ...]]:
    """(threshold, compiled (pattern, weight) pairs) of the vocabulary file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    terms = tuple(
        (re.compile(r"(?<![a-z0-9])" + re.escape(fold(term).lower()) + r"(?![a-z0-9])"), float(weight))
        for term, weight in data["terms"].items()
    )
    return float(data.get("threshold", 3.0)), terms


def weighted_mentions(text: str) -> float:
    """Sum of term weights over the folded text (each term counted at most MAX_MENTIONS times)."""
    folded = fold(text or "").lower()
    _, terms = vocabulary()
    return sum(weight * min(MAX_MENTIONS, len(pattern.findall(folded))) for pattern, weight in terms)


def relevance_score(title: str, body: str) -> float:
    """How much an article is about administrative reform, from 0 (nothing) towards 1, rounded to 3 places."""
    threshold, _ = vocabulary()
    total = TITLE_WEIGHT * weighted_mentions(title) + weighted_mentions(body)
    return round(1.0 - math.exp(-total / threshold), 3)
