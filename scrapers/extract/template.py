"""Site-level template learning: lines that recur on many pages of one site are chrome."""

from __future__ import annotations

from collections import Counter

from scrapers.extract.chrome import fold

MIN_PAGES = 5  # learn nothing until this many pages of the site were seen
MIN_SHARE = 0.3  # a line on at least this share of pages is template
MAX_WORDS = 40  # long lines are prose even when a site repeats them (a standard closing paragraph)
PROSE_WORDS = 8  # a sentence of this many words ending like a sentence is the article's, not chrome
_SENTENCE_END = (".", "!", "?", "…", ";", ":", "\"", "”")


def is_candidate(line: str) -> bool:
    """Whether a body line may be template: short, and not a finished sentence of prose."""
    words = len(line.split())
    if not words or words > MAX_WORDS:
        return False
    return not (words >= PROSE_WORDS and line.rstrip().endswith(_SENTENCE_END))


class SiteTemplate:
    """Learns, from the bodies of many pages of one site, the lines no chrome rule names."""

    def __init__(self, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> None:
        self.pages = 0
        self.counts: Counter[str] = Counter()
        self.min_pages = min_pages
        self.min_share = min_share

    def feed(self, body: str) -> None:
        """Record the distinct lines of one page's body."""
        self.pages += 1
        keys = {fold(line) for line in body.splitlines() if is_candidate(line)}
        self.counts.update(k for k in keys if k)

    def boilerplate(self) -> set[str]:
        """Folded lines seen on enough pages to be the site's template."""
        if self.pages < self.min_pages:
            return set()
        threshold = max(3, self.min_share * self.pages)
        return {key for key, n in self.counts.items() if n >= threshold}

    def strip(self, body: str) -> str:
        """``body`` without the learnt template lines."""
        learnt = self.boilerplate()
        if not learnt:
            return body
        return "\n".join(line for line in body.splitlines() if fold(line) not in learnt)
