"""Columns that hold a JSON list (images, breadcrumb, recipients, a document's outline...)."""

from __future__ import annotations

import json
from typing import Any


def json_list(value: str | None) -> list[Any]:
    """A stored JSON list column as a list ([] when empty, broken or not a list)."""
    try:
        decoded = json.loads(value or "[]")
    except ValueError:
        return []
    return decoded if isinstance(decoded, list) else []
