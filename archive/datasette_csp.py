"""Datasette plugin: a strict Content-Security-Policy (and friends) on every response."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import datasette
from datasette import hookimpl

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def _sha(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def _datasette_inline_hashes() -> list[str]:
    """Hashes of Datasette's own constant inline scripts (menu closing, the facet flag)."""
    menus = (Path(datasette.__file__).parent / "templates" / "_close_open_menus.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script>(.*?)</script>", menus, flags=re.S)
    flags = [f"DATASETTE_ALLOW_FACET = {v};" for v in ("true", "false")]
    return [_sha(s) for s in [*scripts, *flags]]


# Nothing from a crawled page can run: no inline script except Datasette's two constant ones
# (by hash), no plugins, no remote scripts, no framing. The SQL editor's inline set-up is
# blocked too, so /archive?sql= shows a plain textarea: an accepted loss.
POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' " + " ".join(_datasette_inline_hashes()),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https: http:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "connect-src 'self'",
])
HEADERS = [
    (b"content-security-policy", POLICY.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
_NAMES = {name for name, _ in HEADERS}


def with_security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap an ASGI app so each HTTP response carries :data:`HEADERS`."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(event: dict[str, Any]) -> None:
            if event.get("type") == "http.response.start":
                kept = [(k, v) for k, v in event.get("headers", []) if k.lower() not in _NAMES]
                event = {**event, "headers": [*kept, *HEADERS]}
            await send(event)

        await app(scope, receive, send_with_headers)

    return wrapped


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[ASGIApp], ASGIApp]:
    """Add the security headers to every response."""
    return with_security_headers
