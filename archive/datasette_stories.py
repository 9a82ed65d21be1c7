"""Datasette plugin: the page of a story merged into another leads to the story it joined.

When a later copy bridges two stories the archive makes them one and records the story that went
in ``story_merges`` (story_id → merged_into). Its row page, ``/<db>/stories/<old id>`` (or
``.json``), would answer 404; instead it redirects to ``/<db>/stories/<new id>`` (chains followed),
keeping the query string. Only a 404 is touched: a story that exists is served as before.
"""

from __future__ import annotations

import re
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

STORY_PATH = re.compile(r"^/(?P<database>[^/]+)/stories/(?P<story>\d+)(?P<ext>\.json)?$")
MAX_HOPS = 50  # story_merges is kept flat (merged_into is updated on a later merge); a guard all the same


async def story_now(db: Any, story: int) -> int | None:
    """The story ``story`` now lives on as (itself when it still exists), following merges; None if unknown."""
    if not await db.table_exists("story_merges"):
        return None
    seen: set[int] = set()
    current = story
    while current not in seen and len(seen) < MAX_HOPS:
        if (await db.execute("select 1 from stories where id = ?", [current])).first() is not None:
            return current
        seen.add(current)
        row = (await db.execute("select merged_into from story_merges where story_id = ?", [current])).first()
        if row is None:
            return None
        current = int(row["merged_into"])
    return None


async def merged_story_redirect(datasette: Any, request: Any) -> Response | None:
    """A redirect from a merged story's page to the story it joined, or None."""
    match = STORY_PATH.match(request.path)
    if match is None:
        return None
    try:
        db = datasette.get_database(route=match["database"])
    except KeyError:
        return None
    story = int(match["story"])
    target = await story_now(db, story)
    if target is None or target == story:
        return None
    path = datasette.urls.table(db.name, "stories") + f"/{target}{match['ext'] or ''}"
    query = request.query_string
    return Response.redirect(path + (f"?{query}" if query else ""), status=302)


@hookimpl(tryfirst=True)
def handle_exception(datasette: Any, request: Any, exception: Exception) -> Any:
    """On a 404 for ``/<db>/stories/<id>``: redirect to the story that id was merged into, if any."""
    if not isinstance(exception, NotFound):
        return None

    async def inner() -> Response | None:
        return await merged_story_redirect(datasette, request)

    return inner
