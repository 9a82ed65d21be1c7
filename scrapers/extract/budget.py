"""A per-page time budget: long loops call check() and extraction stops cleanly when it runs out."""

from __future__ import annotations

import time
from contextvars import ContextVar

PAGE_SECONDS = 5.0  # no real article page needs more; a pathological one fails instead of stalling
_deadline: ContextVar[float] = ContextVar("extract_deadline", default=float("inf"))


class OutOfTime(Exception):
    """The page used up its time budget."""


def start(seconds: float = PAGE_SECONDS) -> None:
    """Start the budget of the page being extracted."""
    _deadline.set(time.monotonic() + seconds)


def check() -> None:
    """Raise OutOfTime when the current page's budget is spent."""
    if time.monotonic() > _deadline.get():
        raise OutOfTime
