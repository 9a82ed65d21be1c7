"""Keeps AutoThrottle from lowering a download slot below the delay DOWNLOAD_SLOTS gives it.

AutoThrottle moves each slot's delay toward the server's latency, bounded below by the global
DOWNLOAD_DELAY only; a site the registry asks to be crawled more slowly (``download_delay``) would
otherwise be sped up after its first quick answers. This extension runs after AutoThrottle on every
downloaded response and lifts the slot's delay back to its DOWNLOAD_SLOTS value; AutoThrottle may
still raise it for a slow server.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response


class SlotDelayFloor:
    """The ``delay`` of each DOWNLOAD_SLOTS entry is the least delay AutoThrottle leaves that slot."""

    def __init__(self, crawler: Crawler, floors: dict[str, float]) -> None:
        self.crawler = crawler
        self.floors = floors
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SlotDelayFloor:
        """Enabled when AutoThrottle is and some DOWNLOAD_SLOTS entry has a delay.

        Listed after AutoThrottle (EXTENSIONS_BASE, order 0) so its handler runs after AutoThrottle's.
        """
        settings = crawler.settings
        if not settings.getbool("AUTOTHROTTLE_ENABLED"):
            raise NotConfigured("AutoThrottle is off: slot delays stay as set")
        floors = {key: float(slot["delay"]) for key, slot in settings.getdict("DOWNLOAD_SLOTS").items()
                  if isinstance(slot, dict) and slot.get("delay")}
        if not floors:
            raise NotConfigured("no DOWNLOAD_SLOTS delay to keep")
        return cls(crawler, floors)

    def response_downloaded(self, response: Response, request: Request, **kwargs: Any) -> None:
        """Lift the request's slot back to its floor after AutoThrottle adjusted it."""
        key = request.meta.get("download_slot")
        floor = self.floors.get(key) if key else None
        if floor is None:
            return
        slot = self.crawler.engine.downloader.slots.get(key)
        if slot is not None and slot.delay < floor:
            slot.delay = floor
