"""Datasette plugin: serve the archive's kept copies of article images, and list them for the article page.

``/-/image/<sha256>`` answers the stored bytes with their verified mime type (only raster image
types, ``nosniff`` from the CSP plugin), from this site's own origin: ``img-src 'self'`` shows
them, and a reader's browser never contacts the original site. ``rn_images(db_name, article_id)``
gives the article template each image's archived copy, or why there is none.
"""

from __future__ import annotations

import re
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response

# As archive.images.IMAGES_OF_SQL (plugins are also copied alone into a --plugins-dir: no imports of archive/).
IMAGES_OF_SQL = """select l.position, l.url, l.sha256, l.status, l.reason, l.http_status, i.mime, i.width, i.height,
  i.bytes from article_images l left join images i on i.sha256 = l.sha256
where l.article_id = ? order by l.position"""
SAFE_MIME = re.compile(r"^image/(jpeg|png|gif|webp|bmp|x-icon)$")
ROUTE = r"^/-/image/(?P<sha256>[0-9a-f]{64})$"
CACHE = "public, max-age=31536000, immutable"  # the URL is the content's hash: it never changes


async def find_image(datasette: Any, digest: str) -> tuple[bytes, str] | None:
    """(bytes, mime) of a kept image from the first database that holds it, or None."""
    for name, db in datasette.databases.items():
        if name == "_internal" or not await db.table_exists("images"):
            continue
        result = await db.execute("select content, mime from images where sha256 = ?", [digest])
        row = result.first()
        if row is not None:
            return bytes(row["content"]), row["mime"]
    return None


async def image_view(datasette: Any, request: Any) -> Response:
    """``/-/image/<sha256>``: the kept bytes with their mime type, or 404."""
    digest = request.url_vars["sha256"]
    etag = f'"{digest}"'
    if request.headers.get("if-none-match") == etag:
        return Response("", status=304, headers={"ETag": etag, "Cache-Control": CACHE})
    found = await find_image(datasette, digest)
    if found is None or not SAFE_MIME.match(found[1] or ""):
        return Response.text("no archived image with this sha256", status=404)
    data, mime = found
    return Response(data, status=200, content_type=mime,
                    headers={"ETag": etag, "Cache-Control": CACHE, "Content-Disposition": "inline"})


async def article_images(datasette: Any, db_name: str, article_id: str) -> dict[int, dict[str, Any]]:
    """An article's image rows keyed by position ({} before the images migration)."""
    db = datasette.get_database(db_name)
    if not await db.table_exists("article_images"):
        return {}
    rows = (await db.execute(IMAGES_OF_SQL, [article_id])).rows
    return {row["position"]: dict(row) for row in rows}


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    """The kept images, by sha256."""
    return [(ROUTE, image_view)]


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> dict[str, Any]:
    """``rn_images(db_name, id)`` and ``rn_image_url(sha256)`` for the article page template."""
    if not template.startswith("row"):
        return {}

    async def rn_images(db_name: str, article_id: str) -> dict[int, dict[str, Any]]:
        return await article_images(datasette, db_name, article_id)

    def rn_image_url(digest: str) -> str:
        return datasette.urls.path(f"/-/image/{digest}")

    return {"rn_images": rn_images, "rn_image_url": rn_image_url}
