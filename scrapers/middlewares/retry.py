"""Retries with exponential backoff that honour the server's Retry-After header."""

from __future__ import annotations

import asyncio
import random
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, delaying each retry by RETRY_BACKOFF_BASE * 2**n seconds or the Retry-After asked."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        """Retry like Scrapy does, remembering how long the server asked us to wait."""
        result = super().process_response(request, response)
        if isinstance(result, Request):
            asked = retry_after_seconds(response.headers.get("Retry-After"))
            if asked is not None:
                result.meta["retry_after"] = asked
        return result

    async def process_request(self, request: Request) -> None:
        """Wait before sending a retried request (other requests go on meanwhile)."""
        tries = int(request.meta.get("retry_times", 0))
        if not tries:
            return None
        settings = self.crawler.settings
        base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        ceiling = settings.getfloat("RETRY_BACKOFF_MAX", 300.0)
        delay = request.meta.pop("retry_after", None)
        if delay is None:
            delay = base * 2 ** (tries - 1) * (0.5 + random.random())
        delay = min(float(delay), ceiling)
        if delay > 0:
            self.crawler.stats.inc_value("reformnews/retry_wait_seconds", int(delay))
            await asyncio.sleep(delay)
        return None
